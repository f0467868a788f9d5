"""``cadreflow backup`` / ``restore``: a consistent copy of the database, and its return with the record verified."""

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from storage import backup
from storage.append_only import apply_app_role
from storage.migrate import schema_state
from webapp import checkpointing
from webapp.cli.audit import report
from webapp.cli.language import _
from workflows.record import verification


def _engine():
    return current_app.extensions["cadreflow.engine"]


def _shown_url() -> str:
    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


def _fail(message: str) -> None:
    click.echo(_("Error: %(message)s", message=message), err=True)
    sys.exit(1)


def _trouble(error: backup.BackupError) -> str:
    """The user's words for a backup or restore that cannot be done."""
    details = {key: str(value) for key, value in error.details.items()}
    messages = {
        "no_pg_tool": lambda: _("The PostgreSQL program %(tool)s was not found (looked in CADREFLOW_PG_BIN, the PATH "
                                "and /usr/lib/postgresql/*/bin): install the PostgreSQL client programs (Debian: apt "
                                "install postgresql-client) or point CADREFLOW_PG_BIN at their folder", **details),
        "tool_failed": lambda: _("%(tool)s failed: %(output)s", **details),
        "not_a_backup": lambda: _("%(file)s is not a cadreflow backup (neither a pg_dump custom-format file nor an "
                                  "SQLite database)", **details),
        "wrong_backend": lambda: _("%(file)s is a backup of a %(kind)s database, but the configured database is "
                                   "%(backend)s: restore it into a %(kind)s database", **details),
        "memory_database": lambda: _("An in-memory SQLite database cannot be backed up or restored"),
        "sqlite_failed": lambda: _("SQLite could not copy the database: %(output)s", **details),
    }
    return messages[error.reason]()


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1_048_576:.1f} MiB"


@click.command("backup")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="the backup file to write")
@click.option("--force", is_flag=True, help="overwrite --out if it exists")
@with_appcontext
def backup_command(out, force):
    """Write a consistent copy of the database while the application runs (pg_dump, or SQLite's online backup)."""
    if out.exists() and not force:
        _fail(_("%(file)s exists already: choose another name or add --force to overwrite it", file=out))
    started = time.perf_counter()
    try:
        backup.take(_engine(), out)
    except backup.BackupError as error:
        _fail(_trouble(error))
    except OSError as error:
        _fail(_("Cannot write %(file)s: %(reason)s", file=out, reason=error.strerror))
    click.echo(_("Backup of %(url)s written to %(file)s (%(size)s) in %(seconds).1f s", url=_shown_url(), file=out,
                 size=_size(out), seconds=time.perf_counter() - started))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="replace a database that is not empty: every table, the record included, is overwritten")
@with_appcontext
def restore_command(file, force):
    """Replace the configured database by a backup, then verify the restored record as `audit verify` does.

    Stop the web server and the timer processes first. Exits 1 when the restored record does not verify.
    """
    engine = _engine()
    try:
        backup.check_restorable(engine, file)
    except backup.BackupError as error:
        _fail(_trouble(error))
    there = backup.contents(engine)
    if not there.empty:
        what = _("%(tables)s tables, %(cases)s cases, %(events)s record events", tables=there.tables,
                 cases=there.cases if there.cases is not None else "?",
                 events=there.events if there.events is not None else "?")
        if not force:
            _fail(_("The database %(url)s is not empty (%(what)s). Restoring replaces all of it, the record included, "
                    "by the backup. Stop the application and its timers, keep a backup of it if you may need it, "
                    "then run again with --force.", url=_shown_url(), what=what))
        click.echo(_("Replacing everything in %(url)s (%(what)s) by %(file)s", url=_shown_url(), what=what,
                     file=file))
    started = time.perf_counter()
    try:
        backup.restore(engine, file)
    except backup.BackupError as error:
        _fail(_trouble(error))
    engine.dispose()  # pooled connections saw the database as it was
    app_role = current_app.config.get("DB_APP_ROLE")
    if app_role:
        with engine.begin() as connection:
            apply_app_role(connection, app_role)
    restored = backup.contents(engine)
    click.echo(_("Restored %(file)s into %(url)s in %(seconds).1f s: %(cases)s cases, %(events)s record events",
                 file=file, url=_shown_url(), seconds=time.perf_counter() - started, cases=restored.cases,
                 events=restored.events))
    _verify_restored(engine)


def _verify_restored(engine) -> None:
    with engine.connect() as connection:
        if schema_state(connection) == "behind":
            click.echo(_("The backup's schema is older than this release: run cadreflow init-db to bring it up"))
    with current_app.extensions["cadreflow.read_sessions"]() as session:
        verdict = verification.verify_log(session, checkpointing.trusted_keys(), [])
    report(verdict, _("the restored record"))  # exits 1, naming the first bad event, when it fails
    click.echo(_("Hash chain intact: %(checked)s events; all %(checkpoints)s signed checkpoint(s) match",
                 checked=verdict.checked, checkpoints=verdict.checkpoints))


COMMANDS = [backup_command, restore_command]
