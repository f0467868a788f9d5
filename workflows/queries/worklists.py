"""The lists people work from: a reviewer's inbox by tab, and the organiser's cases with where each one stands."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import LANE_ROLES
from workflows.actors import Actor
from workflows.processes import case_outcome

MINE = "mine"
SORTS = {"due": (HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at),
         "oldest": (HumanTask.created_at,), "newest": (HumanTask.created_at.desc(),)}
PAGE_SIZE = 50
INBOX_PAGE = 100


def visible_tasks(actor: Actor):
    """Open tasks of my roles (not assigned to someone else) and those assigned to me."""
    of_my_roles = HumanTask.lane.in_(sorted(actor.roles)) & HumanTask.assignee_id.is_(None)
    return (HumanTask.status == "open") & or_(HumanTask.assignee_id == actor.user_id, of_my_roles)


def tab_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many open tasks each tab holds: one per lane role I hold, and "mine" (assigned to or claimed by me)."""
    roles = sorted(set(actor.roles) & set(LANE_ROLES))
    by_lane = dict(session.execute(
        select(HumanTask.lane, func.count()).where(HumanTask.status == "open", HumanTask.assignee_id.is_(None),
                                                   HumanTask.lane.in_(roles)).group_by(HumanTask.lane)).all())
    counts = {role: by_lane.get(role, 0) for role in roles}
    counts[MINE] = session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.status == "open",
        or_(HumanTask.assignee_id == actor.user_id, HumanTask.claimed_by_id == actor.user_id)))
    return counts


def inbox_count(session: Session, actor: Actor) -> int:
    """All the open tasks I can act on (the number in the navigation)."""
    return session.scalar(select(func.count()).select_from(HumanTask).where(visible_tasks(actor)))


def inbox(session: Session, actor: Actor, *, tab: str | None = None, sort: str = "due",
          process: str | None = None, text: str = "", page: int = 1) -> list[tuple[HumanTask, str, str]]:
    """(task, case title, process name) of a tab, filtered, sorted, one page of ``INBOX_PAGE`` rows.

    ``tab`` None is everything I can act on.
    """
    query = (select(HumanTask, Case.title, ProcessSpec.name).join(Case, Case.id == HumanTask.case_id)
             .join(ProcessSpec, ProcessSpec.id == Case.spec_id).where(visible_tasks(actor)))
    if tab == MINE:
        query = query.where(or_(HumanTask.assignee_id == actor.user_id, HumanTask.claimed_by_id == actor.user_id))
    elif tab:
        query = query.where(HumanTask.lane == tab, HumanTask.assignee_id.is_(None))
    if process:
        query = query.where(ProcessSpec.process_id == process)
    if text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(Case.title.ilike(like), Case.subject.ilike(like), HumanTask.name.ilike(like)))
    query = (query.order_by(*SORTS.get(sort, SORTS["due"]), HumanTask.id)
             .limit(INBOX_PAGE).offset((max(page, 1) - 1) * INBOX_PAGE))
    return [tuple(row) for row in session.execute(query)]


@dataclass
class CaseRow:
    """One line of "my cases": where the case stands and who holds it."""

    case: Case
    process: str
    steps: list[str]
    holders: list[str]
    overdue: bool
    days_open: int


def cases(session: Session, actor: Actor, at: datetime, *, status: str | None = "running", process: str | None = None,
          text: str = "", mine: bool = True, page: int = 1) -> tuple[list[CaseRow], int]:
    """The cases I started (or all, for the office), newest first, with their open steps; and the total."""
    query = select(Case, ProcessSpec.name).join(ProcessSpec, ProcessSpec.id == Case.spec_id)
    if mine:
        query = query.where(Case.started_by_id == actor.user_id)
    if status:
        query = query.where(case_outcome.status_filter(status))
    if process:
        query = query.where(ProcessSpec.process_id == process)
    if text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(Case.title.ilike(like), Case.subject.ilike(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    found = session.execute(query.order_by(Case.started_at.desc(), Case.id.desc())
                            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    open_rows = defaultdict(list)
    if found:
        holder = User.display_name
        rows = session.execute(
            select(HumanTask, holder).outerjoin(User, User.id == func.coalesce(HumanTask.claimed_by_id,
                                                                               HumanTask.assignee_id))
            .where(HumanTask.case_id.in_([case.id for case, _ in found]), HumanTask.status == "open"))
        for task, name in rows:
            open_rows[task.case_id].append((task, name))
    return [CaseRow(case, name, [task.name for task, _ in open_rows[case.id]],
                    sorted({person or task.lane or "—" for task, person in open_rows[case.id]}),
                    any(task.due_at is not None and task.due_at < at for task, _ in open_rows[case.id]),
                    ((case.ended_at or at) - case.started_at).days)
            for case, name in found], total
