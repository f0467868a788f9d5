"""Engines and session factories: SQLite in WAL with FULL sync and BEGIN IMMEDIATE, PostgreSQL as is."""

import sqlite3
import weakref

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from storage.write_queue import WriteQueue

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Each connection's page cache (SQLite's default is 2 MiB). A filtered inbox reads the case row of each of up to
# a few thousand open tasks, a page each: with 2 MiB they were read from the OS again on every request.
SQLITE_CACHE_KIB = 64 * 1024
_write_queues: "weakref.WeakKeyDictionary[Engine, WriteQueue]" = weakref.WeakKeyDictionary()


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine for ``url``; SQLite gets the pragmas the record's durability needs."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite driver
        # would otherwise start transactions lazily and always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    # This process's writers wait for SQLite's one write lock in a queue of their own, in arrival order, and each
    # starts the moment the one before it ends. SQLite's busy handler alone polls with sleeps growing to 100 ms,
    # and a writer arriving between two polls goes first: under load some writers waited seconds (make load).
    writers = _write_queues[engine] = WriteQueue()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers take the write lock at BEGIN, so two commands never both read a
        # case and then race to write it; read-only sessions start DEFERRED.
        if connection.get_execution_options().get("read_only"):
            connection.exec_driver_sql("BEGIN")
            return
        wait_ms = connection.get_execution_options().get("write_wait_ms", SQLITE_BUSY_TIMEOUT_MS)
        if not writers.enter(wait_ms / 1000):
            # What SQLite itself raises when its wait runs out: callers treat both alike (a conflict, retry).
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        connection.info["in_write_queue"] = True
        try:
            if wait_ms != SQLITE_BUSY_TIMEOUT_MS:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
            try:  # another process (the timer loop, a command) may hold the lock
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                if wait_ms != SQLITE_BUSY_TIMEOUT_MS:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        except BaseException:
            _leave(connection)
            raise

    def _leave(connection, *_args):
        if connection.info.pop("in_write_queue", False):
            writers.leave()

    # SQLAlchemy's commit event comes just before the COMMIT itself: the next writer's BEGIN IMMEDIATE may wait
    # those few milliseconds in SQLite's busy handler, which is what it is for.
    event.listen(engine, "commit", _leave)
    event.listen(engine, "rollback", _leave)
    # A connection dropped mid-transaction (never rolled back through SQLAlchemy) or broken leaves the queue on
    # its way back to the pool; otherwise every later writer would wait out its timeout behind it.
    event.listen(engine, "checkin", lambda _dbapi, record: _leave(record))
    event.listen(engine, "invalidate", lambda _dbapi, record, _error: _leave(record))


def writers_waiting(engine: Engine) -> int:
    """How many of this process's writers hold or wait for SQLite's write lock (0 on PostgreSQL)."""
    queue = _write_queues.get(engine)
    return queue.waiting() if queue else 0


def make_session_factory(engine: Engine, *, read_only: bool = False,
                         write_wait_ms: int | None = None) -> sessionmaker[Session]:
    """A session factory; ``read_only`` sessions do not take SQLite's write lock at BEGIN; with ``write_wait_ms``
    a writer waits at most that long for it on SQLite (instead of SQLITE_BUSY_TIMEOUT_MS), then gets its error."""
    bind = engine.execution_options(read_only=True) if read_only else engine
    if write_wait_ms is not None:
        bind = bind.execution_options(write_wait_ms=write_wait_ms)
    return sessionmaker(bind=bind, expire_on_commit=False)
