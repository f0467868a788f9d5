"""Whole-database backups: pg_dump / pg_restore (custom format) on PostgreSQL, the online backup API on SQLite."""

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.models import AuditEvent
from storage.models import Case

POSTGRESQL, SQLITE = "postgresql", "sqlite"
# How each kind of backup file begins: pg_dump's custom format and an SQLite database.
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
PG_TOOL_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that cannot be done; ``reason`` names which trouble, ``details`` fill its message."""

    def __init__(self, reason: str, **details):
        super().__init__(reason, details)
        self.reason, self.details = reason, details


@dataclass(frozen=True)
class Contents:
    """What a database holds, to say what a restore would overwrite."""

    tables: int
    cases: int | None = None
    events: int | None = None

    @property
    def empty(self) -> bool:
        return self.tables == 0


def backend(engine: Engine) -> str:
    return POSTGRESQL if engine.dialect.name == "postgresql" else SQLITE


def file_kind(path: Path) -> str | None:
    """``postgresql`` or ``sqlite`` from the first bytes of a backup file; None for anything else."""
    with path.open("rb") as file:
        start = file.read(16)
    return next((kind for kind, magic in MAGIC.items() if start.startswith(magic)), None)


def contents(engine: Engine) -> Contents:
    """The tables of the database, and its cases and record events when it has cadreflow's tables."""
    names = set(inspect(engine).get_table_names())
    if not {"case", "audit_event"} <= names:
        return Contents(len(names))
    with engine.connect() as connection:
        return Contents(len(names), connection.scalar(select(func.count()).select_from(Case)),
                        connection.scalar(select(func.count()).select_from(AuditEvent)))


def take(engine: Engine, out: Path) -> None:
    """Write a consistent copy of the database to ``out`` while the application may be writing.

    The copy goes to ``out.part`` first and is renamed when complete: a failed backup leaves no file that looks
    whole. pg_dump reads in one snapshot; SQLite's backup API copies every page under one read transaction.
    """
    part = out.with_name(out.name + ".part")
    part.unlink(missing_ok=True)
    try:
        if backend(engine) == POSTGRESQL:
            _run_pg("pg_dump", engine, ["--format=custom", "--compress=6", f"--file={part}"])
        else:
            _sqlite_copy(_sqlite_connection(engine), sqlite3.connect(part))
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)


def check_restorable(engine: Engine, backup: Path) -> None:
    """Refuse, before anything is touched, a file that is no backup, one of the other backend, or a missing tool."""
    kind, here = file_kind(backup), backend(engine)
    if kind is None:
        raise BackupError("not_a_backup", file=backup)
    if kind != here:
        raise BackupError("wrong_backend", file=backup, kind=kind, backend=here)
    if here == POSTGRESQL:
        pg_tool("pg_restore")
    else:
        _sqlite_connection(engine).close()


def restore(engine: Engine, backup: Path) -> None:
    """Replace everything in the configured database by the backup's contents (the caller has asked first)."""
    check_restorable(engine, backup)
    if backend(engine) == SQLITE:
        _sqlite_copy(sqlite3.connect(f"file:{backup}?mode=ro", uri=True), _sqlite_connection(engine))
        return
    tool = pg_tool("pg_restore")
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()  # no pooled connection keeps plans of the dropped tables
    # Owners and grants stay behind: the restored objects belong to whoever restores (the role init-db runs as);
    # the caller grants the app role again. One transaction: a restore that fails leaves the schema empty.
    _run_pg(tool, engine, ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                           str(backup)])


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: ``CADREFLOW_PG_BIN``, then the PATH, then Debian's versioned
    folders (newest first: a newer pg_dump reads older servers, not the other way round)."""
    folder = os.environ.get("CADREFLOW_PG_BIN")
    candidates = [Path(folder) / name] if folder else []
    found = shutil.which(name)
    candidates += [Path(found)] if found else []
    versioned = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates += sorted((Path(path) for path in versioned), key=lambda path: int(path.parts[-3]), reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError("no_pg_tool", tool=name)


def _run_pg(tool: str, engine: Engine, arguments: list[str]) -> None:
    program = tool if os.sep in tool else pg_tool(tool)
    url = make_url(engine.url)
    # The password goes through the environment, not the command line other users can read in ps.
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        done = subprocess.run([program, f"--dbname={target}", *arguments], env=env, capture_output=True,
                              text=True, timeout=PG_TOOL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError("tool_failed", tool=Path(program).name, output=str(error)) from None
    if done.returncode != 0:
        raise BackupError("tool_failed", tool=Path(program).name, output=(done.stderr or done.stdout).strip())


def _sqlite_connection(engine: Engine) -> sqlite3.Connection:
    database = make_url(engine.url).database
    if not database or database == ":memory:":
        raise BackupError("memory_database")
    return sqlite3.connect(database, timeout=30)


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # pages=-1: all pages in one step, under one read transaction of the source, so writers committing
    # meanwhile (WAL) are not in the copy and do not restart it.
    try:
        source.backup(target, pages=-1)
    except sqlite3.Error as error:
        raise BackupError("sqlite_failed", output=str(error)) from None
    finally:
        source.close()
        target.close()
