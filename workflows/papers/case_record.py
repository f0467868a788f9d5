"""What the notices read from a case: each step's data as recorded when it was done, people's names, cadres' facts.

The case data is flat and a later step may overwrite a key an earlier one wrote (⑧'s ``notice_date`` and ⑮'s,
⑥'s ``meeting_date`` and ⑬'s), so a paper of a step reads that step's own submission from the record (the last
``task.completed`` of its BPMN id), and only the values the model derives afterwards from the case data.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Case
from storage.models import HumanTask
from storage.models import Section
from storage.models import User
from workflows.engine.clock import local_date
from workflows.engine.clock import parse_iso
from workflows.queries import case_reads
from workflows.queries.meeting import VoteRound
from workflows.queries.meeting import vote_rounds
from workflows.record import audit
from workflows.registry import codes
from workflows.vocabulary import Event


@dataclass
class Record:
    """A case as the papers read it."""

    case: Case
    data: dict  # the current case data (derived values: rankings, arithmetic, the publicity's end)
    steps: dict[str, dict] = field(default_factory=dict)  # BPMN id -> data of its last completion
    done_on: dict[str, date] = field(default_factory=dict)  # BPMN id -> Beijing date of its last completion
    done_seq: dict[str, int] = field(default_factory=dict)  # BPMN id -> seq of its last completion
    opened_on: dict[str, date] = field(default_factory=dict)  # BPMN id -> Beijing date it was first opened
    rounds: list[VoteRound] = field(default_factory=list)  # the party-group votes


def read(session: Session, case: Case) -> Record:
    """The record of ``case`` for the papers (one pass over its events)."""
    events = list(session.scalars(select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.type == Event.TASK_COMPLETED).order_by(AuditEvent.seq)))
    record = Record(case, case_reads.case_data(case), rounds=vote_rounds(events))
    for event in events:
        payload = audit.payload_of(event)
        step = payload.get("bpmn_id")
        if step:
            record.steps[step] = payload.get("data") or {}
            record.done_on[step] = local_date(parse_iso(event.at))
            record.done_seq[step] = event.seq
    for step, opened in session.execute(select(HumanTask.bpmn_id, HumanTask.created_at).where(
            HumanTask.case_id == case.id).order_by(HumanTask.created_at.desc())):
        record.opened_on[step] = local_date(opened if opened.tzinfo else opened.replace(tzinfo=UTC))
    return record


def names_of(session: Session, usernames) -> list[str]:
    """The users' display names, in the order given (a name unknown to the accounts stays as it is)."""
    usernames = [name for name in usernames or [] if name]
    known = dict(session.execute(select(User.username, User.display_name).where(User.username.in_(usernames))).all())
    return [known.get(name) or name for name in usernames]


def section_name(session: Session, code: str | None, data: dict) -> str:
    """A section's name from its code (the registry's, else the case's 职数 record)."""
    if not code:
        return ""
    name = session.scalar(select(Section.name).where(Section.code == code))
    return name or (data.get("headcount") or {}).get("section_name") or code


def cn_date(value) -> str:
    """"2026年9月28日" from a date or an ISO date; "" for none."""
    day = _day(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_month(value) -> str:
    """"1984年11月" from a date or an ISO date; "" for none."""
    day = _day(value)
    return f"{day.year}年{day.month}月" if day else ""


def _day(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Person:
    """A candidate as the papers describe them: registry facts, and the post held when the case recorded them."""

    staff_no: str
    name: str
    gender: str
    ethnicity: str
    birth: str  # 1984年11月
    native_place: str
    education: str  # 硕士研究生学历、硕士学位
    party: str  # 2005年6月加入中国共产党 / 群众
    party_join: str  # 2005年6月 / 群众 (the column of a table)
    work_start: str  # 2006年7月
    current_post: str  # 办公室副科长
    post_level: str = ""  # the level of the current post (section_chief …)
    is_leadership: bool = False


def _education(cadre: Cadre | None) -> str:
    if cadre is None:
        return ""
    level = codes.EDUCATION_LEVEL.get(cadre.ft_education_level or cadre.pt_education_level or "", "")
    degree = cadre.ft_degree or cadre.pt_degree or ""
    return "、".join(part for part in (level and f"{level}学历", degree and f"{degree}学位") if part)


def person(session: Session, staff_no: str, snapshot: dict | None) -> Person:
    """A candidate from the registry (personal facts) and ``snapshot``, the record a case step kept of them.

    The post is the snapshot's: after the appointment the registry holds the new post, the papers of the
    steps before it name the one held then.
    """
    cadre = session.scalar(select(Cadre).where(Cadre.staff_no == staff_no))
    snapshot = snapshot or {}
    gender = (cadre.gender if cadre else None) or snapshot.get("gender") or ""
    affiliation = (cadre.political_affiliation if cadre else None) or snapshot.get("political_affiliation") or ""
    joined = cadre.party_join_date if cadre else snapshot.get("party_join_date")
    if affiliation in ("cpc_member", "cpc_probationary") and joined:
        party, party_join = f"{cn_month(joined)}加入中国共产党", cn_month(joined)
    else:
        party = party_join = str(codes.POLITICAL_AFFILIATION.get(affiliation, affiliation))
    if snapshot.get("post_title"):
        post = f"{snapshot.get('section') or ''}{snapshot['post_title']}"
    else:
        current = cadre.current_post if cadre else None
        post = f"{current.section.name if current and current.section else ''}{current.title}" if current else ""
    return Person(
        staff_no=staff_no, name=(cadre.name if cadre else None) or snapshot.get("name") or staff_no,
        gender=str(codes.GENDER.get(gender, gender)), ethnicity=(cadre.ethnicity if cadre else "") or "",
        birth=cn_month(cadre.birth_date if cadre else snapshot.get("birth_date")),
        native_place=(cadre.native_place if cadre else "") or "", education=_education(cadre),
        party=party, party_join=party_join,
        work_start=cn_month(cadre.work_start_date if cadre else snapshot.get("work_start_date")),
        current_post=post, post_level=snapshot.get("post_level") or "",
        is_leadership=bool(snapshot.get("is_leadership")))


def snapshot_of(data: dict, staff_no: str, *keys: str) -> dict | None:
    """The record a step kept of ``staff_no`` under the first of ``keys`` that has it (``…_records``)."""
    for key in keys:
        value = data.get(key)
        rows = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        found = next((row for row in rows if isinstance(row, dict) and row.get("staff_no") == staff_no), None)
        if found:
            return found
    return None
