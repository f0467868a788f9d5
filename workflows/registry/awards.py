"""A cadre's awards and honours (奖励、荣誉称号), which with the sanctions make the form's 奖惩情况: added, corrected,
removed; each checked field by field and on record (``registry.award_added`` / ``_updated`` / ``_deleted``)."""

from datetime import date
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Award
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.record import audit
from workflows.registry.cadre_records import get_cadre
from workflows.registry.personal_checks import length_of
from workflows.registry.personal_edit import require_editor
from workflows.text import joined
from workflows.text import t

LABELS = {"awarded_on": t("获奖日期"), "title": t("奖励名称"), "granted_by": t("授予单位")}
FIRST_DAY = date(1950, 1, 1)


def check_award(values: dict, today: date) -> dict:
    """``values`` (awarded_on a date, title, granted_by) checked and stripped; :class:`InvalidData` names each."""
    errors: dict[str, str] = {}
    day = values.get("awarded_on")
    if day in (None, ""):
        errors["awarded_on"] = t("「{field}」为必填项", field=LABELS["awarded_on"])
    elif not isinstance(day, date):
        errors["awarded_on"] = t("「{field}」应为日期，格式 YYYY-MM-DD", field=LABELS["awarded_on"])
    elif not FIRST_DAY <= day <= today:
        errors["awarded_on"] = t("「{field}」应在 {first} 到今天之间", field=LABELS["awarded_on"],
                                 first=FIRST_DAY.isoformat())
    clean = {"awarded_on": day}
    for field, attribute in (("title", Award.title), ("granted_by", Award.granted_by)):
        text = str(values.get(field) or "").strip()
        if field == "title" and not text:
            errors[field] = t("「{field}」为必填项", field=LABELS[field])
        elif len(text) > length_of(attribute):
            errors[field] = t("「{field}」最多 {limit} 个字符，收到 {count} 个", field=LABELS[field],
                              limit=length_of(attribute), count=len(text))
        clean[field] = text
    if errors:
        raise InvalidData(t("奖励信息有误：{problems}", problems=joined(errors.values())), errors)
    return clean


def _payload(cadre, award: Award) -> dict:
    return {"cadre": cadre.staff_no, "award": award.id, "awarded_on": award.awarded_on.isoformat(),
            "title": award.title, "granted_by": award.granted_by}


def _stored(session: Session, cadre_id: int, award_id: int) -> Award:
    award = session.get(Award, award_id)
    if award is None or award.cadre_id != cadre_id:
        raise NotFound(t("奖励记录 {id} 不存在", id=award_id))
    return award


def add_award(session: Session, actor: Actor, at: datetime, cadre_id: int, values: dict) -> Award:
    """Record an award of the cadre."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    award = Award(cadre_id=cadre.id, **check_award(values, local_date(at)))
    session.add(award)
    session.flush()
    audit.append(session, type_="registry.award_added", actor=actor, at=at, payload=_payload(cadre, award))
    return award


def update_award(session: Session, actor: Actor, at: datetime, cadre_id: int, award_id: int,
                 values: dict) -> Award:
    """Correct a recorded award; the record keeps what it said before."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    award = _stored(session, cadre.id, award_id)
    clean = check_award(values, local_date(at))
    before = _payload(cadre, award)
    for field, value in clean.items():
        setattr(award, field, value)
    after = _payload(cadre, award)
    if after != before:
        audit.append(session, type_="registry.award_updated", actor=actor, at=at, payload={**after, "before": before})
    return award


def delete_award(session: Session, actor: Actor, at: datetime, cadre_id: int, award_id: int) -> None:
    """Remove a recorded award; the record keeps what it said."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    award = _stored(session, cadre.id, award_id)
    payload = _payload(cadre, award)
    session.delete(award)
    audit.append(session, type_="registry.award_deleted", actor=actor, at=at, payload=payload)
