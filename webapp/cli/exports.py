"""``cadreflow audit record-sheet / export-case / verify-bundle / archive``: the auditor's exports of the record."""

import io
import json
import zipfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from storage.models import Case
from webapp.cli import audit as audit_cli
from webapp.cli.language import _
from webapp.i18n import translated
from workflows.errors import CommandError
from workflows.record import archive
from workflows.record import bundle_check
from workflows.record import case_bundle
from workflows.record import record_sheet
from workflows.record import verification as record_check

# The export commands belong to ``cadreflow audit``: this module adds them to that group.
audit_group = audit_cli.audit_group
KEY_HELP = "trusted public key (base64, or a file with it); default: this instance's key"
OUT = click.Path(path_type=Path, dir_okay=False)


def _write(out: Path, data: bytes, cannot: str) -> None:
    """Write ``out``; ``cannot`` says what could not be written (``%(file)s``, ``%(reason)s``)."""
    try:
        out.write_bytes(data)
    except OSError as error:
        audit_cli.fail(cannot % {"file": out, "reason": error.strerror})


def _case(session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        audit_cli.fail(_("Case %(id)s does not exist.", id=case_id))
    return case


@audit_group.command("record-sheet")
@click.argument("case_id", type=int)
@click.option("--out", required=True, type=OUT, help="the PDF file to write")
@click.option("--public-key", "public_keys", multiple=True, help=KEY_HELP)
@with_appcontext
def audit_record_sheet(case_id, out, public_keys):
    """Write a case's 全程纪实表 (PDF) with its verification verdict; exits 1 when the record fails."""
    trusted = audit_cli.trusted_keys(public_keys)
    with audit_cli.read_sessions()() as session:
        case = _case(session, case_id)
        verdict = record_check.verify_case(session, case, trusted, with_replay=True)
        pdf = record_sheet.render_pdf(session, case, verdict)
    _write(out, pdf, _("Cannot write the record sheet %(file)s: %(reason)s"))
    click.echo(_("Record sheet of case %(id)s written: %(file)s", id=case_id, file=out))
    # The sheet states a failure itself; the exit status tells a script.
    audit_cli.report(verdict, _("case %(id)s, the verdict is written on the record sheet", id=case_id))


@audit_group.command("export-case")
@click.argument("case_id", type=int)
@click.option("--out", required=True, type=OUT, help="the JSON file to write")
@with_appcontext
def audit_export_case(case_id, out):
    """Write a case's bundle: its events, spec sources and signed checkpoints, to verify with no database."""
    with audit_cli.read_sessions()() as session:
        bundle = case_bundle.build(session, _case(session, case_id))
    _write(out, case_bundle.to_bytes(bundle), _("Cannot write the case bundle %(file)s: %(reason)s"))
    click.echo(_("Case %(id)s exported: %(events)s events, %(checkpoints)s signed checkpoint(s), written to %(file)s",
                 id=case_id, events=len(bundle["events"]), checkpoints=len(bundle["checkpoints"]), file=out))


@audit_group.command("verify-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--public-key", "public_keys", multiple=True,
              help="trusted public key (base64, or a file with it); without it signatures are checked, not whose")
def audit_verify_bundle(file, public_keys):
    """Verify a case bundle on its own, with no database; exits 1 naming the first bad seq."""
    try:
        bundle = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        audit_cli.fail(_("Cannot read the case bundle %(file)s: %(reason)s", file=file, reason=error.strerror))
    except ValueError as error:
        audit_cli.fail(_("The case bundle %(file)s is not valid JSON: %(error)s", file=file, error=error))
    trusted = {audit_cli.public_key_of(value) for value in public_keys} or None
    try:
        verdict = bundle_check.verify_bundle(bundle, trusted)
    except CommandError as error:
        audit_cli.fail(_("%(file)s: %(message)s", file=file, message=translated(error.message)))
    audit_cli.report(verdict, _("case bundle %(file)s", file=file))
    click.echo(_("The case bundle is intact: case %(id)s has %(checked)s events, covered by %(checkpoints)s signed "
                 "checkpoint(s); the replay reproduced %(replayed)s state_digest(s)", id=verdict.case_id,
                 checked=verdict.checked, checkpoints=verdict.checkpoints, replayed=verdict.replayed))


@audit_group.command("archive")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="first day (Beijing time), YYYY-MM-DD")
@click.option("--to", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="last day (Beijing time), YYYY-MM-DD")
@click.option("--out", required=True, type=OUT, help="the zip file to write")
@click.option("--public-key", "public_keys", multiple=True, help=KEY_HELP)
@with_appcontext
def audit_archive(start, end, out, public_keys):
    """Archive the cases started in a period: each one's 纪实表 and bundle, and a manifest; exits 1 if any fails."""
    trusted = audit_cli.trusted_keys(public_keys)
    try:
        with audit_cli.read_sessions()() as session:
            data = archive.build_archive(session, start.date(), end.date(), trusted)
    except CommandError as error:
        audit_cli.fail(error.message)
    _write(out, data, _("Cannot write the archive %(file)s: %(reason)s"))
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read(archive.MANIFEST))
    failed = [case for case in manifest["cases"] if not case["verdict"]["ok"]]
    click.echo(_("Archive %(file)s made: %(count)s case(s) started from %(start)s to %(end)s", file=out,
                 start=start.date(), end=end.date(), count=len(manifest["cases"])))
    for case in failed:
        verdict = case["verdict"]
        click.echo(_("Verification failed: case %(id)s seq %(seq)s: %(reason)s", id=case["id"],
                     seq=verdict["first_bad_seq"], reason=verdict["reason"]), err=True)
    if failed:
        raise SystemExit(1)
