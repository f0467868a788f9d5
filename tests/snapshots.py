"""States many tests start from (a bureau set up, a case walked to a step), built once per process, then copied.

Setting up a bureau (demo registry, users, three deployed models) and walking a selection to its appointment
cost most of the CPU of the procedure, page and paper tests, and many tests build the very same state. So
:func:`built_once` runs a build the first time a process meets its key and keeps a copy of the database it
left (SQLite: a backup file; PostgreSQL: a ``pg_dump``) with the value it returned; a later test whose
database is still as the template left it gets the copy instead of the build. A build must be a function of
its key alone (the clock's time in the key, no randomness that a test looks at); a database something has
already been written to is never overwritten: there the build runs as it always did.
``CADREFLOW_TEST_NO_SNAPSHOTS=1`` turns the copies off (every build runs), to compare or to rule them out.
"""

import atexit
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text

import storage.models  # noqa: F401  (every table in Base.metadata)
from storage.base import Base
from tests import pg_reset
from tests.template_db import _sqlite_template_path
from tests.template_db import copied_hooks
from tests.template_db import copy_sqlite_file
from tests.template_db import dump_pg
from tests.template_db import restore_pg_rows

_kept: dict[tuple, tuple[str | None, Any, tuple]] = {}  # (backend, server, key) → (copy, value, row counts)
_template_counts: tuple[int, ...] | None = None
_writes: dict[str, int] = {}  # database URL → statements other than reads sent to it by this process
_marks: dict[str, tuple[tuple, int]] = {}  # database URL → (the key of the state it was last given, _writes then)
_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET ", "SHOW")
_folder: str | None = None
TEMPLATE = ("template",)  # the key of the state a copy of the template is in


def built_once(engine: Engine, key: tuple, build: Callable[[], Any], after: tuple | None = None) -> Any:
    """``build()`` on ``engine``'s database, or a copy of its outcome if the database is as the template left it.

    With ``after``, the key of an earlier build, the database must be as that build left it instead. Either way,
    no statement but a read went to it since (from any engine of this process), and every table holds as many rows.
    """
    dialect = engine.dialect.name
    if os.environ.get("CADREFLOW_TEST_NO_SNAPSHOTS") or dialect not in ("sqlite", "postgresql"):
        return build()
    url = engine.url.render_as_string(hide_password=False)
    server = engine.url.set(database="").render_as_string(hide_password=False)
    if _marks.get(url) != (after or TEMPLATE, _writes.get(url, 0)):
        expected = None
    elif after is None:
        expected = _template_row_counts()
    else:
        expected = _kept.get((dialect, server, after), (0, 0, None))[2]
    counts = _row_counts(engine)
    if counts is None or counts != expected:
        return build()
    full_key = (dialect, server, key)
    if full_key in _kept and _kept[full_key][0] is not None:
        copy, value, _ = _kept[full_key]
        _restore(engine, copy)
    else:
        value = build()
        if full_key not in _kept:
            _kept[full_key] = (_keep(engine), value, _row_counts(engine))
    _marks[url] = (key, _writes.get(url, 0))
    return value


def _mark_copied(engine: Engine) -> None:
    """Note that ``engine``'s database was just given a copy of the template."""
    url = engine.url.render_as_string(hide_password=False)
    _marks[url] = (TEMPLATE, _writes.get(url, 0))


copied_hooks.append(_mark_copied)


@event.listens_for(Engine, "before_cursor_execute")
def _count_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    """Count the statements other than reads that go to each database (see ``after`` above)."""
    if not statement.lstrip()[:9].upper().startswith(_READS):
        url = conn.engine.url.render_as_string(hide_password=False)
        _writes[url] = _writes.get(url, 0) + 1


def _row_counts(engine: Engine) -> tuple[int, ...] | None:
    """The number of rows of every table (None when the database works in a schema of its own)."""
    tables = [table.name for table in Base.metadata.sorted_tables]
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            if connection.scalar(text("SELECT current_schema()")) != "public":
                return None
            return pg_reset.row_counts(engine.url, tables)  # a warm connection: a test's own is a new one
        counts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
        return tuple(connection.execute(text(f"SELECT {counts}")).one())


def _template_row_counts() -> tuple[int, ...]:
    """The row counts of a fresh copy of the template (no test wrote to it yet)."""
    global _template_counts
    if _template_counts is None:
        template = create_engine(f"sqlite:///{_sqlite_template_path()}")
        _template_counts = _row_counts(template)
        template.dispose()
    return _template_counts


def _keep(engine: Engine) -> str | None:
    """A copy of ``engine``'s database: the path of a SQLite backup, or a PostgreSQL dump (None: no pg_dump)."""
    global _folder
    if engine.dialect.name == "postgresql":
        return dump_pg(engine, rows_per_insert=500, data_only=True)  # many rows per INSERT: a tenth of the time
    if _folder is None:
        _folder = tempfile.mkdtemp(prefix="cadreflow-snapshots-")
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    path = os.path.join(_folder, f"{len(_kept)}.sqlite")
    raw = engine.raw_connection()
    target = sqlite3.connect(path)
    try:
        raw.driver_connection.backup(target)
    finally:
        target.close()
        raw.close()
    return path


def _restore(engine: Engine, copy: str) -> None:
    """Replace ``engine``'s database (as the template left it) by ``copy``."""
    if engine.dialect.name == "sqlite":
        copy_sqlite_file(copy, engine)
        return
    restore_pg_rows(engine, copy)  # its tables emptied and refilled (tests/pg_reset.py)
