"""The bureau's local settings the rules take: the policy file and the calendar override table."""

import json
from datetime import date
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CalendarOverride
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import t


def load_policy(path: str | None) -> Policy:
    """The policy in a JSON file (missing keys keep their defaults); the defaults when there is none."""
    if not path:
        return DEFAULT_POLICY
    try:
        return Policy.from_mapping(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise RuntimeError(t("政策参数文件 {path} 有误：{error}", path=path, error=str(error))) from None


def calendar_overrides(session: Session) -> dict[date, bool]:
    """The local calendar changes as {day: is_workday}, for the working-day rules."""
    return {row.day: row.is_workday for row in session.scalars(select(CalendarOverride))}


def set_calendar_override(session: Session, actor: Actor, at: datetime, day: date, is_workday: bool,
                          note: str) -> CalendarOverride:
    """Close a day or open an extra working day locally; the change goes on record."""
    if not note or not note.strip() or len(note) > 200:
        raise InvalidData(t("调整说明有误"), {"note": t("「说明」为必填项，最多 200 个字符")})
    row = session.get(CalendarOverride, day) or CalendarOverride(day=day)
    row.is_workday, row.note = is_workday, note.strip()
    session.add(row)
    audit.append(session, type_="calendar.overridden", actor=actor, at=at, payload={
        "day": day.isoformat(), "is_workday": is_workday, "note": row.note})
    return row
