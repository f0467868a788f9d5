"""``cadreflow approval-form``: a cadre's 干部任免审批表 written to a file (PDF or Word), on record like a download."""

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.cli import audit as audit_cli
from webapp.cli.language import _
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import CommandError
from workflows.papers import approval_export
from workflows.papers.bureau import BureauDetails


def _cli_actor() -> Actor:
    # The command line is the personnel office's tool (as ``import-cadres``): its user reads the registry.
    return Actor(None, f"cli:{getpass.getuser()}", frozenset({"personnel_office"}), "personnel_office")


@click.command("approval-form")
@click.argument("staff_no")
@click.option("--case", "case_id", type=click.IntRange(1), help="the case whose 拟任人选 the form is for")
@click.option("--format", "fmt", type=click.Choice(sorted(approval_export.FORMATS)), default=None,
              help="pdf or docx (default: by the suffix of --out, else pdf)")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="the file to write")
@with_appcontext
def approval_form(staff_no: str, case_id: int | None, fmt: str | None, out: Path):
    """Write a cadre's 干部任免审批表 (with --case: as that case proposes them); exits 1 naming what is wrong."""
    fmt = fmt or ("docx" if out.suffix.lower() == ".docx" else "pdf")
    at = current_app.extensions["cadreflow.clock"].now()
    bureau = BureauDetails.from_settings(current_app.config)
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            paper = approval_export.give(session, _cli_actor(), at, staff_no, fmt=fmt, today=local_date(at),
                                         case_id=case_id, reporting_unit=bureau.name)
    except CommandError as error:
        audit_cli.fail(error.message)
    try:
        out.write_bytes(paper.content)
    except OSError as problem:
        audit_cli.fail(_("Cannot write %(file)s: %(reason)s", file=out, reason=problem.strerror))
    click.echo(_("Approval form of %(staff_no)s written: %(file)s", staff_no=staff_no, file=out))


COMMANDS = [approval_form]
