"""The lists people work from: a reviewer's inbox by tab, and the organiser's cases with where each one stands."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import lazyload
from sqlalchemy.sql import operators

from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User
from workflows import access
from workflows.actors import LANE_ROLES
from workflows.actors import Actor
from workflows.processes import case_outcome
from workflows.queries.paging import INBOX_PAGE
from workflows.queries.paging import PAGE_SIZE
from workflows.queries.paging import past
from workflows.queries.paging import rows_before
from workflows.queries.text_search import found_in

MINE = "mine"


def _order(tasks, sort: str) -> tuple:
    """The ORDER BY of an inbox sorted by ``sort`` ("due" by default), over the columns ``tasks`` holds."""
    orders = {"due": (tasks.due_at.is_(None), tasks.due_at, tasks.created_at), "oldest": (tasks.created_at,),
              "newest": (tasks.created_at.desc(),)}
    return (*orders.get(sort, orders["due"]), tasks.id)


# The columns that place a task in the "oldest" order, for paging past a task (the API's inbox).
OLDEST_KEY = (HumanTask.created_at, HumanTask.id)


def _mine(actor: Actor):
    """The tab "mine": tasks assigned to or claimed by me."""
    return or_(HumanTask.assignee_id == actor.user_id, HumanTask.claimed_by_id == actor.user_id)


def tab_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many open tasks each tab holds: one per lane role I hold, and "mine" (assigned to or claimed by me)."""
    return inbox_counts(session, actor)[0]


def inbox_counts(session: Session, actor: Actor) -> tuple[dict[str, int], int]:
    """The tabs' counts (:func:`tab_counts`) and the number of all the open tasks I can act on (:func:`inbox_count`).

    The inbox page shows both: one count grouped by lane and by whether a task is assigned gives the lanes' and the
    total, where each was a count of its own over the same index entries.
    """
    unassigned = HumanTask.assignee_id.is_(None).label("unassigned")
    groups = session.execute(select(HumanTask.lane, unassigned, func.count()).where(access.inbox_condition(actor))
                             .group_by(HumanTask.lane, unassigned)).all()
    by_lane = {lane: count for lane, is_unassigned, count in groups if is_unassigned}
    roles = sorted(set(actor.roles) & set(LANE_ROLES))
    counts = {role: by_lane.get(role, 0) for role in roles}
    # Unlike the tab's list, the count keeps a task I claimed whose lane I no longer hold (as it always did).
    counts[MINE] = session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.status == "open", _mine(actor)))
    return counts, sum(count for _lane, _is_unassigned, count in groups)


def inbox_count(session: Session, actor: Actor) -> int:
    """All the open tasks I can act on (the number in the navigation)."""
    return session.scalar(select(func.count()).select_from(HumanTask).where(access.inbox_condition(actor)))


@dataclass
class InboxPage:
    """One page of an inbox: (task, case title, process name) rows, and whether another page follows."""

    rows: list[tuple[HumanTask, str, str]]
    more: bool

    @property
    def tasks(self) -> list[HumanTask]:
        return [task for task, _, _ in self.rows]


def inbox(session: Session, actor: Actor, *, tab: str | None = None, sort: str = "due", process: str | None = None,
          text: str = "", page: int = 1, per_page: int = INBOX_PAGE, after: tuple | None = None) -> InboxPage:
    """The inbox query, for every caller: a tab's tasks, filtered, sorted, one page of ``per_page`` rows.

    ``tab`` None is everything I can act on; ``sort`` "oldest" is the order tasks arrived in, and there
    ``after`` (a task's ``OLDEST_KEY`` values) starts the page after that task instead of at ``page``.
    """
    # The page's task ids first, from the open tasks' index alone (models.HumanTask); then only those rows are read
    # with their case's title. The case is read before the page only when a filter reads it.
    keys = select(HumanTask.id).where(access.inbox_condition(actor))
    if tab == MINE:
        keys = keys.where(_mine(actor))
    elif tab:
        keys = keys.where(HumanTask.lane == tab, HumanTask.assignee_id.is_(None))
    if after is not None:
        if sort != "oldest":
            raise ValueError("a task's key places it in the oldest-first order only")
        keys = keys.where(past(OLDEST_KEY, after))
    if (process or text.strip()) and session.get_bind().dialect.name == "postgresql":
        keys, keys_order = _filtered_in_order(keys, sort, process, text.strip())
    else:
        keys, keys_order = _filtered(keys, process, text.strip()), _order(HumanTask, sort)
    # One row more than the page tells whether a next page follows.
    page_keys = keys.order_by(*keys_order).limit(per_page + 1).offset(rows_before(page, per_page)).subquery()
    order = _order(HumanTask, sort)
    query = (select(HumanTask, Case.title, ProcessSpec.name).join(page_keys, page_keys.c.id == HumanTask.id)
             .join(Case, Case.id == HumanTask.case_id).join(ProcessSpec, ProcessSpec.id == Case.spec_id)
             .order_by(*order))
    rows = [tuple(row) for row in session.execute(query)]
    return InboxPage(rows[:per_page], len(rows) > per_page)


def _filtered(keys, process: str | None, text: str):
    """``keys`` of the tasks whose case is of ``process`` and whose case or name holds ``text``."""
    versions = select(ProcessSpec.id).where(ProcessSpec.process_id == process)
    if text:
        keys = keys.join(Case, Case.id == HumanTask.case_id).where(
            or_(found_in(Case.title, text), found_in(Case.subject, text), found_in(HumanTask.name, text)))
        return keys.where(Case.spec_id.in_(versions)) if process else keys
    # Each task's case looked up by its key (joined, the planner could read every case of the process).
    case_version = select(Case.spec_id).where(Case.id == HumanTask.case_id).scalar_subquery()
    return keys.where(case_version.in_(versions)) if process else keys


def _filtered_in_order(keys, sort: str, process: str | None, text: str):
    """:func:`_filtered` for PostgreSQL: the tasks in the page's order first, then their cases until a page is full.

    Joined as :func:`_filtered` joins them, PostgreSQL read every one of the office's 3,269 tasks' cases (a merge
    join along all 100,000 cases, or two parallel workers) before sorting; sorted first, in a subquery that OFFSET 0
    keeps from being merged into the join, a page of a hundred reads about as many cases. SQLite's join is faster.
    """
    # The order's keys are columns of the subquery, so that the planner sees the outer order is the inner one.
    order = _order(HumanTask, sort)
    descending = [getattr(key, "modifier", None) is operators.desc_op for key in order]
    ranked_by = [(key.element if down else key).label(f"key{n}")
                 for n, (key, down) in enumerate(zip(order, descending, strict=True))]
    ranked = keys.add_columns(HumanTask.case_id, HumanTask.name, *ranked_by).order_by(*order).offset(0).subquery()
    found = select(ranked.c.id).join(Case, Case.id == ranked.c.case_id)
    if process:
        found = found.where(Case.spec_id.in_(select(ProcessSpec.id).where(ProcessSpec.process_id == process)))
    if text:
        found = found.where(or_(found_in(Case.title, text), found_in(Case.subject, text),
                                found_in(ranked.c.name, text)))
    return found, [ranked.c[f"key{n}"].desc() if down else ranked.c[f"key{n}"] for n, down in enumerate(descending)]


# The columns that place a case in the newest-first order, for paging past a case (the API's cases).
NEWEST_KEY = (Case.started_at, Case.id)


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
          text: str = "", mine: bool = True, page: int = 1, per_page: int = PAGE_SIZE,
          after: tuple | None = None) -> tuple[list[CaseRow], int]:
    """The cases I started (or all, for the office), newest first, with their open steps; and the total.

    ``after`` (a case's ``NEWEST_KEY`` values) starts the page after that case instead of at ``page``; the
    total counts the whole list all the same.
    """
    # The count and the page's ids come from the case indexes (0015, 0017) where the filters allow, not from the
    # rows (each one a page of the file, its workflow state beside it); only the page's rows are read whole.
    query = select(Case.id)
    if mine:
        query = query.where(Case.started_by_id == actor.user_id)
    if status:
        query = query.where(case_outcome.status_filter(status))
    if process:
        query = query.where(Case.spec_id.in_(select(ProcessSpec.id).where(ProcessSpec.process_id == process)))
    if text.strip():
        query = query.where(or_(found_in(Case.title, text.strip()), found_in(Case.subject, text.strip())))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    if after is not None:
        query = query.where(past(NEWEST_KEY, after, descending=True))
    order = (Case.started_at.desc(), Case.id.desc())
    page_keys = query.order_by(*order).limit(per_page).offset(rows_before(page, per_page)).subquery()
    found = session.execute(select(Case, ProcessSpec.name).join(page_keys, page_keys.c.id == Case.id)
                            .join(ProcessSpec, ProcessSpec.id == Case.spec_id).order_by(*order)
                            .options(lazyload(Case.spec))).all()  # not its process version's forms, parsed, per row
    open_rows = defaultdict(list)
    if found:
        holder = User.display_name
        rows = session.execute(
            select(HumanTask, holder).outerjoin(User, User.id == func.coalesce(HumanTask.claimed_by_id,
                                                                               HumanTask.assignee_id))
            # Found by the case ids' index: SQLite (without statistics) would read every open task by the status
            # one instead (at 100,000 cases, 10,000 rows for a page's 50 cases), so the status is not offered to it.
            .where(HumanTask.case_id.in_([case.id for case, _ in found]),
                   func.coalesce(HumanTask.status, "") == "open"))
        for task, name in rows:
            open_rows[task.case_id].append((task, name))
    return [CaseRow(case, name, [task.name for task, _ in open_rows[case.id]],
                    sorted({person or task.lane or "—" for task, person in open_rows[case.id]}),
                    any(task.due_at is not None and task.due_at < at for task, _ in open_rows[case.id]),
                    ((case.ended_at or at) - case.started_at).days)
            for case, name in found], total
