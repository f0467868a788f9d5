"""Alembic driven from code: the migrations ship inside this package, no alembic.ini needed."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCRIPT_LOCATION = "storage:migrations"


def alembic_config(engine: Engine, app_role: str | None = None) -> Config:
    """An Alembic configuration that runs on ``engine``; ``app_role`` is the app's PostgreSQL role."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["engine"] = engine
    config.attributes["app_role"] = app_role
    return config


def upgrade(engine: Engine, revision: str = "head", app_role: str | None = None) -> None:
    """Bring the database schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine, app_role), revision)


def check(engine: Engine) -> None:
    """Raise when the models and the migrations disagree."""
    command.check(alembic_config(engine))
