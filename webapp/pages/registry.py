"""The registry pages of the personnel office: list and search, a cadre's record, edit forms."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from storage.models import Case
from storage.models import Section
from webapp import bounded
from webapp import db
from webapp.pages import cadre_file
from webapp.pages import posted_values
from webapp.pages import registry_personal
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from webapp.security import today
from workflows.errors import InvalidData
from workflows.queries import paging
from workflows.registry import cadre_records
from workflows.registry import edit as registry_edit
from workflows.registry import personal

bp = Blueprint("registry", __name__, url_prefix="/registry")
bp.register_blueprint(cadre_file.bp)  # the cadre file's talks, filings and leave
bp.register_blueprint(registry_personal.bp)  # the form's personal fields, family, 简历, awards and photo
READERS = ("personnel_office", "admin", "auditor")
EDITORS = ("personnel_office", "admin")
PERSON_FORM = {field: ("date" if field.endswith("date") else "bool" if field == "under_investigation" else "text",
                       label) for field, label in registry_edit.PERSON_LABELS.items()}
POST_FORM = {"section_id": ("id", lazy_gettext("Section")), "title": ("text", lazy_gettext("Post")),
             "level": ("text", lazy_gettext("Post level")), "is_leadership": ("bool", lazy_gettext("Leadership post?")),
             "civil_service_rank": ("text", lazy_gettext("Rank")),
             "start_date": ("date", lazy_gettext("In the current post since")),
             "decision_date": ("date", lazy_gettext("Appointment decided on")),
             "appointment_mode": ("text", lazy_gettext("Appointment mode")),
             "probation_end": ("date", lazy_gettext("Probation ends")),
             "category": ("text", lazy_gettext("Post category"))}


@bp.get("")
@roles_required(*READERS)
def index():
    args = request.args
    wanted = cadre_records.CadreFilter(
        text=args.get("q", ""), section_id=bounded.query_int("section"), level=args.get("level") or None,
        gender=args.get("gender") or None,
        leadership={"1": True, "0": False}.get(args.get("leadership", "")),
        active={"1": True, "0": False, "all": None}.get(args.get("active", "1"), True))
    page = bounded.query_int("page", 1, clamp=True)
    cadres, total = cadre_records.search(db.session(), wanted, page)
    return render_template("registry/index.html", cadres=cadres, total=total, page=page,
                           pages=paging.page_count(total), args=args,
                           sections=_sections(), today=today(), age_on=cadre_records.age_on)


@bp.get("/<int:cadre_id>")
@roles_required(*READERS)
def detail(cadre_id: int):
    return _render_detail(cadre_id)


def _render_detail(cadre_id: int, errors: dict | None = None, status: int = 200):
    cadre_records.get_cadre(db.session(), cadre_id)  # an unknown cadre is a 404, not a recorded view
    actor = current_actor()  # before the request's session lets go of the user
    with db.own_transaction() as write:  # the personal fields were seen: on record, though the page only reads
        seen = cadre_records.get_cadre(write, cadre_id)
        personal.record_view(write, actor, now(), seen.staff_no, "cadre_page_personal")
    session = db.session()
    cadre = cadre_records.get_cadre(session, cadre_id)
    cases = session.scalars(select(Case).where(Case.cadre_id == cadre.id).order_by(Case.id.desc())).all()
    return render_template(
        "registry/detail.html", cadre=cadre, posts=list(reversed(cadre.posts)),
        assessments=cadre_records.assessments_of(session, cadre_id),
        sanctions=cadre_records.sanctions_of(session, cadre_id),
        cases=cases, sections=_sections(), errors=errors or {}, form=request.form, today=today(),
        age_on=cadre_records.age_on, **cadre_file.detail_context(session, cadre.id),
        **registry_personal.detail_context(session, cadre, today().year)), status


@bp.route("/<int:cadre_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(cadre_id: int):
    cadre = cadre_records.get_cadre(db.session(), cadre_id)
    if request.method == "POST":
        try:
            values = posted_values.parse(request.form, PERSON_FORM)
            registry_edit.update_person(db.session(), current_actor(), now(), cadre_id, values)
            flash(_("Saved."), "ok")
            return redirect(url_for("registry.detail", cadre_id=cadre_id))
        except InvalidData as invalid:
            return form_again(_edit_page, 422, cadre=cadre, errors=invalid.errors)
    return _edit_page(cadre)


def _edit_page(cadre, errors: dict | None = None, status: int = 200):
    return render_template("registry/edit.html", cadre=cadre, errors=errors or {}, form=request.form,
                           labels=registry_edit.PERSON_LABELS), status


@bp.post("/<int:cadre_id>/assessments")
@roles_required(*EDITORS)
def add_assessment(cadre_id: int):
    return _change(cadre_id, lambda: registry_edit.record_assessment(
        db.session(), current_actor(), now(), cadre_id, **posted_values.parse(request.form, {
            "year": ("int", _("Year")), "grade": ("text", _("Grade")), "scheme": ("text", _("Assessment scheme"))})))


@bp.post("/<int:cadre_id>/sanctions")
@roles_required(*EDITORS)
def add_sanction(cadre_id: int):
    return _change(cadre_id, lambda: registry_edit.record_sanction(
        db.session(), current_actor(), now(), cadre_id, **posted_values.parse(request.form, {
            "kind": ("text", _("Kind")), "decided_on": ("date", _("Decided on")),
            "impact_until": ("date", _("Effect lasts until")), "note": ("text", _("Details"))})))


@bp.post("/<int:cadre_id>/appointments")
@roles_required(*EDITORS)
def appoint(cadre_id: int):
    return _change(cadre_id, lambda: registry_edit.appoint(
        db.session(), current_actor(), now(), cadre_id, posted_values.parse(request.form, POST_FORM)))


@bp.post("/<int:cadre_id>/post-category")
@roles_required(*EDITORS)
def classify_post(cadre_id: int):
    """The 岗位类别 of the current post (key posts rotate after ten years even outside leadership)."""
    return _change(cadre_id, lambda: registry_edit.classify_post(
        db.session(), current_actor(), now(), cadre_id,
        posted_values.parse(request.form, {"category": ("text", _("Post category"))})["category"]))


def _change(cadre_id: int, change):
    try:
        change()
    except InvalidData as invalid:
        return form_again(_render_detail, 422, cadre_id=cadre_id, errors=invalid.errors)
    flash(_("Saved."), "ok")
    return redirect(url_for("registry.detail", cadre_id=cadre_id))


def _sections() -> list[Section]:
    return list(db.session().scalars(select(Section).order_by(Section.code)))
