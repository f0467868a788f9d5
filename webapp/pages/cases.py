"""The organiser's cases: the list with where each case stands, a case's page with its record, withdrawal."""

from pathlib import PurePath

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import login_required

from storage.models import Cadre
from webapp import bounded
from webapp import case_access
from webapp import db
from webapp import downloads
from webapp.i18n import english
from webapp.i18n import translated
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from workflows import access
from workflows import commands
from workflows.commands import triggers
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.forms import attachments
from workflows.processes import case_outcome
from workflows.queries import candidate_view
from workflows.queries import case_history
from workflows.queries import case_reads
from workflows.queries import meeting
from workflows.queries import paging
from workflows.queries import waiting
from workflows.queries import worklists

bp = Blueprint("case_pages", __name__, url_prefix="/cases")
# The status filter of 我的案件: a case ended by a refusal is listed apart from the finished ones.
LIST_STATUSES = case_outcome.FILTERS


@bp.get("")
@roles_required("personnel_office", "admin", "auditor")
def index():
    args = request.args
    status = args.get("status", "running")
    page = bounded.query_int("page", 1, clamp=True)
    rows, total = worklists.cases(db.session(), current_actor(), now(), status=status or None,
                                  process=args.get("process") or None, text=args.get("q", ""),
                                  mine=args.get("all") != "1", page=page)
    return render_template("cases/index.html", rows=rows, total=total, page=page, args=args, statuses=LIST_STATUSES,
                           processes=case_reads.processes(db.session()),
                           waits=waiting.of_cases(db.session(), [row.case.id for row in rows]),
                           pages=paging.page_count(total))


def _case(case_id: int):
    return case_access.readable_case(case_id)


def _render(case, *, errors: dict | None = None, message: str | None = None, status: int = 200):
    session, actor, workflow = db.session(), current_actor(), case_history.load(case)
    return render_template(
        "cases/show.html", case=case, errors=errors or {}, message=message,
        history=case_history.steps(session, case, english(), actor), open_tasks=commands.open_tasks(session, case.id),
        cadre=session.get(Cadre, case.cadre_id) if case.cadre_id else None,
        diagram=case_history.drawing(case, workflow, english(), translated, request.args.get("diagram")),
        board=_board(session, case),
        candidates=candidate_view.lines(case_reads.workflow_data(workflow)),
        waits=waiting.of_case(session, case.id),
        messages=[m for m in case_history.waiting_messages(workflow) if m[2] in actor.roles],
        may_withdraw=case.status == "running" and bool(actor.roles & commands.CANCEL_ROLES)), status


def _render_again(case_id: int, **shown):
    """The case page after a refused command: the case read again, after the rollback."""
    return _render(_case(case_id), **shown)


def _board(session, case):
    """The running vote, for the secretary who chairs it and the office (members see only their own ballot)."""
    if current_actor().roles & ({"party_secretary"} | access.READ_ALL_ROLES):
        return meeting.board(session, case, current_actor())
    return None


@bp.get("/<int:case_id>")
@login_required
def show(case_id: int):
    return _render(_case(case_id))


@bp.post("/<int:case_id>/messages/<name>")
@login_required
def message(case_id: int, name: str):
    """Record what arrived from outside (a complaint during publicity) for a case waiting for it."""
    _case(case_id)
    summary = (request.form.get("summary") or "").strip()
    if not 2 <= len(summary) <= 4000:
        return _render(_case(case_id), errors={"summary": _("“Summary” is required, 2 to 4000 characters.")},
                       status=422)
    payload = {"summary": summary, "source": (request.form.get("source") or "").strip()[:200]}
    try:
        triggers.receive_message(db.session(), current_actor(), now(), case_id, name, payload)
    except Conflict as conflict:
        return form_again(_render_again, 409, case_id=case_id, message=conflict.message)
    flash(_("Recorded; it goes to verification."), "ok")
    return redirect(url_for("case_pages.show", case_id=case_id))


@bp.get("/<int:case_id>/attachments/<sha256>")
@login_required
def attachment(case_id: int, sha256: str):
    """A file of the case, for those who may read the case; always downloaded, never shown inline."""
    case_access.note_case(case_id)
    found = attachments.fetch(db.session(), current_actor(), case_id, sha256)
    fallback = f"attachment-{found.sha256[:12]}{PurePath(found.name).suffix.lower()}"  # an ASCII name for old clients
    return downloads.attachment(found.content, found.content_type, found.name, fallback)


@bp.post("/<int:case_id>/withdraw")
@login_required
def withdraw(case_id: int):
    case = _case(case_id)
    if request.form.get("confirm") not in ("1", "on", "true"):
        return _render(case, errors={"confirm": _("Tick “I confirm” to withdraw the case.")}, status=422)
    try:
        commands.cancel_case(db.session(), current_actor(), now(), case_id, request.form.get("reason", ""))
    except InvalidData as invalid:
        return form_again(_render_again, 422, case_id=case_id, errors=invalid.errors)
    except Conflict as conflict:
        return form_again(_render_again, 409, case_id=case_id, message=conflict.message)
    flash(_("Withdrawn: %(case)s", case=f"「{case.title}」"), "ok")
    return redirect(url_for("case_pages.show", case_id=case_id))
