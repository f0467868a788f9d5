"""A task's page: the case it belongs to beside the form its JSON Schema gives; claim, release and complete."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Section
from webapp import case_access
from webapp import db
from webapp.i18n import english
from webapp.pages import task_form
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import today
from workflows import commands
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.forms import attachments
from workflows.forms import headcount_fields
from workflows.forms import party_meeting
from workflows.forms import rows_for
from workflows.queries import ballot_subject
from workflows.queries import case_history
from workflows.queries import case_reads
from workflows.queries import meeting as meeting_view
from workflows.queries import people

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _task(task_id: str):
    """The inbox row, if the user may act on it (a refusal is a 403 page and goes on record)."""
    return case_access.task_to_act_on(task_id)


def _choices_for(schema: dict | None) -> dict:
    """What the form's pickers list: sections, cadres, and the users of each role a field names."""
    session = db.session()
    widgets = {field.widget for field in task_form.fields(schema)}
    widgets |= {cell.widget for field in task_form.fields(schema) if field.widget == "rows_for"
                for cell in field.cells(0)}
    # Keyed by field: a field may draw on several roles; each user is shown "姓名（角色）".
    users = {field.name: people.user_choices(session, people.roles_of(field.prop), english())
             for field in task_form.fields(schema) if field.widget in ("users", "user")}
    names_cadres = any(field.widget in ("cadre", "cadres")
                       or (field.widget in ("rows", "rows_for") and field.picks_people)
                       for field in task_form.fields(schema))
    if schema and schema.get(party_meeting.KEYWORD):
        # The secretary recording the meeting presides and votes last: the boxes list the other members.
        others = [(name, shown) for name, shown in party_meeting.roster(session).items()
                  if name != current_actor().username]
        users = dict.fromkeys(users, others)
    return {
        "sections": session.scalars(select(Section).order_by(Section.code)).all() if "section" in widgets else [],
        "cadres": people.cadre_choices(session, today()) if names_cadres else [],
        "users": users,
    }


def _lines(session, case, row, schema: dict | None, values: dict) -> dict[str, list | None]:
    """Each per-cadre list's rows: one per cadre its case variable lists (None when the case holds no such list)."""
    fields = [field for field in task_form.fields(schema) if field.widget == "rows_for"]
    if not fields or row.status != "open":
        return {field.name: [] for field in fields}
    data = case_history.task_data(case, row.id)
    found = {}
    for field in fields:
        staff_nos = rows_for.listed(data, field.prop[rows_for.ROWS_FOR])
        choices = people.choices_of(session, staff_nos, today()) if staff_nos else {}
        labels = {staff_no: choice.label for staff_no, choice in choices.items()}
        found[field.name] = None if staff_nos is None else task_form.lines(field, staff_nos, labels,
                                                                            values.get(field.name))
    return found


def _headcount(case, row, schema: dict | None):
    """① 分析研判: the 职数 facts of the case's post as they stand now (the submission records its own)."""
    if not (schema or {}).get(headcount_fields.KEYWORD) or row.status != "open":
        return None
    return headcount_fields.facts(db.session(), schema, case_history.task_data(case, row.id))


def _render(row, *, values: dict | None = None, errors: dict | None = None, message: str | None = None,
            status: int = 200, blank_rows: dict[str, int] | None = None):
    session = db.session()
    case = case_reads.get_case(session, row.case_id)
    schema = case.spec.forms.get(row.bpmn_id)
    if values is None:
        values = case_history.task_data(case, row.id, current_actor()) if row.status == "open" else {}
    headcount = _headcount(case, row, schema)
    return render_template(
        "tasks/task.html", task=row, case=case, schema=schema, headcount=headcount,
        fields=[field for field in task_form.fields(schema)
                if field.name not in headcount_fields.hidden_fields(schema, headcount)],
        values=values, errors=task_form.field_errors(errors or {}), message=message,
        cell_errors=errors or {}, lines=_lines(session, case, row, schema, values),
        blank_rows={**dict.fromkeys((f.name for f in task_form.fields(schema)), task_form.BLANK_ROWS),
                    **(blank_rows or {})},
        cadre=session.get(Cadre, case.cadre_id) if case.cadre_id else None,
        history=case_history.steps(session, case, english(), current_actor()), shown=task_form.shown_value,
        mine=row.claimed_by_id == current_actor().user_id, **_choices_for(schema),
        board=meeting_view.board(session, case, current_actor()) if row.bpmn_id == meeting_view.CLOSING else None,
        vote_subject=_vote_subject(session, case, row),
    ), status


def _render_again(task_id: str, **shown):
    """The task page after a refused command: the task read again, after the rollback."""
    return _render(_task(task_id), **shown)


def _vote_subject(session, case, row) -> list[tuple[str, str]]:
    """On a ballot (a member's or the secretary's): who and which post the vote decides, by name."""
    if row.bpmn_id not in (meeting_view.BALLOT, meeting_view.CLOSING) or row.status != "open":
        return []
    return ballot_subject.subject(session, case, case_history.task_data(case, row.id), english())


@bp.get("/<task_id>")
@login_required
def show(task_id: str):
    return _render(_task(task_id))


@bp.post("/<task_id>")
@login_required
def complete(task_id: str):
    row = _task(task_id)
    schema = case_reads.get_case(db.session(), row.case_id).spec.forms.get(row.bpmn_id)
    data = task_form.parse(schema, request.form)
    if "_add_row" in request.form:
        # "Add a row": the form again with what was typed and one blank row more; nothing is submitted.
        adding = request.form["_add_row"]
        blank = task_form.posted_rows(adding, request.form) - len(data.get(adding) or []) + 1
        return _render(row, values=data, blank_rows={adding: max(blank, 1)})
    version = request.form.get("version", type=int)
    try:
        data.update(_uploads(row, schema))
        commands.complete_task(db.session(), current_actor(), now(), task_id, data, expected_version=version)
    except InvalidData as invalid:
        return form_again(_render_again, 422, task_id=task_id, values=data, errors=invalid.errors)
    except Conflict as conflict:
        return form_again(_render_again, 409, task_id=task_id, message=conflict.message)
    flash(_("Done: %(task)s", task=f"「{row.name}」"), "ok")
    return redirect(url_for("pages.inbox"))


def _uploads(row, schema: dict | None) -> dict:
    """Store the files posted for the form's attachment fields; their name, sha256 and size go into the data."""
    found = {}
    for field in task_form.fields(schema):
        files = [upload for upload in request.files.getlist(field.name) if upload.filename]
        if field.widget == "files" and files:
            found[field.name] = [
                attachments.store(db.session(), current_actor(), now(), row.case_id, row.id, field.name, field.title,
                                  upload.filename, upload.read(attachments.MAX_BYTES + 1)) for upload in files]
    return found


@bp.post("/<task_id>/claim")
@login_required
def claim(task_id: str):
    return _claim_or_release(task_id, commands.claim_task, _("Claimed: %(task)s"))


@bp.post("/<task_id>/release")
@login_required
def release(task_id: str):
    return _claim_or_release(task_id, commands.unclaim_task, _("Released: %(task)s"))


def _claim_or_release(task_id: str, command, done: str):
    row = _task(task_id)
    try:
        command(db.session(), current_actor(), now(), task_id)
    except Conflict as conflict:
        return form_again(_render_again, 409, task_id=task_id, message=conflict.message)
    flash(done % {"task": f"「{row.name}」"}, "ok")
    return redirect(url_for("tasks.show", task_id=task_id))
