"""Alembic driven from code: the migrations ship inside this package, no alembic.ini needed."""

import os

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from storage import append_only

SCRIPT_LOCATION = "storage:migrations"


def alembic_config(engine: Engine, app_role: str | None = None) -> Config:
    """An Alembic configuration that runs on ``engine``; ``app_role`` is the app's PostgreSQL role."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["engine"] = engine
    config.attributes["app_role"] = app_role
    return config


def upgrade(engine: Engine, revision: str = "head", app_role: str | None = None) -> None:
    """Bring the database schema up to ``revision`` (idempotent); the app role gets its rights on every table."""
    command.upgrade(alembic_config(engine, app_role), revision)
    # Tables created by migrations after the role was first granted (0006) need its grants too.
    app_role = app_role or os.environ.get("CADREFLOW_DB_APP_ROLE") or None
    if app_role:
        with engine.begin() as connection:
            append_only.apply_app_role(connection, app_role)


def check(engine: Engine) -> None:
    """Raise when the models and the migrations disagree."""
    command.check(alembic_config(engine))
