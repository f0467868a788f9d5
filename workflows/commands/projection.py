"""Keep the inbox rows (human_task) and the timer rows in step with a workflow, in the same transaction."""

from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Case
from storage.models import HumanTask
from storage.models import Timer
from storage.models import User
from workflows import engine
from workflows.engine.clock import BEIJING
from workflows.engine.clock import local_date
from workflows.engine.clock import parse_iso
from workflows.processes.local_rules import calendar_overrides
from workflows.queries import waiting
from workflows.rules.calendar import working_day_deadline

# The columns an inbox answer shows; read and written as plain rows, not ORM objects,
# because this runs inside every command.
TASK_COLUMNS = (HumanTask.id, HumanTask.case_id, HumanTask.bpmn_id, HumanTask.name, HumanTask.lane,
                HumanTask.status, HumanTask.assignee_id, HumanTask.claimed_by_id, HumanTask.has_form,
                HumanTask.due_at, HumanTask.created_at)


@cache
def _statements() -> SimpleNamespace:
    """The statements of :func:`sync`, built once: this runs inside every command."""
    tasks, timers = HumanTask.__table__, Timer.__table__
    return SimpleNamespace(
        open_rows=select(*(tasks.c[column.key] for column in TASK_COLUMNS)).where(
            tasks.c.case_id == bindparam("of_case"), tasks.c.status == "open"),
        close_rows=update(tasks).where(tasks.c.id.in_(bindparam("gone", expanding=True)))
        .values(status="cancelled", closed_at=bindparam("at")),
        insert_rows=insert(tasks),
        close_one=update(tasks).where(tasks.c.id == bindparam("task")),
        clear_timers=delete(timers).where(timers.c.case_id == bindparam("of_case")),
        insert_timers=insert(timers),
    )


@cache
def _close_and_insert(dialect: str):
    """One statement that inserts the new rows and closes the completed one (an upsert on its id), or None."""
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if upsert is None:
        return None
    statement = upsert(HumanTask.__table__)
    return statement.on_conflict_do_update(index_elements=["id"], set_={
        key: statement.excluded[key] for key in ("status", "completed_by_id", "closed_at")})


def sync(session: Session, case: Case, workflow, at: datetime, *, had_timers: bool,
         open_rows: dict | None = None, closed: list | None = None) -> list[dict]:
    """Open a row for each new READY user task, close rows no longer READY, rewrite the timers.

    ``open_rows`` ({task id: HumanTask}) are the case's rows as this command read them under the case's lock, kept
    up to date since (:func:`close_task`); without them the open rows are read here. ``closed`` are rows
    :func:`close_task` left to be written here.
    Returns the case's open tasks as dicts (the shape :func:`views.task_summary` gives).
    """
    sql = _statements()
    ready = {str(task.id): task for task in engine.ready_user_tasks(workflow)}
    if open_rows is None:
        open_rows = {row.id: row._asdict() for row in session.execute(sql.open_rows, {"of_case": case.id})}
    else:
        open_rows = {task_id: {column.key: getattr(row, column.key) for column in TASK_COLUMNS}
                     for task_id, row in open_rows.items() if row.status == "open"}
    gone = [task_id for task_id in open_rows if task_id not in ready]
    if gone:
        session.execute(sql.close_rows, {"gone": gone, "at": at})
    calendar = _Calendar(session)  # read once per command, and only if a new task counts working days
    new_rows = [_row(session, case, task, at, calendar) for task_id, task in ready.items()
                if task_id not in open_rows]
    _write_rows(session, new_rows, closed or [])
    timers = engine.waiting_timers(workflow)
    if had_timers or timers:
        session.execute(sql.clear_timers, {"of_case": case.id})
    if timers:
        session.execute(sql.insert_timers, [
            {"case_id": case.id, "task_id": str(task.id), "bpmn_id": task.task_spec.bpmn_id,
             "due_at": parse_iso(due)} for task, due in timers])
    waiting.sync(session, case, workflow, had_timers=had_timers)
    kept = [row for task_id, row in open_rows.items() if task_id in ready]
    added = [{**row, "claimed_by_id": None} for row in new_rows]
    return sorted(kept + added, key=lambda row: (row["created_at"], row["id"]))


class _Calendar:
    """The local calendar overrides, read on first use."""

    def __init__(self, session: Session):
        self.session, self.overrides = session, None

    def get(self) -> dict:
        if self.overrides is None:
            self.overrides = calendar_overrides(self.session)
        return self.overrides


def _row(session: Session, case: Case, task, at: datetime, calendar: _Calendar) -> dict:
    bpmn_id = task.task_spec.bpmn_id
    details = case.spec.task_info.get(bpmn_id, {})
    return {
        "id": str(task.id), "case_id": case.id, "bpmn_id": bpmn_id,
        "name": details.get("name") or task.task_spec.bpmn_name or bpmn_id,
        "lane": task.task_spec.lane, "status": "open",
        "assignee_id": _assignee(session, task, details.get("assignee_variable")),
        "has_form": bpmn_id in case.spec.forms, "due_at": _due(task, details, at, calendar), "created_at": at,
    }


def _due(task, details: dict, at: datetime, calendar: _Calendar) -> datetime | None:
    """When the task is due, with the local calendar as it stands now."""
    return task_deadline(task, details.get("due_working_days"), at, calendar.get)


def task_deadline(task, working_days: int | None, opened_at: datetime,
                  overrides) -> datetime | None:
    """The time of a timer on the task's boundary, else its working days counted from the next day.

    The replay view asks the same question of a past state, with the calendar of that time. ``overrides`` is
    {day: is_workday}, or a function giving it (called only when working days are counted).
    """
    for sibling in task.parent.children if task.parent is not None else []:
        # A boundary event waits beside its activity, under the same split task.
        due = sibling.internal_data.get("event_value") if sibling.state == engine.TaskState.WAITING else None
        if sibling is not task and isinstance(due, str) and engine.is_timer(sibling):
            return parse_iso(due)
    if not working_days:
        return None
    start = local_date(opened_at) + timedelta(days=1)
    end = working_day_deadline(start, working_days, overrides() if callable(overrides) else overrides).end
    return datetime.combine(end + timedelta(days=1), time(0), BEIJING)


def _assignee(session: Session, task, variable: str | None) -> int | None:
    """The user a per-person task is for, named by a task-data variable (e.g. a member's vote)."""
    if not variable or not task.data.get(variable):
        return None
    return session.scalar(select(User.id).where(User.username == str(task.data[variable])))


def close_task(session: Session, row: HumanTask, status: str, user_id: int | None, at: datetime, *,
               later: list | None = None) -> None:
    """Mark an inbox row completed or cancelled; with ``later``, the row goes there to be written by :func:`sync`."""
    values = {"status": status, "closed_at": at,
              "completed_by_id": user_id if status == "completed" else None}
    if later is None:
        session.execute(_statements().close_one, {**values, "task": row.id})
    else:
        later.append(row)
    for key, value in values.items():
        set_committed_value(row, key, value)


def _write_rows(session: Session, new_rows: list[dict], closed: list[HumanTask]) -> None:
    """Insert the new rows and write the closed ones: in one statement where the database can (a completion
    that opens the next task), since every statement is a round trip to PostgreSQL."""
    both = _close_and_insert(session.get_bind().dialect.name) if new_rows and closed else None
    if both is not None:
        columns = [column.key for column in HumanTask.__table__.columns]
        session.execute(both, [{key: getattr(row, key) for key in columns} for row in closed]
                        + [{key: row.get(key) for key in columns} for row in new_rows])
        return
    for row in closed:
        session.execute(_statements().close_one, {"status": row.status, "closed_at": row.closed_at,
                                                  "completed_by_id": row.completed_by_id, "task": row.id})
    if new_rows:
        session.execute(_statements().insert_rows, new_rows)
