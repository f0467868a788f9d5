"""Alembic driven from code: the migrations ship inside this package, no alembic.ini needed."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCRIPT_LOCATION = "storage:migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs on ``engine``."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def check(engine: Engine) -> None:
    """Raise when the models and the migrations disagree."""
    command.check(alembic_config(engine))
