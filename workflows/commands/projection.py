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


def sync(session: Session, case: Case, workflow, at: datetime, *, had_timers: bool) -> list[dict]:
    """Open a row for each new READY user task, close rows no longer READY, rewrite the timers.

    Returns the case's open tasks as dicts (the shape :func:`views.task_summary` gives).
    """
    sql = _statements()
    ready = {str(task.id): task for task in engine.ready_user_tasks(workflow)}
    open_rows = {row.id: row._asdict() for row in session.execute(sql.open_rows, {"of_case": case.id})}
    gone = [task_id for task_id in open_rows if task_id not in ready]
    if gone:
        session.execute(sql.close_rows, {"gone": gone, "at": at})
    new_rows = [_row(session, case, task, at) for task_id, task in ready.items()
                if task_id not in open_rows]
    if new_rows:
        session.execute(sql.insert_rows, new_rows)
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


def _row(session: Session, case: Case, task, at: datetime) -> dict:
    bpmn_id = task.task_spec.bpmn_id
    details = case.spec.task_info.get(bpmn_id, {})
    return {
        "id": str(task.id), "case_id": case.id, "bpmn_id": bpmn_id,
        "name": details.get("name") or task.task_spec.bpmn_name or bpmn_id,
        "lane": task.task_spec.lane, "status": "open",
        "assignee_id": _assignee(session, task, details.get("assignee_variable")),
        "has_form": bpmn_id in case.spec.forms, "due_at": _due(session, task, details, at), "created_at": at,
    }


def _due(session: Session, task, details: dict, at: datetime) -> datetime | None:
    """When the task is due, with the local calendar as it stands now."""
    return task_deadline(task, details.get("due_working_days"), at, calendar_overrides(session))


def task_deadline(task, working_days: int | None, opened_at: datetime,
                  overrides: dict) -> datetime | None:
    """The time of a timer on the task's boundary, else its working days counted from the next day.

    The replay view asks the same question of a past state, with the calendar of that time.
    """
    for sibling in task.parent.children if task.parent is not None else []:
        # A boundary event waits beside its activity, under the same split task.
        due = sibling.internal_data.get("event_value") if sibling.state == engine.TaskState.WAITING else None
        if sibling is not task and isinstance(due, str) and engine.is_timer(sibling):
            return parse_iso(due)
    if not working_days:
        return None
    start = local_date(opened_at) + timedelta(days=1)
    end = working_day_deadline(start, working_days, overrides).end
    return datetime.combine(end + timedelta(days=1), time(0), BEIJING)


def _assignee(session: Session, task, variable: str | None) -> int | None:
    """The user a per-person task is for, named by a task-data variable (e.g. a member's vote)."""
    if not variable or not task.data.get(variable):
        return None
    return session.scalar(select(User.id).where(User.username == str(task.data[variable])))


def close_task(session: Session, row: HumanTask, status: str, user_id: int | None, at: datetime) -> None:
    """Mark an inbox row completed or cancelled."""
    values = {"status": status, "closed_at": at,
              "completed_by_id": user_id if status == "completed" else None}
    session.execute(_statements().close_one, {**values, "task": row.id})
    for key, value in values.items():
        set_committed_value(row, key, value)
