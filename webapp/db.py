"""One database session per request, committed once at the request boundary."""

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import make_engine
from storage import make_session_factory

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def init_app(app: Flask) -> None:
    """Create the engine and session factories and hook the request boundary."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["cadreflow.engine"] = engine
    app.extensions["cadreflow.sessions"] = make_session_factory(engine)
    app.extensions["cadreflow.read_sessions"] = make_session_factory(engine, read_only=True)
    app.teardown_appcontext(_close)


def session() -> Session:
    """The session of this request (read-only requests do not take SQLite's write lock)."""
    if "db_session" not in g:
        key = "cadreflow.read_sessions" if _is_read() else "cadreflow.sessions"
        g.db_session = current_app.extensions[key]()
    return g.db_session


def _is_read() -> bool:
    try:
        return request.method in READ_METHODS
    except RuntimeError:  # outside a request (CLI): write session
        return False


def commit() -> None:
    """Commit this request's work; a lost race surfaces as :class:`CommitConflict`."""
    if "db_session" not in g:
        return
    try:
        g.db_session.commit()
    except (StaleDataError, OperationalError, IntegrityError) as error:
        g.db_session.rollback()
        raise CommitConflict() from error


def rollback() -> None:
    """Undo this request's work."""
    if "db_session" in g:
        g.db_session.rollback()


class CommitConflict(Exception):
    """The commit lost a race with another request."""


def _close(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()
        db_session.close()
