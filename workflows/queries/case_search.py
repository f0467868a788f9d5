"""The auditor's search over every case: by cadre, process, status, period, step and actor, in SQL alone."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from sqlalchemy import JSON
from sqlalchemy import cast
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.orm import lazyload

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Case
from storage.models import ProcessSpec
from storage.models import User
from workflows.engine.clock import BEIJING
from workflows.processes import case_outcome
from workflows.queries.paging import PAGE_SIZE
from workflows.queries.paging import rows_before
from workflows.queries.text_search import ESCAPE
from workflows.queries.text_search import contains as _like
from workflows.queries.text_search import found_in
from workflows.vocabulary import Event

# Events that are someone acting in the case; a refused attempt (access.denied) is not.
ACTED_TYPES = tuple(event for event in Event if event != Event.ACCESS_DENIED)
# A cadre named in the record by staff number: at most this many cadres match one search text.
NAMED_CADRES = 20


@dataclass(frozen=True)
class Criteria:
    """What the auditor asks for; every field is optional."""

    cadre: str = ""
    process: str = ""
    status: str = ""
    started_from: date | None = None
    started_to: date | None = None
    step: str = ""
    actor: str = ""


@dataclass(frozen=True)
class Hit:
    """One case found."""

    case: Case
    process_name: str
    cadre_name: str | None
    cadre_staff_no: str | None


def _payload_field(session: Session, name: str):
    """The text of the top-level key ``name`` of an event's JSON payload, in the database's own JSON functions."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(AuditEvent.payload, JSON)[name].as_string()
    # SQLite reads JSON held as TEXT directly (a CAST to JSON would turn it into a number there).
    return type_coerce(AuditEvent.payload, JSON)[name].as_string()


def _of_case(*conditions):
    """That the case has an event meeting ``conditions`` (the (case_id, seq) index finds its events)."""
    return exists().where(AuditEvent.case_id == Case.id, *conditions)


def _cadre_filter(session: Session, text: str):
    named = list(session.scalars(select(Cadre.staff_no).where(
        or_(found_in(Cadre.name, text), found_in(Cadre.staff_no, text)))
        .order_by(Cadre.staff_no).limit(NAMED_CADRES)))
    # A case concerns a cadre, or its record names them by staff number (a roster, the appointee).
    mentions = [AuditEvent.payload.like(_like(f'"{staff_no}"'), escape=ESCAPE) for staff_no in named]
    conditions = [Case.cadre_id.in_(select(Cadre.id).where(Cadre.staff_no.in_(named)))] if named else []
    if mentions:
        conditions.append(_of_case(AuditEvent.type.in_((Event.CASE_STARTED, Event.TASK_COMPLETED)), or_(*mentions)))
    return or_(*conditions) if conditions else false()


def _step_filter(session: Session, text: str):
    name, bpmn_id = _payload_field(session, "name"), _payload_field(session, "bpmn_id")
    return _of_case(AuditEvent.type == Event.TASK_COMPLETED,
                    or_(bpmn_id == text, found_in(name, text)))


def _actor_filter(text: str):
    by_user = select(User.id).where(or_(found_in(User.username, text), found_in(User.display_name, text)))
    return _of_case(AuditEvent.type.in_(ACTED_TYPES),
                    or_(AuditEvent.actor_id.in_(by_user), found_in(AuditEvent.actor, text)))


def _beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BEIJING)


def conditions(session: Session, criteria: Criteria) -> list:
    """The WHERE clauses of a search."""
    found = []
    if criteria.cadre.strip():
        found.append(_cadre_filter(session, criteria.cadre.strip()))
    if criteria.process:
        found.append(Case.spec_id.in_(select(ProcessSpec.id).where(ProcessSpec.process_id == criteria.process)))
    if criteria.status:
        found.append(case_outcome.status_filter(criteria.status))
    if criteria.started_from:
        found.append(Case.started_at >= _beijing_midnight(criteria.started_from))
    if criteria.started_to:
        found.append(Case.started_at < _beijing_midnight(criteria.started_to + timedelta(days=1)))
    if criteria.step.strip():
        found.append(_step_filter(session, criteria.step.strip()))
    if criteria.actor.strip():
        found.append(_actor_filter(criteria.actor.strip()))
    return found


def search(session: Session, criteria: Criteria, page: int = 1) -> tuple[list[Hit], int]:
    """One page of the cases matching ``criteria``, newest first, and how many match in all."""
    # The count and the page's ids are read from the case indexes (0015, 0017) where the filters allow, not from
    # the rows (each one a page of the file, its workflow state beside it); only the page's rows are read whole.
    keys = select(Case.id).where(*conditions(session, criteria))
    total = session.scalar(select(func.count()).select_from(keys.subquery()))
    order = (Case.started_at.desc(), Case.id.desc())
    page_keys = keys.order_by(*order).limit(PAGE_SIZE).offset(rows_before(page, PAGE_SIZE)).subquery()
    rows = session.execute(
        select(Case, ProcessSpec.name, Cadre.name, Cadre.staff_no).join(page_keys, page_keys.c.id == Case.id)
        .join(ProcessSpec, ProcessSpec.id == Case.spec_id).outerjoin(Cadre, Cadre.id == Case.cadre_id)
        .order_by(*order).options(lazyload(Case.spec))).all()  # not its process version's forms, parsed, per row
    return [Hit(*row) for row in rows], total
