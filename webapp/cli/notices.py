"""``cadreflow notice CASE_ID KIND``: a notice or sheet of a selection case as a draft PDF or Word file (no 文号)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from storage.models import Case
from webapp.cli import audit as audit_cli
from webapp.cli.language import _
from webapp.i18n import translated
from workflows.engine.clock import local_date
from workflows.errors import CommandError
from workflows.papers import notices
from workflows.papers.bureau import BureauDetails


@click.command("notice")
@click.argument("case_id", type=click.IntRange(1))
@click.argument("kind")
@click.option("--staff-no", help="the candidate, for a paper written per candidate (考察材料, 征求意见函)")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default=None,
              help="pdf or docx (default: by the suffix of --out, else pdf)")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="the file to write")
@with_appcontext
def notice(case_id: int, kind: str, staff_no: str | None, fmt: str | None, out: Path):
    """Write the paper KIND of a case as a draft, without a document number; exits 1 saying what is wrong.

    KIND: inspection_notice, recommendation, inspection_material, discipline_letter, meeting_minutes,
    publicity, appointment_notice, removal_notice.
    """
    fmt = fmt or ("docx" if out.suffix.lower() == ".docx" else "pdf")
    today = local_date(current_app.extensions["cadreflow.clock"].now())
    bureau = BureauDetails.from_settings(current_app.config)
    try:
        with audit_cli.read_sessions()() as session:
            case = session.get(Case, case_id)
            if case is None:
                audit_cli.fail(_("Case %(id)s does not exist.", id=case_id))
            content = notices.render(session, case, kind, fmt=fmt, staff_no=staff_no, bureau=bureau, today=today)
    except CommandError as error:
        audit_cli.fail(error.message)
    try:
        out.write_bytes(content)
    except OSError as problem:
        audit_cli.fail(_("Cannot write %(file)s: %(reason)s", file=out, reason=problem.strerror))
    click.echo(_("%(title)s of case %(id)s written as a draft without a document number: %(file)s",
                 title=translated(notices.KINDS[kind].title), id=case_id, file=out))


COMMANDS = [notice]
