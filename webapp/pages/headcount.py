"""The approved headcount (职数) page: the table with the posts held and the vacancies; registry editors edit it."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from webapp import db
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from workflows.errors import InvalidData
from workflows.registry import headcount

bp = Blueprint("headcount", __name__, url_prefix="/registry/headcount")
READERS = ("personnel_office", "admin", "auditor")
PREFIX = "approved:"


def _render(errors: dict | None = None, posted: dict | None = None, status: int = 200):
    can_edit = bool(set(current_actor().roles) & set(headcount.EDIT_ROLES))
    return render_template("registry/headcount.html", rows=headcount.overview(db.session()), can_edit=can_edit,
                           errors=errors or {}, posted=posted or {}), status


@bp.get("")
@roles_required(*READERS)
def show():
    return _render()


@bp.post("")
@roles_required(*headcount.EDIT_ROLES)
def save():
    posted = {name.removeprefix(PREFIX): value for name, value in request.form.items() if name.startswith(PREFIX)}
    cells = {tuple(key.rsplit(":", 1)): value for key, value in posted.items() if ":" in key}  # codes may hold ":"
    try:
        changed = headcount.save_table(db.session(), current_actor(), now(), cells)
    except InvalidData as invalid:
        return form_again(_render, 422, errors=invalid.errors, posted=posted)
    flash(_("Saved: %(count)s approved number(s) changed.", count=changed), "ok")
    return redirect(url_for("headcount.show"))
