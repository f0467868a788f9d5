"""Migrated test databases copied from a template migrated once per test process, not migrated one by one.

Running every Alembic migration costs a few hundred milliseconds per database, and most tests want
a fresh one. So each process (each xdist worker) migrates one template per backend, the first time
a test asks, and fills every later empty database from it: SQLite through the online backup API,
PostgreSQL by replaying the template's ``pg_dump`` (the public schema of the worker's database is
emptied and refilled; ``CREATE DATABASE … TEMPLATE`` would need a ``DROP DATABASE``, hence a
checkpoint, per test) or, while the schema is still the template's, by refilling its tables with the
template's rows (tests/pg_reset.py). tests/storage/test_template_schema.py shows that a copy equals a
freshly migrated database, and the migrations keep their own tests there (tests/storage/conftest.py).
"""

import atexit
import os
import shutil
import sqlite3
import subprocess
import tempfile

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import make_url
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from storage import make_engine
from storage.migrate import upgrade
from tests import pg_reset

_sqlite_template: str | None = None  # the path of this process's migrated SQLite file
copied_hooks: list = []  # called with each engine given a copy of the template (tests/snapshots.py marks it)
_pg_dump: dict[str, str | None] = {}  # server address → the migrated schema as SQL (None: no usable pg_dump)
_pg_rows: dict[str, str] = {}  # server address → the template's rows as SQL
# server address → the fingerprint of a copy's schema (tests/pg_reset.py); the template's own differs from its
# copies' in the rights on the public schema (made by initdb there, by tests/conftest.py's emptying here).
_pg_fingerprint: dict[str, str] = {}
_refilled: set[str] = set()  # the URLs of PostgreSQL databases refilled as the template for the test to come


def migrate(engine: Engine) -> str:
    """Bring ``engine``'s database to the head revision: a copy of the template if it is empty, else the migrations.

    Returns ``copied`` or ``migrated``, which way it went.
    """
    url = engine.url.render_as_string(hide_password=False)
    if url in _refilled:  # tests/conftest.py's db_url made it the template already
        _refilled.discard(url)
        for hook in copied_hooks:
            hook(engine)
        return "copied"
    was_empty = engine.dialect.name == "postgresql" and _is_empty(engine)
    way = _migrate(engine)
    if way == "copied" or was_empty:  # the first PostgreSQL database is migrated for real: the template
        for hook in copied_hooks:
            hook(engine)
    return way


def _migrate(engine: Engine) -> str:
    if engine.dialect.name == "sqlite" and _never_written(engine.url.database):
        engine.dispose()
        shutil.copyfile(_sqlite_template_path(), engine.url.database)  # no fsync: a test database need not be durable
        return "copied"
    if not _is_empty(engine):
        upgrade(engine)
        return "migrated"
    if engine.dialect.name == "sqlite":
        _copy_sqlite_template(engine)
        return "copied"
    if engine.dialect.name == "postgresql":
        return _replay_pg_template(engine)
    upgrade(engine)  # pragma: no cover - only SQLite and PostgreSQL are supported
    return "migrated"  # pragma: no cover


def _is_empty(engine: Engine) -> bool:
    """True for a database without a single table in the schema it works in (public, on PostgreSQL)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return connection.scalar(text("SELECT count(*) FROM sqlite_master")) == 0
        if engine.dialect.name != "postgresql" or connection.scalar(text("SELECT current_schema()")) != "public":
            return False  # a schema of its own (tests/workflows/test_mutations.py): migrated for real
        return connection.scalar(text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                      " WHERE n.nspname = 'public'")) == 0


def _never_written(path: str | None) -> bool:
    """True for a SQLite file that does not exist yet (nor its write-ahead log): nothing can have it open."""
    return bool(path) and path != ":memory:" and not os.path.exists(path) and not os.path.exists(f"{path}-wal")


def _sqlite_template_path() -> str:
    """The migrated SQLite file of this process, made on first use (its WAL checkpointed away on dispose)."""
    global _sqlite_template
    if _sqlite_template is None:
        folder = tempfile.mkdtemp(prefix="cadreflow-template-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = make_engine(f"sqlite:///{os.path.join(folder, 'template.sqlite')}")
        upgrade(template)
        template.dispose()
        _sqlite_template = os.path.join(folder, "template.sqlite")
    return _sqlite_template


def _copy_sqlite_template(engine: Engine) -> None:
    """Copy the template into an empty database that a connection may already hold open."""
    copy_sqlite_file(_sqlite_template_path(), engine)


def copy_sqlite_file(path: str, engine: Engine) -> None:
    """Replace the SQLite database behind ``engine`` by the file at ``path``."""
    source = sqlite3.connect(path)
    target = engine.raw_connection()
    try:
        source.backup(target.driver_connection)  # page by page, through the engine's own connection
    finally:
        target.close()
        source.close()


def _replay_pg_template(engine: Engine) -> str:
    key = engine.url.set(database="").render_as_string(hide_password=False)
    if key not in _pg_dump:
        upgrade(engine)  # the first database of the run is migrated for real, and becomes the template
        _pg_dump[key] = dump_pg(engine)
        rows = dump_pg(engine, rows_per_insert=500, data_only=True)
        if _pg_dump[key] is not None and rows is not None:
            _pg_rows[key] = rows
        return "migrated"
    if _pg_dump[key] is None:
        upgrade(engine)
        return "migrated"
    replay_pg(engine, _pg_dump[key])
    if key not in _pg_fingerprint:
        _pg_fingerprint[key] = pg_reset.fingerprint(engine)
    return "copied"


def refill_as_template(url: str) -> bool:
    """Make the PostgreSQL database at ``url`` the template by refilling its tables, if its schema is the
    template's (then the next :func:`migrate` of it has nothing to do); False where it is not, or no template yet."""
    address = make_url(url)
    key, plain = address.set(database="").render_as_string(hide_password=False), address.render_as_string(
        hide_password=False)
    _refilled.discard(plain)
    if key not in _pg_rows or key not in _pg_fingerprint:
        return False
    if not pg_reset.refill(url, _pg_rows[key], schema=_pg_fingerprint[key]):
        return False
    _refilled.add(plain)
    return True


def forget_refill(url: str) -> None:
    """``url``'s database was changed after :func:`refill_as_template` (emptied): the next migrate must migrate."""
    _refilled.discard(make_url(url).render_as_string(hide_password=False))


def restore_pg_rows(engine: Engine, rows_sql: str) -> None:
    """Give ``engine``'s database the template's schema (replayed only if it differs) and the rows of ``rows_sql``."""
    key = engine.url.set(database="").render_as_string(hide_password=False)
    if key in _pg_fingerprint and pg_reset.refill(engine.url, rows_sql, schema=_pg_fingerprint[key]):
        return
    engine.dispose()  # no pooled connection keeps a lock on, or a plan for, the tables dropped here
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()
    replay_pg(engine, _pg_dump[key])
    pg_reset.refill(engine.url, rows_sql)


def replay_pg(engine: Engine, sql: str) -> None:
    """Run a dump of :func:`dump_pg` on ``engine``'s database (its public schema empty)."""
    # A connection of its own: the dump sets session settings (search_path = '') that must not stay in a pool.
    replay = create_engine(engine.url, poolclass=NullPool)
    connection = replay.raw_connection()
    try:
        connection.driver_connection.execute(sql)
        connection.commit()
    finally:
        connection.close()
        replay.dispose()


def dump_pg(engine: Engine, rows_per_insert: int = 1, data_only: bool = False) -> str | None:
    """``pg_dump`` of ``engine``'s database (schema, rights, rows as INSERTs; only the rows and the sequences'
    values with ``data_only``), or None without a usable pg_dump."""
    url = engine.url
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        done = subprocess.run(["pg_dump", "--no-owner", f"--rows-per-insert={rows_per_insert}", "--schema=public",
                               *(["--data-only"] if data_only else []), libpq_url],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    # psql meta-commands (\restrict with a random key, since 15.14) are no SQL, comments carry the dump's date,
    # and the public schema exists already (emptied by tests/conftest.py's empty_database_url).
    return "\n".join(line for line in done.stdout.splitlines()
                     if not line.startswith(("\\", "--")) and line != "CREATE SCHEMA public;")
