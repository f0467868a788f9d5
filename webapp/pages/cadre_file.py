"""The cadre file on the registry pages: talks (谈心谈话), filings (备案) and leave, added, corrected and deleted.

A blueprint nested in the registry's (``registry.cadre_file.*``); the cadre page lists the records through
:func:`detail_context`. Every change is a command of :mod:`workflows.cadre_file`, which checks it and records it.
"""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import User
from webapp import db
from webapp.pages import posted_values
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from workflows.errors import InvalidData
from workflows.registry import cadre_file
from workflows.registry import cadre_file_codes
from workflows.registry import cadre_records

bp = Blueprint("cadre_file", __name__)
EDITORS = ("personnel_office", "admin")  # the registry's editors (registry_pages.EDITORS)


def detail_context(session: Session, cadre_id: int) -> dict:
    """What the cadre page shows of the file: each kind's records newest first, and who entered them."""
    records = {kind.name: cadre_file.records_of(session, kind, cadre_id) for kind in cadre_file.KINDS.values()}
    entered_by = {row.created_by_id for rows in records.values() for row in rows if row.created_by_id}
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(entered_by))).all()) \
        if entered_by else {}
    return {"file_records": records, "file_kinds": cadre_file.KINDS, "file_codes": cadre_file_codes,
            "entered_by": names}


def _kind(name: str) -> cadre_file.RecordKind:
    if name not in cadre_file.KINDS:
        abort(404)
    return cadre_file.KINDS[name]


def _form_page(cadre_id: int, kind: cadre_file.RecordKind, values: dict, errors: dict, record_id: int | None = None,
               status: int = 200):
    cadre = cadre_records.get_cadre(db.session(), cadre_id)
    return render_template("registry/file_record.html", cadre=cadre, kind=kind, values=values, errors=errors,
                           record_id=record_id), status


def _saved(cadre_id: int, message: str):
    flash(message, "ok")
    return redirect(url_for("registry.detail", cadre_id=cadre_id) + "#cadre-file")


@bp.post("/<int:cadre_id>/file/<kind_name>")
@roles_required(*EDITORS)
def add(cadre_id: int, kind_name: str):
    kind = _kind(kind_name)
    try:
        values = posted_values.parse(request.form, kind.form)
        cadre_file.add(db.session(), current_actor(), now(), kind, cadre_id, values)
    except InvalidData as invalid:
        return form_again(_form_page, 422, cadre_id=cadre_id, kind=kind, values=request.form, errors=invalid.errors)
    return _saved(cadre_id, _("Saved."))


@bp.route("/<int:cadre_id>/file/<kind_name>/<int:record_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(cadre_id: int, kind_name: str, record_id: int):
    kind = _kind(kind_name)
    if request.method == "GET":
        _cadre, row = cadre_file.stored(db.session(), kind, cadre_id, record_id)
        return _form_page(cadre_id, kind, kind.values_of(row), {}, record_id)
    try:
        values = posted_values.parse(request.form, kind.form)
        cadre_file.update(db.session(), current_actor(), now(), kind, cadre_id, record_id, values)
    except InvalidData as invalid:
        return form_again(_form_page, 422, cadre_id=cadre_id, kind=kind, values=request.form, errors=invalid.errors,
                          record_id=record_id)
    return _saved(cadre_id, _("Saved."))


@bp.post("/<int:cadre_id>/file/<kind_name>/<int:record_id>/delete")
@roles_required(*EDITORS)
def delete(cadre_id: int, kind_name: str, record_id: int):
    cadre_file.delete(db.session(), current_actor(), now(), _kind(kind_name), cadre_id, record_id)
    return _saved(cadre_id, _("Deleted."))
