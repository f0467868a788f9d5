"""Starting a case: a procedure and the cadre or post from the registry, or straight from a scan row."""

from datetime import date

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Section
from webapp import db
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import policy
from webapp.security import roles_required
from webapp.security import today
from workflows import commands
from workflows.errors import DuplicateCase
from workflows.errors import InvalidData
from workflows.processes import case_subject
from workflows.processes.deploy import latest_spec
from workflows.queries import case_reads
from workflows.registry import scans

bp = Blueprint("case_start", __name__, url_prefix="/cases")
STARTERS = ("personnel_office",)
# A scan row starts the procedure its finding calls for, with the scan as the recorded reason.
SCAN_STARTS = {
    "rotation": ("rotation_approval", "trigger_reason", "scan_10_years"),
    "second_line": ("second_line_approval", "trigger", "window_scan"),
}


def start_info(spec) -> tuple[str | None, dict]:
    """(startFrom of the process, its start form or an empty one)."""
    bpmn_id, info = case_subject.start_event(spec)
    return info.get("start_from"), spec.forms.get(bpmn_id) or {}


def _form_values(schema: dict, form) -> dict:
    """The start form's posted fields as JSON values; the schema's own check names what is wrong."""
    values = {}
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type")
        if kind == "boolean":
            values[name] = form.get(name) in ("1", "on", "true")
            continue
        raw = (form.get(name) or "").strip()
        if raw == "" or kind not in ("string", "integer"):
            continue
        values[name] = int(raw) if kind == "integer" and raw.lstrip("-").isdigit() else raw
    return values


def _unconfirmed(form) -> dict | None:
    """The error to show when the confirmation box was not ticked (a page without JavaScript asks this way)."""
    if form.get("confirm") in ("1", "on", "true"):
        return None
    return {"confirm": _("Tick “I confirm” to start the case.")}


def _start(process: str, title: str, data: dict, cadre: str | None) -> dict:
    form = request.form
    return commands.start_case(db.session(), current_actor(), now(), process, title, data, cadre_staff_no=cadre,
                               policy=policy(), idempotency_key=(form.get("idempotency_key") or "").strip() or None,
                               override_reason=form.get("override_reason"))


def _duplicate(message: str, running: int | None, errors: dict | None = None, status: int = 409):
    """The refusal, a link to the running case and, for the office, the start again with a reason."""
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name not in ("csrf_token", "confirm", "idempotency_key", "override_reason")]
    return render_template("cases/duplicate.html", message=message, running=running, action=request.path,
                           kept=kept, errors=errors or {}), status


def _refused(error: DuplicateCase | InvalidData, spec, values: dict):
    """The page for a refused start: a duplicate, an override sent without a good reason, else the form again."""
    if isinstance(error, DuplicateCase):
        return form_again(_duplicate, 409, message=error.message, running=error.case_id)
    if "override_reason" in error.errors:
        return form_again(_duplicate, 422, message=error.message, running=None, errors=error.errors)
    return form_again(_render, 422, spec=spec, errors=error.errors, values=values)


def _render(spec, errors: dict | None = None, values: dict | None = None, status: int = 200):
    start_from, schema = start_info(spec) if spec else (None, {})
    session = db.session()
    cadres = session.scalars(select(Cadre).where(Cadre.active.is_(True)).order_by(Cadre.staff_no)) if spec else []
    return render_template(
        "cases/new.html", processes=case_reads.processes(session), spec=spec, start_from=start_from, schema=schema,
        sections=session.scalars(select(Section).order_by(Section.code)).all(), cadres=list(cadres),
        errors=errors or {}, values=values or {}), status


@bp.get("/new")
@roles_required(*STARTERS)
def new():
    process = request.args.get("process")
    spec = latest_spec(db.session(), process) if process else None
    values = {"cadre": request.args.get("cadre", "")}
    return _render(spec, values=values, status=200 if spec or not process else 404)


@bp.post("/new")
@roles_required(*STARTERS)
def create():
    form = request.form
    spec = latest_spec(db.session(), form.get("process", ""))
    if spec is None:
        return _render(None, {"process": _("Choose the procedure to start.")}, status=422)
    _start_from, schema = start_info(spec)
    data = _form_values(schema, form)
    values = {**data, "cadre": form.get("cadre", ""), "title": form.get("title", "")}
    if unconfirmed := _unconfirmed(form):
        return _render(spec, unconfirmed, values, status=422)
    try:
        answer = _start(spec.process_id, (form.get("title") or "").strip(), data,
                        (form.get("cadre") or "").strip() or None)
    except (DuplicateCase, InvalidData) as refused:
        return _refused(refused, spec, values)
    flash(_("Case #%(id)s started: %(title)s", id=answer["id"], title=answer["title"]), "ok")
    return redirect(url_for("pages.index"))


@bp.post("/from-scan")
@roles_required(*STARTERS)
def from_scan():
    """Start the procedure a scan row calls for, for that cadre, the finding recorded as the reason."""
    kind = request.form.get("kind", "")
    if kind not in SCAN_STARTS:
        message = _("This scan finding calls for no procedure that can be started.")
        return render_template("errors/error.html", status=422, message=message, errors={}), 422
    process, trigger_field, trigger = SCAN_STARTS[kind]
    on = _day(request.form.get("on"))
    # The finding goes on record in the record's language, whatever the page showed: the scan says it again.
    note = _finding(kind, request.form.get("cadre", ""), on) or (request.form.get("reason") or "").strip()[:1000]
    data = {trigger_field: trigger, "trigger_note": note, "scan_date": on.isoformat()}
    spec = latest_spec(db.session(), process)
    if spec is None:
        message = _("The process %(process)s is not deployed.", process=process)
        return render_template("errors/error.html", status=404, message=message, errors={}), 404
    if unconfirmed := _unconfirmed(request.form):
        return _scan_refusal(unconfirmed)
    try:
        answer = _start(process, "", data, request.form.get("cadre"))
    except (DuplicateCase, InvalidData) as refused:
        return _refused(refused, spec, {**data, "cadre": request.form.get("cadre", "")})
    flash(_("Case #%(id)s started: %(title)s", id=answer["id"], title=answer["title"]), "ok")
    return redirect(url_for("registry_tools.scan"))


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return today()


def _finding(kind: str, staff_no: str, on: date) -> str:
    """The scan's reason for this cadre on ``on``, as the scan computes it; empty when it finds none now."""
    report = scans.scan(db.session(), on, policy())
    return next((row.reason for row in report.rows.get(kind, []) if row.subject == staff_no), "")


def _scan_refusal(errors: dict):
    """A scan start sent without its confirmation or reason: say which, start nothing."""
    return render_template("errors/error.html", status=422, message=_("Nothing was started."), errors=errors), 422
