"""Command line for the .lrmx exchange file: export a cadre's form, import files into the registry (all or none)."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.cli.language import _
from webapp.cli.registry import _cli_actor
from webapp.i18n import translated
from workflows.engine.clock import local_date
from workflows.errors import CommandError
from workflows.papers import lrmx
from workflows.papers import lrmx_export
from workflows.papers import lrmx_import


@click.command("export-lrmx")
@click.argument("staff_no")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="the .lrmx file to write")
@with_appcontext
def export_lrmx(staff_no: str, out: Path):
    """Write a cadre's 干部任免审批表 as an .lrmx file (the exchange format of the organisation departments)."""
    at = current_app.extensions["cadreflow.clock"].now()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            paper = lrmx_export.give(session, _cli_actor(), at, staff_no, today=local_date(at))
            out.write_bytes(paper.content)  # inside the transaction: a file that cannot be written is not recorded
    except CommandError as error:
        click.echo(_("Error: %(message)s", message=translated(error.message)), err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(_("Cannot write %(file)s: %(error)s", file=out, error=error.strerror), err=True)
        sys.exit(1)
    click.echo(_("Exported %(staff_no)s to %(file)s", staff_no=staff_no, file=out))


@click.command("import-lrmx")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="show what would change, write nothing")
@with_appcontext
def import_lrmx(files: tuple[Path, ...], dry_run: bool):
    """Import .lrmx files into the registry (create or update by identity number): every file or none."""
    contents = []
    for path in files:
        with path.open("rb") as handle:  # no further than the limit: a larger file is refused by its size
            contents.append((str(path), handle.read(lrmx.MAX_FILE_BYTES + 1)))
    at = current_app.extensions["cadreflow.clock"].now()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            planned = lrmx_import.plan(session, contents, local_date(at))
            show_plan(planned)
            if planned.errors:
                raise _Refused(planned.errors)
            if not dry_run:
                lrmx_import.apply(session, _cli_actor(), at, planned)
    except _Refused as refused:
        _fail(refused.errors)
    except CommandError as error:
        _fail(getattr(error, "errors", None) or {"": error.message})
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
        return
    created = sum(file.action == "create" for file in planned.files)
    updated = sum(file.action == "update" for file in planned.files)
    click.echo(_("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
                 created=created, updated=updated, unchanged=len(planned.files) - created - updated))


class _Refused(Exception):
    def __init__(self, errors: dict):
        super().__init__("refused")
        self.errors = errors


def _fail(errors: dict) -> None:
    click.echo(_("The import failed; nothing was written:"), err=True)
    for message in errors.values():
        click.echo(f"  {translated(message)}", err=True)
    sys.exit(1)


def _action(file: lrmx_import.FilePlan) -> str:
    if file.action == "create":
        return _("Create %(staff_no)s", staff_no=file.staff_no)
    if file.action == "update":
        return _("Update %(staff_no)s", staff_no=file.staff_no)
    if file.action == "unchanged":
        return _("No change to %(staff_no)s", staff_no=file.staff_no)
    return _("Refused")


def show_plan(planned: lrmx_import.ImportPlan) -> None:
    """Each file's action and every field it changes (old -> new), then what the registry does not keep."""
    for file in planned.files:
        click.echo(f"{file.name}: {_action(file)} {file.person}")
        for change in file.changes:
            old, new = _one_line(translated(change.old)), _one_line(translated(change.new))
            click.echo(f"  {translated(change.label)}: {old or '-'} -> {new}")
        for box in file.not_stored:
            click.echo("  " + _("not stored: %(label)s %(value)s", label=translated(box.label),
                                value=_one_line(box.new)))
        for warning in file.warnings:
            click.echo("  " + _("warning: %(message)s", message=translated(warning)))


def _one_line(text: str) -> str:
    text = " / ".join(line.strip() for line in str(text).splitlines() if line.strip())
    return text if len(text) <= 200 else text[:200] + "…"


COMMANDS = [export_lrmx, import_lrmx]
