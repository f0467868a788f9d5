"""Alembic driven from code: the migrations ship inside this package, no alembic.ini needed."""

import os
from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
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


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return ScriptDirectory.from_config(config)


@cache
def code_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once a process)."""
    return frozenset(_scripts().get_heads())


def schema_state(connection: Connection) -> str:
    """``current``, ``empty`` (never migrated), ``behind`` (migrations to run: ``cadreflow init-db``) or ``ahead``
    (the database knows revisions this code does not: an older release against a newer schema)."""
    at = set(MigrationContext.configure(connection).get_current_heads())
    if at == code_heads():
        return "current"
    if not at:
        return "empty"
    known = {script.revision for script in _scripts().walk_revisions()}
    return "behind" if at <= known else "ahead"
