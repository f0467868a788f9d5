"""The form's personal fields on the registry pages: identity number and the rest, family, 简历, awards, photo.

A blueprint nested in the registry's (``registry.personal.*``). The cadre page shows them through
:func:`detail_context` (readers only, each view on record); each change is a command of workflows.registry,
which checks it and records it; a refused change shows its form again with what was typed and a message per field.
"""

import dataclasses
import re

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from webapp import db
from webapp.pages import posted_values
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from workflows.errors import InvalidData
from workflows.registry import awards
from workflows.registry import cadre_records
from workflows.registry import family
from workflows.registry import personal
from workflows.registry import personal_edit
from workflows.registry import photo as photo_commands
from workflows.registry import resume
from workflows.registry.personal_checks import FAMILY_LABELS
from workflows.registry.personal_checks import FAMILY_MAX
from workflows.registry.personal_checks import PERSONAL_LABELS
from workflows.registry.personal_checks import TEXT_LABELS
from workflows.registry.personal_checks import resume_text
from workflows.registry.photo import MAX_BYTES

bp = Blueprint("personal", __name__)
READERS = ("personnel_office", "admin", "auditor")  # the registry's readers (registry_pages.READERS)
EDITORS = ("personnel_office", "admin")
FAMILY_ROWS_SHOWN = 10  # rows of the table a clerk types into; "more rows" adds five, up to FAMILY_MAX
FAMILY_KEY = re.compile(r"family-(\d{1,3})-(\w+)")
AWARD_FORM = {"awarded_on": ("date", awards.LABELS["awarded_on"]), "title": ("text", awards.LABELS["title"]),
              "granted_by": ("text", awards.LABELS["granted_by"])}
PERSONAL_FORM = {field: ("text", label) for field, label in {**PERSONAL_LABELS, **TEXT_LABELS}.items()}


def detail_context(session: Session, cadre, year: int) -> dict:
    """What the cadre page shows of the form's personal fields (the caller records the view)."""
    return {"personal": personal.personal_record(session, cadre, year), "awards": personal.awards_of(session, cadre.id),
            "personal_labels": PERSONAL_LABELS, "family_labels": FAMILY_LABELS}


def _cadre(cadre_id: int):
    return cadre_records.get_cadre(db.session(), cadre_id)


def _saved(cadre_id: int, anchor: str = "personal"):
    flash(_("Saved."), "ok")
    return redirect(url_for("registry.detail", cadre_id=cadre_id) + f"#{anchor}")


LABELS = {"personal_edit.html": {**PERSONAL_LABELS, **TEXT_LABELS}, "family_edit.html": FAMILY_LABELS,
          "award_edit.html": awards.LABELS}


def _page(template: str, cadre_id: int, status: int = 200, **context):
    return render_template(f"registry/{template}", cadre=_cadre(cadre_id), labels=LABELS.get(template, {}),
                           **context), status


@bp.route("/<int:cadre_id>/personal", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(cadre_id: int):
    """The identity number, 籍贯 … and the written 奖惩情况 / 年度考核结果 (blank: made from the registry)."""
    if request.method == "GET":
        cadre = _cadre(cadre_id)
        return _page("personal_edit.html", cadre_id, values={field: getattr(cadre, field) or ""
                                                             for field in PERSONAL_FORM}, errors={})
    try:
        values = posted_values.parse(request.form, PERSONAL_FORM)
        personal_edit.update_personal(db.session(), current_actor(), now(), cadre_id, values)
    except InvalidData as invalid:
        return form_again(_page, 422, template="personal_edit.html", cadre_id=cadre_id, values=request.form,
                          errors=invalid.errors)
    return _saved(cadre_id)


def posted_family(form) -> list[dict]:
    """The table's rows as typed, in order ("family-3-name" is row 3's 姓名); rows after the last one sent are none."""
    found: dict[int, dict] = {}
    for key, value in form.items():
        match = FAMILY_KEY.fullmatch(key)
        if match and match.group(2) in FAMILY_LABELS:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = value
    last = max(found, default=0)
    return [found.get(number, {}) for number in range(1, last + 1)]


def _family_page(cadre_id: int, rows: list[dict], errors: dict, status: int = 200):
    rows = rows + [{}] * (FAMILY_ROWS_SHOWN - len(rows))  # at least the blank table a clerk types into
    return _page("family_edit.html", cadre_id, status, rows=rows, errors=errors, most=FAMILY_MAX)


@bp.route("/<int:cadre_id>/family", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_family(cadre_id: int):
    """The whole table at once; "more rows" shows five blank rows more without saving (no script needed)."""
    if request.method == "GET":
        rows = [dataclasses.asdict(row) for row in personal.family_rows(db.session(), _cadre(cadre_id))]
        return _family_page(cadre_id, rows + [{}] * 3, {})
    rows = posted_family(request.form)
    if request.form.get("more"):
        return _family_page(cadre_id, rows + [{}] * max(0, min(5, FAMILY_MAX - len(rows))), {})
    try:
        family.set_family(db.session(), current_actor(), now(), cadre_id, rows)
    except InvalidData as invalid:
        return form_again(_family_page, 422, cadre_id=cadre_id, rows=rows, errors=invalid.errors)
    return _saved(cadre_id, "family")


@bp.route("/<int:cadre_id>/resume", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_resume(cadre_id: int):
    """The 简历 as the form prints it, one period a line; empty gives it back to the post history."""
    if request.method == "GET":
        record = personal.personal_record(db.session(), _cadre(cadre_id), now().year)
        return _page("resume_edit.html", cadre_id, text=resume_text(record.resume),
                     generated=record.resume_generated, errors={})
    text = request.form.get("resume", "")
    try:
        resume.set_resume(db.session(), current_actor(), now(), cadre_id, text)
    except InvalidData as invalid:
        return form_again(_page, 422, template="resume_edit.html", cadre_id=cadre_id, text=text, generated=False,
                          errors=invalid.errors)
    return _saved(cadre_id, "resume")


@bp.post("/<int:cadre_id>/resume/generate")
@roles_required(*EDITORS)
def generate_resume(cadre_id: int):
    try:
        resume.generate_resume(db.session(), current_actor(), now(), cadre_id)
    except InvalidData as invalid:
        return form_again(_page, 422, template="resume_edit.html", cadre_id=cadre_id, text="", generated=True,
                          errors=invalid.errors)
    flash(_("The résumé was generated from the post history; correct and complete it below."), "ok")
    return redirect(url_for("registry.personal.edit_resume", cadre_id=cadre_id))


@bp.route("/<int:cadre_id>/awards/new", methods=["GET", "POST"])
@bp.route("/<int:cadre_id>/awards/<int:award_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_award(cadre_id: int, award_id: int | None = None):
    if request.method == "GET":
        values = {}
        if award_id is not None:
            award = next((row for row in personal.awards_of(db.session(), cadre_id) if row.id == award_id), None)
            if award is None:
                abort(404)
            values = {"awarded_on": award.awarded_on.isoformat(), "title": award.title, "granted_by": award.granted_by}
        return _page("award_edit.html", cadre_id, award_id=award_id, values=values, errors={})
    try:
        values = posted_values.parse(request.form, AWARD_FORM)
        if award_id is None:
            awards.add_award(db.session(), current_actor(), now(), cadre_id, values)
        else:
            awards.update_award(db.session(), current_actor(), now(), cadre_id, award_id, values)
    except InvalidData as invalid:
        return form_again(_page, 422, template="award_edit.html", cadre_id=cadre_id, award_id=award_id,
                          values=request.form, errors=invalid.errors)
    return _saved(cadre_id, "awards")


@bp.post("/<int:cadre_id>/awards/<int:award_id>/delete")
@roles_required(*EDITORS)
def delete_award(cadre_id: int, award_id: int):
    awards.delete_award(db.session(), current_actor(), now(), cadre_id, award_id)
    flash(_("Deleted."), "ok")
    return redirect(url_for("registry.detail", cadre_id=cadre_id) + "#awards")


@bp.route("/<int:cadre_id>/photo/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_photo(cadre_id: int):
    """Upload a JPEG or PNG photo in place of the stored one, or remove it."""
    if request.method == "GET":
        return _photo_page(cadre_id, {})
    try:
        if request.form.get("remove"):
            photo_commands.remove_photo(db.session(), current_actor(), now(), cadre_id)
        else:
            upload = request.files.get("photo")
            data = upload.read(MAX_BYTES + 1) if upload else b""
            photo_commands.set_photo(db.session(), current_actor(), now(), cadre_id, data)
    except InvalidData as invalid:
        return form_again(_photo_page, 422, cadre_id=cadre_id, errors=invalid.errors)
    return _saved(cadre_id, "photo")


def _photo_page(cadre_id: int, errors: dict, status: int = 200):
    return _page("photo_edit.html", cadre_id, status, errors=errors, max_kb=MAX_BYTES // 1024,
                 sha256=personal.photo_sha256(db.session(), cadre_id))


@bp.get("/<int:cadre_id>/photo")
@roles_required(*READERS)
def photo(cadre_id: int):
    """The photo's bytes for the cadre page; never kept by a browser or proxy (personal information)."""
    stored = personal.photo(db.session(), _cadre(cadre_id))
    if stored is None:
        abort(404)
    return Response(stored.content, mimetype=stored.media_type, headers={
        "Cache-Control": "no-store", "Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})
