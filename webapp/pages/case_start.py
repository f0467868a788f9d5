"""Starting a case: a procedure and the cadre or post from the registry, or straight from a scan row."""

import uuid

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

bp = Blueprint("case_start", __name__, url_prefix="/cases")
# Each rendered start form carries a key of its own: the same form sent twice (a double click) starts one case.
bp.add_app_template_global(lambda: uuid.uuid4().hex, "new_key")
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


def _duplicate(message: str, running: int | None, errors: dict | None = None):
    """The refusal, a link to the running case and, for the office, the start again with a reason."""
    db.rollback()
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name not in ("csrf_token", "confirm", "idempotency_key", "override_reason")]
    return render_template("cases/duplicate.html", message=message, running=running, action=request.path,
                           kept=kept, errors=errors or {}), 422 if errors else 409


def _refused(error: DuplicateCase | InvalidData):
    """The page for a start refused as a duplicate, or for an override sent without a good reason (else None)."""
    if isinstance(error, DuplicateCase):
        return _duplicate(error.message, error.case_id)
    if "override_reason" in error.errors:
        return _duplicate(error.message, None, error.errors)
    return None


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
        return _render(None, {"process": "请选择要发起的流程"}, status=422)
    _start_from, schema = start_info(spec)
    data = _form_values(schema, form)
    values = {**data, "cadre": form.get("cadre", ""), "title": form.get("title", "")}
    if unconfirmed := _unconfirmed(form):
        return _render(spec, unconfirmed, values, status=422)
    try:
        answer = _start(spec.process_id, (form.get("title") or "").strip(), data,
                        (form.get("cadre") or "").strip() or None)
    except (DuplicateCase, InvalidData) as refused:
        if (page := _refused(refused)) is not None:
            return page
        db.rollback()
        return _render(spec, refused.errors, values, status=422)
    flash(_("Case #%(id)s started: %(title)s", id=answer["id"], title=answer["title"]), "ok")
    return redirect(url_for("pages.index"))


@bp.post("/from-scan")
@roles_required(*STARTERS)
def from_scan():
    """Start the procedure a scan row calls for, for that cadre, the finding recorded as the reason."""
    kind = request.form.get("kind", "")
    if kind not in SCAN_STARTS:
        return render_template("errors/error.html", status=422, message="该扫描结果不对应可发起的流程", errors={}), 422
    process, trigger_field, trigger = SCAN_STARTS[kind]
    data = {trigger_field: trigger, "trigger_note": (request.form.get("reason") or "").strip()[:1000],
            "scan_date": request.form.get("on") or today().isoformat()}
    spec = latest_spec(db.session(), process)
    if spec is None:
        return render_template("errors/error.html", status=404, message=f"流程 {process} 未部署", errors={}), 404
    if unconfirmed := _unconfirmed(request.form):
        return _scan_refusal(unconfirmed)
    try:
        answer = _start(process, "", data, request.form.get("cadre"))
    except (DuplicateCase, InvalidData) as refused:
        if (page := _refused(refused)) is not None:
            return page
        db.rollback()
        return _render(spec, refused.errors, {**data, "cadre": request.form.get("cadre", "")}, status=422)
    flash(_("Case #%(id)s started: %(title)s", id=answer["id"], title=answer["title"]), "ok")
    return redirect(url_for("registry_tools.scan"))


def _scan_refusal(errors: dict):
    """A scan start sent without its confirmation or reason: say which, start nothing."""
    return render_template("errors/error.html", status=422, message=_("Nothing was started."), errors=errors), 422
