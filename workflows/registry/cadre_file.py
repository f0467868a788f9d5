"""The cadre file's talks (谈心谈话), filings (备案) and leave periods: listed newest first, added, corrected, removed.

Each change is checked field by field (messages in Chinese), refused whole when a field is wrong, and goes on
record like the other registry edits (``registry.talk_added``, ``registry.filing_updated``,
``registry.leave_deleted`` …). A talk a procedure recorded belongs to that case's record: it is not changed by hand.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import TalkRecord
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.record import audit
from workflows.registry import cadre_file_codes as codes
from workflows.registry.cadre_records import get_cadre
from workflows.registry.codes import only
from workflows.text import joined
from workflows.text import t

FIRST_DAY = date(1950, 1, 1)  # anything earlier is a typing slip (0202 for 2022), not a date in a cadre's file
LEAVES_ATTACHED = 20  # the leave periods a case keeps of a cadre's record, newest first


def _length(attribute) -> int:
    return attribute.property.columns[0].type.length


@dataclass(frozen=True)
class Field:
    """One field of a record: its form (and error) key, the model column, label, type and limits."""

    key: str
    column: str
    label: str
    type: str  # date / choice / text
    required: bool = True
    max_length: int | None = None
    choices: dict | None = None
    empty: object = None  # what a blank optional field is stored as


@dataclass(frozen=True)
class RecordKind:
    """A kind of record in the cadre file: its name (URL part, audit event prefix), label, model and fields."""

    name: str
    label: str
    model: type
    fields: tuple[Field, ...]
    order: str  # the date column the file lists newest first

    @property
    def form(self) -> dict[str, tuple[str, str]]:
        """The fields as a posted form is read: {key: (date or text, label)}."""
        return {field.key: ("date" if field.type == "date" else "text", field.label) for field in self.fields}

    def values_of(self, row) -> dict:
        """A stored record's values by form key (an edit form starts from them)."""
        return {field.key: getattr(row, field.column) for field in self.fields}


TALK = RecordKind("talk", t("谈话记录"), TalkRecord, (
    Field("talk_date", "held_on", t("谈话日期"), "date"),
    Field("talk_kind", "kind", t("谈话类型"), "choice", choices=codes.TALK_KIND),
    Field("talkers", "talkers", t("谈话人"), "text", max_length=_length(TalkRecord.talkers)),
    Field("summary", "summary", t("谈话内容"), "text", max_length=codes.TALK_SUMMARY_MAX)), "held_on")
FILING = RecordKind("filing", t("备案"), Filing, (
    Field("filed_on", "filed_on", t("备案日期"), "date"),
    Field("filing_kind", "kind", t("备案类别"), "choice", choices=codes.FILING_KIND),
    Field("content", "content", t("备案内容"), "text", max_length=codes.FILING_CONTENT_MAX),
    Field("document_no", "document_no", t("文号"), "text", False, _length(Filing.document_no))), "filed_on")
LEAVE = RecordKind("leave", t("请假记录"), LeavePeriod, (
    Field("leave_kind", "kind", t("请假类别"), "choice", choices=codes.LEAVE_KIND),
    Field("leave_start", "start_date", t("请假起始日期"), "date"),
    Field("leave_end", "end_date", t("请假结束日期"), "date"),
    Field("leave_note", "note", t("备注"), "text", False, _length(LeavePeriod.note), empty="")), "start_date")
KINDS = {kind.name: kind for kind in (TALK, FILING, LEAVE)}


def records_of(session: Session, kind: RecordKind, cadre_id: int) -> list:
    """A cadre's records of ``kind``, newest first."""
    model = kind.model
    return list(session.scalars(select(model).where(model.cadre_id == cadre_id)
                                .order_by(getattr(model, kind.order).desc(), model.id.desc())))


def _check_field(field: Field, value, today: date | None) -> str | None:
    """What is wrong with one filled field, or None."""
    if field.type == "date":
        if not isinstance(value, date):
            return t("「{field}」应为日期，格式 YYYY-MM-DD", field=field.label)
        if value < FIRST_DAY:
            return t("「{field}」不能早于 {day}", field=field.label, day=FIRST_DAY.isoformat())
        if today is not None and value > today:
            return t("「{field}」不能晚于今天：记录的是已发生的事项", field=field.label)
    elif field.type == "choice" and value not in field.choices:
        return only(field.label, field.choices)
    elif field.type == "text" and not isinstance(value, str):
        return t("「{field}」应为文字", field=field.label)
    elif field.type == "text" and len(value) > field.max_length:
        return t("「{field}」最多 {limit} 个字符，收到 {count} 个", field=field.label, limit=field.max_length,
                 count=len(value))
    return None


def check(session: Session, kind: RecordKind, cadre_id: int, values: dict, today: date | None,
          record_id: int | None = None) -> dict:
    """``values`` (by form key) checked and turned into column values; :class:`InvalidData` names every bad field.

    ``today`` bounds the dates of what has already happened (talks, filings; a leave may be planned ahead);
    None leaves them unbounded. ``record_id`` is the record being corrected, which a leave may overlap.
    """
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    for field in kind.fields:
        value = values.get(field.key)
        value = value.strip() if isinstance(value, str) else value
        if value in (None, ""):
            if field.required:
                errors[field.key] = t("「{field}」为必填项", field=field.label)
            clean[field.column] = field.empty
            continue
        problem = _check_field(field, value, None if kind is LEAVE else today)
        if problem:
            errors[field.key] = problem
        clean[field.column] = value
    if kind is LEAVE and not errors:
        errors.update(_leave_errors(session, cadre_id, clean["start_date"], clean["end_date"], record_id))
    if errors:
        raise InvalidData(t("{record}有误：{problems}", record=kind.label, problems=joined(errors.values())), errors)
    return clean


def _leave_errors(session: Session, cadre_id: int, start: date, end: date, record_id: int | None) -> dict:
    if end < start:
        return {"leave_end": t("「{field}」不能早于起始日期 {day}", field=t("请假结束日期"),
                               day=start.isoformat())}
    # One person is on one leave at a time: an overlap would count the same days twice.
    other = session.scalar(select(LeavePeriod).where(
        LeavePeriod.cadre_id == cadre_id, LeavePeriod.start_date <= end, LeavePeriod.end_date >= start,
        LeavePeriod.id != (record_id or 0)).order_by(LeavePeriod.start_date))
    if other is None:
        return {}
    kind = codes.LEAVE_KIND.get(other.kind, other.kind)
    return {"leave_start": t("与已登记的{kind} {start} 至 {end} 重叠", kind=kind, start=other.start_date.isoformat(),
                             end=other.end_date.isoformat())}


def _shown(value):
    return value.isoformat() if isinstance(value, date) else value


def _plain(values: dict) -> dict:
    return {name: _shown(value) for name, value in values.items()}


def add(session: Session, actor: Actor, at: datetime, kind: RecordKind, cadre_id: int, values: dict, *,
        case_id: int | None = None):
    """Add a record to a cadre's file; ``case_id`` when a procedure's task made it (its form bounds the date)."""
    cadre = get_cadre(session, cadre_id)
    clean = check(session, kind, cadre.id, values, None if case_id else local_date(at))
    row = kind.model(cadre_id=cadre.id, **clean, created_by_id=actor.user_id, created_at=at)
    if case_id is not None:
        row.case_id = case_id
    session.add(row)
    session.flush()
    audit.append(session, type_=f"registry.{kind.name}_added", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "id": row.id, **({"case_id": case_id} if case_id else {}), "values": _plain(clean)})
    return row


def stored(session: Session, kind: RecordKind, cadre_id: int, record_id: int):
    """(cadre, record) of a record that may be changed by hand: :class:`NotFound`, or refused when a case made it."""
    cadre = get_cadre(session, cadre_id)
    row = session.get(kind.model, record_id)
    if row is None or row.cadre_id != cadre.id:
        raise NotFound(t("{name}的{record} {id} 不存在", name=cadre.name, record=kind.label, id=record_id))
    case_id = getattr(row, "case_id", None)
    if case_id is not None:
        case = session.get(Case, case_id)
        title = t("「{title}」", title=case.title) if case else str(case_id)
        message = t("该{record}由案件{case}办理时记录，属于该案件的纪实，不能在此修改或删除", record=kind.label,
                    case=title)
        raise InvalidData(message, {"case": message})
    return cadre, row


def update(session: Session, actor: Actor, at: datetime, kind: RecordKind, cadre_id: int, record_id: int,
           values: dict):
    """Correct a record; only what changed goes on record."""
    cadre, row = stored(session, kind, cadre_id, record_id)
    clean = check(session, kind, cadre.id, values, local_date(at), row.id)
    changes = {column: [_shown(old), _shown(value)] for column, value in clean.items()
               if (old := getattr(row, column)) != value}
    for column in changes:
        setattr(row, column, clean[column])
    if changes:
        audit.append(session, type_=f"registry.{kind.name}_updated", actor=actor, at=at, payload={
            "cadre": cadre.staff_no, "id": row.id, "changes": changes})
    return row


def delete(session: Session, actor: Actor, at: datetime, kind: RecordKind, cadre_id: int, record_id: int) -> None:
    """Remove a record entered by mistake; what it said stays in the record of the deletion."""
    cadre, row = stored(session, kind, cadre_id, record_id)
    values = _plain({field.column: getattr(row, field.column) for field in kind.fields})
    session.delete(row)
    session.flush()
    audit.append(session, type_=f"registry.{kind.name}_deleted", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "id": record_id, "values": values})


def leave_record(session: Session, cadre_id: int) -> list[dict]:
    """A cadre's leave periods as a case keeps them (kind, first and last day), newest first and few."""
    rows = session.scalars(select(LeavePeriod).where(LeavePeriod.cadre_id == cadre_id)
                           .order_by(LeavePeriod.start_date.desc()).limit(LEAVES_ATTACHED))
    return [{"kind": row.kind, "start": row.start_date.isoformat(), "end": row.end_date.isoformat()} for row in rows]
