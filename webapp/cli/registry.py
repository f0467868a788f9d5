"""Command line for the registry: import and export the cadre workbook, and the daily scan."""

import getpass
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.cli.language import _
from webapp.i18n import translated
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import CommandError
from workflows.processes import local_rules
from workflows.registry import edit
from workflows.registry import personal
from workflows.registry import scans
from workflows.registry.workbook import exporting


def _cli_actor() -> Actor:
    return Actor(None, f"cli:{getpass.getuser()}", frozenset({"personnel_office"}), "personnel_office")


@click.command("import-cadres")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_cadres(file: Path):
    """Import a registry workbook (.xlsx) or CSV: all rows or none."""
    data = file.read_bytes()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            with click.progressbar(length=1, label=_("Importing"), show_pos=True) as bar:
                def progress(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                summary = edit.import_file(session, _cli_actor(), current_app.extensions[
                    "cadreflow.clock"].now(), data, file.name, progress)
    except CommandError as error:
        click.echo(_("The import failed; nothing was written: %(message)s", message=translated(error.message)),
                   err=True)
        for cell in getattr(error, "cell_errors", []):
            click.echo(f"  {translated(str(cell))}", err=True)
        sys.exit(1)
    click.echo(_("Import done: %(summary)s", summary=translated(str(summary))))


@click.command("export-cadres")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_cadres(file: Path):
    """Export the registry as .xlsx (all sheets) or .csv (the cadre sheet), by the file's suffix."""
    csv = file.suffix.lower() == ".csv"
    with current_app.extensions["cadreflow.read_sessions"]() as session:
        data = exporting.export_csv(session) if csv else exporting.export_workbook(session)
    file.write_bytes(data)
    with current_app.extensions["cadreflow.sessions"].begin() as session:  # personal information left the system
        personal.record_export(session, _cli_actor(), current_app.extensions["cadreflow.clock"].now(),
                               "registry_csv" if csv else "registry_xlsx", data)
    click.echo(_("Exported to %(file)s", file=file))


def parse_day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("Give the date as YYYY-MM-DD")) from None


COMMANDS = [import_cadres, export_cadres]


@click.command("scan")
@click.option("--on", "on", callback=parse_day, help="scan as of this day (default: today)")
@click.option("--record/--no-record", default=True, show_default=True,
              help="put the scan on record (the scheduler runs it daily this way)")
@with_appcontext
def scan(on: date | None, record: bool):
    """List cadres due for rotation, in the second-line window, with promotion priority, and sections under
    penalty, each with the rule and figures."""
    at = current_app.extensions["cadreflow.clock"].now()
    with current_app.extensions["cadreflow.sessions"].begin() as session:
        report = scans.scan(session, on or local_date(at), current_app.extensions["cadreflow.policy"])
        if record:
            scans.record_scan(session, _cli_actor(), at, report)
    click.echo(_("Scanned as of %(day)s; parameters version %(version)s", day=report.on.isoformat(),
                 version=report.policy["version"]))
    for kind, label in scans.KINDS.items():
        click.echo("\n" + _("%(kind)s: %(count)s", kind=translated(label), count=len(report.rows[kind])))
        for row in report.rows[kind]:
            click.echo(f"  {row.subject}  {row.name}  {row.section}  {translated(row.reason)}")


@click.command("calendar-override")
@click.argument("day", callback=parse_day)
@click.option("--workday/--closed", required=True, help="an extra working day, or a day the bureau closes")
@click.option("--note", required=True, help="why (e.g. the notice that decided it)")
@with_appcontext
def calendar_override(day: date, workday: bool, note: str):
    """Change the local calendar the working-day deadlines use."""
    at = current_app.extensions["cadreflow.clock"].now()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            local_rules.set_calendar_override(session, _cli_actor(), at, day, workday, note)
    except CommandError as error:
        click.echo(_("Error: %(message)s", message=translated(error.message)), err=True)
        sys.exit(1)
    if workday:
        click.echo(_("%(day)s is now a working day: %(note)s", day=day.isoformat(), note=note))
    else:
        click.echo(_("%(day)s is now a day off: %(note)s", day=day.isoformat(), note=note))


COMMANDS += [scan, calendar_override]
