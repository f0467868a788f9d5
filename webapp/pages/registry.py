"""The registry pages of the personnel office: list and search, a cadre's record, edit forms."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import select

from storage.models import Case
from storage.models import Section
from webapp import db
from webapp.pages import cadre_file
from webapp.pages import posted_values
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from webapp.security import today
from workflows.errors import InvalidData
from workflows.registry import cadre_records
from workflows.registry import codes as codes
from workflows.registry import edit as registry_edit

bp = Blueprint("registry", __name__, url_prefix="/registry")
bp.register_blueprint(cadre_file.bp)  # the cadre file's talks, filings and leave
READERS = ("personnel_office", "admin", "auditor")
EDITORS = ("personnel_office", "admin")
PERSON_FORM = {field: ("date" if field.endswith("date") else "bool" if field == "under_investigation" else "text",
                       label) for field, label in registry_edit.PERSON_LABELS.items()}
POST_FORM = {"section_id": ("id", "科室"), "title": ("text", "职务"), "level": ("text", "职务层次"),
             "is_leadership": ("bool", "是否实职"), "civil_service_rank": ("text", "职级"),
             "start_date": ("date", "任现职日期"), "decision_date": ("date", "任职决定日期"),
             "appointment_mode": ("text", "任职方式"), "probation_end": ("date", "试用期止"),
             "category": ("text", "岗位类别")}


@bp.app_context_processor
def _codes():
    return {"codes": codes}


@bp.get("")
@roles_required(*READERS)
def index():
    args = request.args
    wanted = cadre_records.CadreFilter(
        text=args.get("q", ""), section_id=args.get("section", type=int), level=args.get("level") or None,
        gender=args.get("gender") or None,
        leadership={"1": True, "0": False}.get(args.get("leadership", "")),
        active={"1": True, "0": False, "all": None}.get(args.get("active", "1"), True))
    page = max(args.get("page", 1, type=int), 1)
    cadres, total = cadre_records.search(db.session(), wanted, page)
    return render_template("registry/index.html", cadres=cadres, total=total, page=page,
                           pages=max(1, -(-total // cadre_records.PAGE_SIZE)), args=args,
                           sections=_sections(), today=today(), age_on=cadre_records.age_on,
                           page_url=lambda number: url_for("registry.index", **{**args.to_dict(), "page": number}))


@bp.get("/<int:cadre_id>")
@roles_required(*READERS)
def detail(cadre_id: int):
    return _render_detail(cadre_id)


def _render_detail(cadre_id: int, errors: dict | None = None, status: int = 200):
    session = db.session()
    cadre = cadre_records.get_cadre(session, cadre_id)
    cases = session.scalars(select(Case).where(Case.cadre_id == cadre.id).order_by(Case.id.desc())).all()
    return render_template(
        "registry/detail.html", cadre=cadre, posts=list(reversed(cadre.posts)),
        assessments=cadre_records.assessments_of(session, cadre_id),
        sanctions=cadre_records.sanctions_of(session, cadre_id),
        cases=cases, sections=_sections(), errors=errors or {}, form=request.form, today=today(),
        age_on=cadre_records.age_on, **cadre_file.detail_context(session, cadre.id)), status


@bp.route("/<int:cadre_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(cadre_id: int):
    cadre = cadre_records.get_cadre(db.session(), cadre_id)
    errors = {}
    if request.method == "POST":
        try:
            values = posted_values.parse(request.form, PERSON_FORM)
            registry_edit.update_person(db.session(), current_actor(), now(), cadre_id, values)
            flash("已保存。", "ok")
            return redirect(url_for("registry.detail", cadre_id=cadre_id))
        except InvalidData as invalid:
            db.rollback()
            errors = invalid.errors
    return render_template("registry/edit.html", cadre=cadre, errors=errors, form=request.form,
                           labels=registry_edit.PERSON_LABELS), 422 if errors else 200


@bp.post("/<int:cadre_id>/assessments")
@roles_required(*EDITORS)
def add_assessment(cadre_id: int):
    return _change(cadre_id, lambda: registry_edit.record_assessment(
        db.session(), current_actor(), now(), cadre_id, **posted_values.parse(request.form, {
            "year": ("int", "年度"), "grade": ("text", "等次"), "scheme": ("text", "考核类别")})))


@bp.post("/<int:cadre_id>/sanctions")
@roles_required(*EDITORS)
def add_sanction(cadre_id: int):
    return _change(cadre_id, lambda: registry_edit.record_sanction(
        db.session(), current_actor(), now(), cadre_id, **posted_values.parse(request.form, {
            "kind": ("text", "类别"), "decided_on": ("date", "决定日期"), "impact_until": ("date", "影响期至"),
            "note": ("text", "说明")})))


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
        posted_values.parse(request.form, {"category": ("text", "岗位类别")})["category"]))


def _change(cadre_id: int, change):
    try:
        change()
    except InvalidData as invalid:
        db.rollback()
        return _render_detail(cadre_id, invalid.errors, 422)
    flash("已保存。", "ok")
    return redirect(url_for("registry.detail", cadre_id=cadre_id))


def _sections() -> list[Section]:
    return list(db.session().scalars(select(Section).order_by(Section.code)))
