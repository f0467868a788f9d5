"""Keep the inbox rows (human_task) and the timer rows in step with a workflow, in the same transaction."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from storage.models import Timer
from storage.models import User
from workflows import engine
from workflows.clock import parse_iso


def sync(session: Session, case: Case, workflow, at: datetime) -> None:
    """Open a row for each new READY user task, close rows no longer READY, rewrite the timers."""
    ready = {str(task.id): task for task in engine.ready_user_tasks(workflow)}
    open_rows = session.scalars(select(HumanTask).where(
        HumanTask.case_id == case.id, HumanTask.status == "open")).all()
    for row in open_rows:
        if row.id not in ready:
            row.status, row.closed_at = "cancelled", at
    known = {row.id for row in open_rows}
    info = case.spec.task_info
    for task_id, task in ready.items():
        if task_id in known:
            continue
        bpmn_id = task.task_spec.bpmn_id
        details = info.get(bpmn_id, {})
        session.add(HumanTask(
            id=task_id, case_id=case.id, bpmn_id=bpmn_id,
            name=details.get("name") or task.task_spec.bpmn_name or bpmn_id,
            lane=task.task_spec.lane, status="open",
            assignee_id=_assignee(session, task, details.get("assignee_variable")),
            has_form=bpmn_id in case.spec.forms, created_at=at))
    session.execute(delete(Timer).where(Timer.case_id == case.id))
    for task, due in engine.waiting_timers(workflow):
        session.add(Timer(case_id=case.id, task_id=str(task.id), bpmn_id=task.task_spec.bpmn_id,
                          due_at=parse_iso(due)))
    session.flush()


def _assignee(session: Session, task, variable: str | None) -> int | None:
    """The user a per-person task is for, named by a task-data variable (e.g. a member's vote)."""
    if not variable or not task.data.get(variable):
        return None
    return session.scalar(select(User.id).where(User.username == str(task.data[variable])))


def close_task(row: HumanTask, status: str, user_id: int | None, at: datetime) -> None:
    """Mark an inbox row completed or cancelled."""
    row.status, row.closed_at = status, at
    if status == "completed":
        row.completed_by_id = user_id
