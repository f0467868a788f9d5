"""One database session per request, committed once at the request boundary."""

from contextlib import contextmanager

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
from webapp import checkpointing

READ_METHODS = ("GET", "HEAD", "OPTIONS")
# How long a note the request can do without waits for SQLite's write lock before it is left for a later request.
NOTE_WAIT_MS = 250


def init_app(app: Flask) -> None:
    """Create the engine and session factories and hook the request boundary."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["cadreflow.engine"] = engine
    app.extensions["cadreflow.sessions"] = make_session_factory(engine)
    app.extensions["cadreflow.read_sessions"] = make_session_factory(engine, read_only=True)
    app.extensions["cadreflow.note_sessions"] = make_session_factory(engine, write_wait_ms=NOTE_WAIT_MS)
    app.after_request(_finish)
    app.teardown_appcontext(_close)


def _finish(response):
    """The request boundary: an answer below 400 commits the request's one transaction, any other rolls it back."""
    if response.status_code >= 400:
        rollback()
        return response
    try:
        commit()
    except CommitConflict as conflict:
        # Lost a race at the very end: the caller gets the 409 answer of webapp.errors, as for any other conflict.
        return current_app.make_response(current_app.handle_user_exception(conflict))
    if request.method not in READ_METHODS:
        checkpointing.checkpoint_if_due(current_app.extensions["cadreflow.clock"].now())
    return response


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


def own_transaction():
    """A short write transaction of its own, committed on leaving ``with``, for what stays on record though the
    request is refused (a denial, a failed sign-in); this request's work is undone first."""
    rollback()  # also lets go of SQLite's write lock, which the new transaction needs
    # A write session of its own: the request's session may be a read-only one.
    return current_app.extensions["cadreflow.sessions"].begin()


@contextmanager
def passing_note():
    """A short write of its own that the request can do without (a sign-in's last-seen time, a token's last use),
    committed on leaving ``with``; this request's work is undone first. When SQLite's write lock is not free
    within NOTE_WAIT_MS the note is left for a later request: a page read must not queue seconds behind writers
    (under load it did, and then failed) to note a time it notes again a minute later."""
    rollback()
    try:
        with current_app.extensions["cadreflow.note_sessions"].begin() as write:
            yield write
    except OperationalError:
        current_app.logger.info("note left for a later request: the database was busy")


def before_slow_work() -> None:
    """Undo this request's work so far, before slow work that must run with no transaction open (a password's hash):
    the request's transaction, if one began, would hold SQLite's write lock through it."""
    rollback()


def read_only():
    """A read-only session of its own, closed on leaving ``with``: for what a writing request reads before slow work
    (a password's hash) that must run with no transaction open; this request's work is undone first."""
    before_slow_work()
    return current_app.extensions["cadreflow.read_sessions"]()


class CommitConflict(Exception):
    """The commit lost a race with another request."""


def _close(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()
        db_session.close()
