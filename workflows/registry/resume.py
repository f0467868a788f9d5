"""A cadre's 简历 as stored periods: edited as the text the form prints, or generated from the post history.

With no stored periods the form makes the 简历 from the posts (:func:`workflows.registry.personal.resume_lines`);
"generate" stores those periods so that the office can complete them (schooling, earlier employers).
Each change goes on record as ``registry.resume_updated`` with the text before and after.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models import ResumeEntry
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import InvalidData
from workflows.papers.approval_form import ResumeLine
from workflows.record import audit
from workflows.registry.cadre_records import get_cadre
from workflows.registry.personal import generated_resume
from workflows.registry.personal import stored_resume
from workflows.registry.personal_checks import month_text
from workflows.registry.personal_checks import parse_month
from workflows.registry.personal_checks import parse_resume_text
from workflows.registry.personal_checks import resume_text
from workflows.registry.personal_edit import require_editor
from workflows.text import joined
from workflows.text import t


def _future_errors(lines: list[ResumeLine], today: date) -> list[str]:
    """Periods that start or end after this month: a typing slip (2052 for 2025), the 简历 records the past."""
    this_month = today.replace(day=1)
    errors = []
    for number, line in enumerate(lines, start=1):
        if parse_month(line.start) > this_month or (line.end and parse_month(line.end) > this_month):
            errors.append(t("第 {number} 段经历（{start}--{end}）晚于本月 {month}", number=number, start=line.start,
                            end=line.end, month=month_text(this_month)))
    return errors


def checked_lines(text: str, today: date) -> list[ResumeLine]:
    """The periods of ``text``; :class:`InvalidData` names every bad line (key ``resume``)."""
    lines = parse_resume_text(text)
    errors = _future_errors(lines, today)
    if errors:
        raise InvalidData(t("简历有误：{problems}", problems=joined(errors)), {"resume": joined(errors)})
    return lines


def store_lines(session: Session, cadre_id: int, lines: list[ResumeLine]) -> None:
    """Store ``lines`` (checked) as the cadre's 简历 in place of the stored one."""
    session.execute(delete(ResumeEntry).where(ResumeEntry.cadre_id == cadre_id))
    session.add_all(ResumeEntry(cadre_id=cadre_id, position=position, start_month=parse_month(line.start),
                                end_month=parse_month(line.end) if line.end else None, text=line.text)
                    for position, line in enumerate(lines, start=1))


def _store(session: Session, actor: Actor, at: datetime, cadre, lines: list[ResumeLine], source: str) -> None:
    before = stored_resume(session, cadre)
    if before == lines:
        return
    store_lines(session, cadre.id, lines)
    session.flush()
    audit.append(session, type_="registry.resume_updated", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "source": source, "before": resume_text(before), "after": resume_text(lines)})


def set_resume(session: Session, actor: Actor, at: datetime, cadre_id: int, text: str) -> list[ResumeLine]:
    """Store the 简历 written as the form prints it; an empty text removes it (the form makes it from the posts)."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    lines = checked_lines(text or "", local_date(at))
    _store(session, actor, at, cadre, lines, "text")
    return lines


def generate_resume(session: Session, actor: Actor, at: datetime, cadre_id: int) -> list[ResumeLine]:
    """Store the periods made from the post history in place of the stored 简历, for the office to edit."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    lines = generated_resume(cadre)
    if not lines:
        raise InvalidData(t("该干部没有任职记录，无法生成简历"),
                          {"resume": t("{name} 没有任职记录，无法从任职经历生成简历", name=cadre.name)})
    _store(session, actor, at, cadre, lines, "posts")
    return lines
