"""The auditor's pages (全程纪实): search every case, replay one event by event, verify the record, download it."""

import json
from dataclasses import dataclass
from datetime import date

from flask import Blueprint
from flask import render_template
from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from webapp import bounded
from webapp import case_access
from webapp import checkpointing
from webapp import db
from webapp.downloads import attachment
from webapp.i18n import english
from webapp.i18n import translated
from webapp.security import roles_required
from workflows.errors import CommandError
from workflows.errors import NotFound
from workflows.queries import candidate_view
from workflows.queries import case_reads
from workflows.queries import case_search
from workflows.queries import paging
from workflows.queries import people
from workflows.queries import waiting
from workflows.record import case_bundle
from workflows.record import checkpoints
from workflows.record import record_sheet
from workflows.record import replay_view
from workflows.record import verification

bp = Blueprint("audit_pages", __name__, url_prefix="/audit")
READERS = ("auditor", "admin")
# A checkpoint file is a dozen short lines; anything much larger is not one.
MAX_KEPT_BYTES = 16 * 1024


@bp.before_request
def _note_case():
    # So that a refused request names the case it was after.
    case_access.note_case((request.view_args or {}).get("case_id"))


def _case(case_id: int) -> Case:
    case = db.session().get(Case, case_id)
    if case is None:
        raise NotFound(_("Case %(id)s does not exist.", id=case_id))
    return case


def _date(args, name: str, errors: dict) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD.")
        return None


@bp.get("")
@roles_required(*READERS)
def index():
    args, errors = request.args, {}
    criteria = case_search.Criteria(
        cadre=args.get("cadre", ""), process=args.get("process", ""), status=args.get("status", ""),
        started_from=_date(args, "started_from", errors), started_to=_date(args, "started_to", errors),
        step=args.get("step", ""), actor=args.get("actor", ""))
    page = bounded.query_int("page", 1, clamp=True)
    hits, total = case_search.search(db.session(), criteria, page) if not errors else ([], 0)
    return render_template("audit/index.html", hits=hits, total=total, page=page, args=args, errors=errors,
                           pages=paging.page_count(total),
                           waits=waiting.of_cases(db.session(), [hit.case.id for hit in hits]),
                           processes=case_reads.processes(db.session())), 422 if errors else 200


def shown(value) -> str:
    """A data value as the auditor reads it: text as it is, structures as JSON."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "—" if value is None else str(value)


@bp.get("/cases/<int:case_id>")
@roles_required(*READERS)
def case(case_id: int):
    session, found = db.session(), _case(case_id)
    seq = bounded.query_int("seq") or replay_view.last_seq(session, found)
    if seq is None:
        raise NotFound(_("Case %(id)s has no record.", id=case_id))
    state = replay_view.state_at(session, found, seq)
    steps = replay_view.record_lines(session, found, english())
    read = people.reader(session, found.spec.forms, english(),
                         [*state.data.items(), *((change.key, change.old) for change in state.changes)])
    return render_template("audit/case.html", case=found, state=state, steps=steps,
                           step=next(step for step in steps if step.seq == seq), shown=shown,
                           rows=_data_rows(state, read),
                           diagram=replay_view.drawing(found, state, english(), translated,
                                                       request.args.get("diagram")),
                           candidates=candidate_view.lines(state.data),
                           payload=_readable(state.event.payload))


@dataclass(frozen=True)
class DataRow:
    """One key of the replayed case data as the page shows it: read by name where a form says how, and as kept."""

    key: str
    label: str
    kind: str | None  # added / changed by this event
    olds: list  # what a changed value was, read
    named: object  # the value read by name (text or a Table), or None
    raw: str  # the value as recorded


def _data_rows(state, read) -> list[DataRow]:
    """The data table read once in Python: a template reading a hundred keys each by calls is most of the page."""
    kinds = {change.key: change.kind for change in state.changes}
    rows = []
    for key, value in sorted(state.data.items(), key=lambda item: item[0].lower()):  # as Jinja's dictsort
        olds = [read(key, change.old, state.data) or shown(change.old) for change in state.changes
                if change.key == key] if kinds.get(key) == "changed" else []
        rows.append(DataRow(key, state.labels.get(key, key), kinds.get(key), olds, read(key, value, state.data),
                            shown(value)))
    return rows


def _readable(payload_text: str) -> str:
    """A recorded payload laid out for reading; kept as stored when it is not JSON any more."""
    try:
        return json.dumps(json.loads(payload_text), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return payload_text


def _case_seqs(case_id: int) -> set[int]:
    return set(db.session().scalars(select(AuditEvent.seq).where(AuditEvent.case_id == case_id)))


def _case_verdict(session, case: Case) -> verification.CaseVerdict:
    """The case's verdict: its chain, the checkpoints it chains to, its replay."""
    return verification.verify_case(session, case, checkpointing.trusted_keys(), with_replay=True)


@bp.get("/cases/<int:case_id>/verify")
@roles_required(*READERS)
def verify_case(case_id: int):
    found = _case(case_id)
    verdict = _case_verdict(db.session(), found)
    return render_template("audit/verify_case.html", case=found, verdict=verdict, case_seqs=_case_seqs(case_id),
                           signer=checkpointing.signer())


@bp.get("/cases/<int:case_id>/record.pdf")
@roles_required(*READERS)
def record_pdf(case_id: int):
    session, found = db.session(), _case(case_id)
    verdict = _case_verdict(session, found)
    # A damaged record still gets its sheet: the verdict printed on it names the first bad event.
    content = record_sheet.render_pdf(session, found, verdict)
    return attachment(content, "application/pdf", _("case-%(id)s-record.pdf", id=case_id),
                      f"case-{case_id}-record.pdf")


@bp.get("/cases/<int:case_id>/bundle.json")
@roles_required(*READERS)
def bundle(case_id: int):
    content = case_bundle.to_bytes(case_bundle.build(db.session(), _case(case_id)))
    return attachment(content, "application/json", _("case-%(id)s-bundle.json", id=case_id),
                      f"case-{case_id}-bundle.json")


def _render_log(kept: checkpoints.Checkpoint | None = None, kept_error: str | None = None, status: int = 200):
    verdict = verification.verify_log(db.session(), checkpointing.trusted_keys(), [kept] if kept else [])
    return render_template("audit/verify.html", verdict=verdict, signer=checkpointing.signer(), kept=kept,
                           kept_error=kept_error), status


@bp.get("/verify")
@roles_required(*READERS)
def verify():
    return _render_log()


def _kept_text() -> str:
    """The checkpoint file's text from the upload (or pasted); :class:`CommandError` says what is wrong."""
    upload = request.files.get("checkpoint")
    if upload is not None and upload.filename:
        content = upload.read(MAX_KEPT_BYTES + 1)
        if len(content) > MAX_KEPT_BYTES:
            raise CommandError(_("This file is too large to be a checkpoint file."))
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 text; choose the checkpoint file you kept.")) from None
    pasted = request.form.get("checkpoint_text", "")
    if pasted.strip():
        return pasted[:MAX_KEPT_BYTES]
    raise CommandError(_("Choose the checkpoint file you kept, or paste its text."))


@bp.post("/verify")
@roles_required(*READERS)
def verify_kept():
    """Check a checkpoint an auditor kept outside the database against the record (an auditor may post this)."""
    try:
        upload = request.files.get("checkpoint")
        kept = checkpoints.parse_text(_kept_text(), upload.filename if upload and upload.filename else _("checkpoint"))
    except CommandError as error:
        return _render_log(kept_error=error.message, status=422)
    return _render_log(kept=kept)
