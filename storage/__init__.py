"""Persistence: SQLAlchemy 2.x models, engines, sessions and Alembic migrations (no Flask, no SpiffWorkflow)."""

from storage.base import Base
from storage.engine import make_engine
from storage.engine import make_session_factory

__all__ = ["Base", "make_engine", "make_session_factory"]
