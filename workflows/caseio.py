"""Loading and saving a case inside a command: the row lock, the workflow, the digest and the status."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from workflows import engine
from workflows import projection
from workflows.errors import Conflict
from workflows.errors import NotFound


def lock_case(session: Session, case_id: int, *, skip_locked: bool = False) -> Case | None:
    """The case row, locked for this transaction (PostgreSQL row lock; SQLite holds the write lock).

    With ``skip_locked`` a case another transaction holds gives None instead of waiting.
    """
    query = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Case, skip_locked=skip_locked)
    case = session.scalar(query)
    if case is None and not skip_locked:
        raise NotFound(f"案件 {case_id} 不存在")
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a command sent against an older version of the case."""
    if expected_version is not None and expected_version != case.version:
        raise Conflict(f"案件已被他人更新（当前版本 {case.version}，提交时版本 {expected_version}），请刷新后重试")


def fresh_task(session: Session, task_id: str) -> HumanTask:
    """An inbox row read again after the case lock, so it shows what committed before us."""
    row = session.scalar(select(HumanTask).where(HumanTask.id == task_id)
                         .execution_options(populate_existing=True))
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    return row


def load(case: Case):
    """The case's workflow, restored against its pinned spec version."""
    return engine.restore(case.workflow_state, case.spec.spec_json)


def save(session: Session, case: Case, workflow, at: datetime) -> None:
    """Store the workflow, its digest and status, and bring the projection in step."""
    case.workflow_state = engine.dump(workflow)
    case.serializer_version = engine.serializer().VERSION
    case.state_digest = engine.state_digest(workflow)
    if workflow.completed and case.status == "running":
        case.status, case.ended_at = "completed", at
    session.flush()
    projection.sync(session, case, workflow, at)
