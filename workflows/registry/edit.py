"""Changing the registry by hand: a cadre's personal fields, a new appointment, an assessment, a sanction.

Each change is validated field by field (messages in Chinese) and goes on record.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AnnualAssessment
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.record.canonical import sha256_hex
from workflows.registry import codes as codes
from workflows.registry.cadre_records import age_on
from workflows.registry.cadre_records import get_cadre
from workflows.registry.personal_checks import identity_agreement
from workflows.registry.workbook.importing import ImportSummary
from workflows.registry.workbook.importing import import_cadres
from workflows.registry.workbook.importing import read_workbook
from workflows.text import joined
from workflows.text import t

PERSON_CHOICES = {
    "gender": codes.GENDER, "political_affiliation": codes.POLITICAL_AFFILIATION,
    "staff_category": codes.STAFF_CATEGORY, "retirement_category": codes.RETIREMENT_CATEGORY,
    "ft_education_level": codes.EDUCATION_LEVEL, "pt_education_level": codes.EDUCATION_LEVEL,
}
PERSON_LABELS = {
    "name": t("姓名"), "gender": t("性别"), "birth_date": t("出生日期"), "ethnicity": t("民族"),
    "political_affiliation": t("政治面貌"), "party_join_date": t("入党时间"), "work_start_date": t("参加工作时间"),
    "staff_category": t("人员类别"), "retirement_category": t("退休类别"), "ft_education_level": t("全日制学历"),
    "ft_degree": t("全日制学位"), "ft_school": t("毕业院校"), "ft_major": t("所学专业"),
    "pt_education_level": t("在职学历"), "pt_degree": t("在职学位"), "under_investigation": t("是否正在接受审查"),
}
REQUIRED = ("name", "gender", "birth_date", "ethnicity", "political_affiliation", "staff_category",
            "retirement_category")


def check_person(values: dict, today: date) -> dict:
    """The person fields, checked; :class:`InvalidData` lists every bad field."""
    errors: dict[str, str] = {}
    for field in REQUIRED:
        if values.get(field) in (None, ""):
            errors[field] = t("「{field}」为必填项", field=PERSON_LABELS[field])
    for field, choices in PERSON_CHOICES.items():
        if values.get(field) not in (None, "") and values[field] not in choices:
            errors[field] = codes.only(PERSON_LABELS[field], choices)
    birth = values.get("birth_date")
    if isinstance(birth, date) and not 16 <= age_on(birth, today) <= 70:
        errors["birth_date"] = t("「出生日期」不合理：年龄应在 16 到 70 岁之间")
    for field in ("party_join_date", "work_start_date"):
        day = values.get(field)
        if isinstance(day, date) and isinstance(birth, date) and day < birth:
            errors[field] = t("「{field}」不能早于出生日期", field=PERSON_LABELS[field])
        if isinstance(day, date) and day > today:
            errors[field] = t("「{field}」不能晚于今天", field=PERSON_LABELS[field])
    for field, label in PERSON_LABELS.items():
        # Each text field as long as its column holds: PostgreSQL refuses a longer one (SQLite would keep it).
        limit = getattr(Cadre.__table__.c[field].type, "length", None)
        if limit and len(str(values.get(field) or "")) > limit:
            errors[field] = t("「{field}」最多 {limit} 个字符", field=label, limit=limit)
    if errors:
        raise InvalidData(t("干部信息有误：{problems}", problems=joined(errors.values())), errors)
    return values


def update_person(session: Session, actor: Actor, at: datetime, cadre_id: int, values: dict) -> Cadre:
    """Change a cadre's personal fields; the changes go on record."""
    cadre = get_cadre(session, cadre_id)
    merged = check_person({**{f: getattr(cadre, f) for f in PERSON_LABELS}, **values}, local_date(at))
    if cadre.identity_no:  # the number certifies the date of birth and the sex: a change must agree with it
        problems = identity_agreement(cadre.identity_no, merged)
        if problems:
            field = "birth_date" if merged["birth_date"] != cadre.birth_date else "gender"
            raise InvalidData(t("干部信息有误：{problems}", problems=problems["identity_no"]),
                              {field: problems["identity_no"]})
    changed = {field: [_plain(getattr(cadre, field)), _plain(value)] for field, value in values.items()
               if field in PERSON_LABELS and getattr(cadre, field) != value}
    for field, (_old, _new) in changed.items():
        setattr(cadre, field, values[field])
    if changed:
        audit.append(session, type_="registry.updated", actor=actor, at=at,
                     payload={"cadre": cadre.staff_no, "changes": changed})
    return cadre


def appoint(session: Session, actor: Actor, at: datetime, cadre_id: int, post: dict) -> Post:
    """Record a new current post: the open one ends the day the new one starts."""
    cadre = get_cadre(session, cadre_id)
    errors = {}
    start = post.get("start_date")
    if not isinstance(start, date):
        errors["start_date"] = t("「{field}」为必填项", field=t("任现职日期"))
    if not post.get("title"):
        errors["title"] = t("「{field}」为必填项", field=t("职务"))
    if post.get("level") not in (None, "", *codes.POST_LEVEL):
        errors["level"] = codes.only(t("职务层次"), codes.POST_LEVEL)
    if post.get("category") not in (None, "", *codes.POST_CATEGORY):
        errors["category"] = codes.only(t("岗位类别"), codes.POST_CATEGORY)
    if post.get("appointment_mode") not in codes.APPOINTMENT_MODE:
        errors["appointment_mode"] = codes.only(t("任职方式"), codes.APPOINTMENT_MODE)
    section_id = post.get("section_id")
    if section_id is not None and session.get(Section, section_id) is None:
        errors["section_id"] = t("「{field}」不存在", field=t("科室"))
    current = cadre.current_post
    if isinstance(start, date) and current is not None and start <= current.start_date:
        errors["start_date"] = t("「{field}」应晚于现任职务的起始日期 {day}", field=t("任现职日期"),
                                 day=current.start_date.isoformat())
    if errors:
        raise InvalidData(t("任职信息有误：{problems}", problems=joined(errors.values())), errors)
    if current is not None:
        current.end_date, current.end_reason = start, f"改任{post['title']}"
    cadre.post_text = None  # a written 现任职务 described the post this appointment ends
    same_post = current is not None and current.section_id == section_id and current.title == post["title"]
    new = Post(cadre=cadre, section_id=section_id, title=post["title"], level=post.get("level") or None,
               is_leadership=bool(post.get("is_leadership")), civil_service_rank=post.get("civil_service_rank"),
               decision_date=post.get("decision_date") or start, notice_date=post.get("notice_date"),
               start_date=start, same_post_start=current.same_post_start if same_post else start,
               appointment_mode=post["appointment_mode"], probation_start=post.get("probation_start"),
               probation_end=post.get("probation_end"), category=post.get("category") or None)
    session.add(new)
    session.flush()
    audit.append(session, type_="registry.appointed", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "title": new.title, "section_id": section_id, "start_date": start.isoformat(),
        "appointment_mode": new.appointment_mode, **({"category": new.category} if new.category else {})})
    return new


def classify_post(session: Session, actor: Actor, at: datetime, cadre_id: int, category: str | None) -> Post:
    """Set the 岗位类别 of the current post (no new appointment: the post and its ten years stay as they are)."""
    cadre = get_cadre(session, cadre_id)
    current = cadre.current_post
    if current is None:
        raise InvalidData(t("该干部没有现任职务"),
                          {"category": t("{name} 没有现任职务，无法设定岗位类别", name=cadre.name)})
    if category not in (None, "", *codes.POST_CATEGORY):
        raise InvalidData(t("岗位类别有误"), {"category": codes.only(t("岗位类别"), codes.POST_CATEGORY)})
    category = category or None
    if current.category != category:
        audit.append(session, type_="registry.updated", actor=actor, at=at, payload={
            "cadre": cadre.staff_no, "changes": {"post_category": [current.category, category]}})
        current.category = category
    return current


def record_assessment(session: Session, actor: Actor, at: datetime, cadre_id: int, year: int, grade: str,
                      scheme: str = "civil_servant") -> AnnualAssessment:
    """Enter or correct one year's annual assessment grade."""
    cadre = get_cadre(session, cadre_id)
    errors = {}
    if not isinstance(year, int) or not 1990 <= year <= at.year:
        errors["year"] = t("「{field}」应在 {first} 到 {last} 之间", field=t("年度"), first=1990, last=at.year)
    if grade not in codes.ANNUAL_GRADE:
        errors["grade"] = codes.only(t("等次"), codes.ANNUAL_GRADE)
    if scheme not in codes.ASSESSMENT_SCHEME:
        errors["scheme"] = codes.only(t("考核类别"), codes.ASSESSMENT_SCHEME)
    if errors:
        raise InvalidData(t("考核信息有误：{problems}", problems=joined(errors.values())), errors)
    row = session.scalar(select(AnnualAssessment).where(AnnualAssessment.cadre_id == cadre.id,
                                                        AnnualAssessment.year == year))
    previous = row.grade if row else None
    if row is None:
        row = AnnualAssessment(cadre_id=cadre.id, year=year, grade=grade, scheme=scheme)
        session.add(row)
    row.grade, row.scheme = grade, scheme
    audit.append(session, type_="registry.assessed", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "year": year, "grade": grade, "previous": previous})
    return row


def record_sanction(session: Session, actor: Actor, at: datetime, cadre_id: int, kind: str, decided_on,
                    impact_until, note: str = "") -> Sanction:
    """Enter a sanction with the end of its impact period."""
    cadre = get_cadre(session, cadre_id)
    errors = {}
    if not kind or len(kind) > 60:
        errors["kind"] = t("「{field}」为必填项，最多 {limit} 个字符", field=t("类别"), limit=60)
    if not isinstance(decided_on, date):
        errors["decided_on"] = t("「{field}」为必填项", field=t("决定日期"))
    if isinstance(decided_on, date) and isinstance(impact_until, date) and impact_until < decided_on:
        errors["impact_until"] = t("「影响期至」不能早于决定日期")
    if errors:
        raise InvalidData(t("处分信息有误：{problems}", problems=joined(errors.values())), errors)
    row = Sanction(cadre_id=cadre.id, kind=kind, decided_on=decided_on, impact_until=impact_until, note=note or "")
    session.add(row)
    audit.append(session, type_="registry.sanctioned", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "kind": kind, "decided_on": decided_on.isoformat(),
        "impact_until": impact_until.isoformat() if impact_until else None})
    return row


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def import_file(session: Session, actor: Actor, at: datetime, data: bytes, filename: str,
                on_progress=None) -> ImportSummary:
    """Import a registry workbook or CSV, all or nothing; the import goes on record with the file's hash."""
    summary = import_cadres(session, read_workbook(data, filename), on_progress)
    audit.append(session, type_="registry.imported", actor=actor, at=at, payload={
        "file": filename, "sha256": sha256_hex(data), "summary": str(summary)})
    return summary


def close_probation(session: Session, actor: Actor, at: datetime, cadre_id: int, result: str,
                    return_date: date | None) -> Post:
    """End the probation year of the current post: confirmed, or failed with the return to the former post."""
    cadre = get_cadre(session, cadre_id)
    current = cadre.current_post
    if current is None or current.probation_end is None or current.probation_result is not None:
        raise InvalidData(t("该干部当前职务不在试用期"), {"cadre": t("{name} 当前职务不在试用期", name=cadre.name)})
    if result not in codes.PROBATION_RESULT:
        raise InvalidData(t("试用期结果有误"), {"result": codes.only(t("试用期结果"), codes.PROBATION_RESULT)})
    current.probation_result = result
    audit.append(session, type_="registry.probation_closed", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "post": current.title, "result": result})
    if result == "passed":
        return current
    former = next((post for post in reversed(cadre.posts) if post is not current), None)
    if former is None or return_date is None:
        raise InvalidData(t("无法恢复原职务"), {"return_date": t("试用期不胜任时须有原职务记录和恢复日期")})
    # 试用期不胜任: the probationary post is removed and the cadre returns to the former level.
    return appoint(session, actor, at, cadre.id, {
        "section_id": former.section_id, "title": former.title, "level": former.level,
        "is_leadership": former.is_leadership, "civil_service_rank": former.civil_service_rank,
        "start_date": return_date, "appointment_mode": "demotion"})
