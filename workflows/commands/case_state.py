"""Loading and saving a case inside a command: the row lock, the workflow, the digest and the status."""

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm import defer
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from workflows import engine
from workflows.commands import projection
from workflows.commands import spec_details
from workflows.engine.clock import parse_iso
from workflows.errors import Conflict
from workflows.errors import NotFound
from workflows.processes import case_outcome
from workflows.text import t


def lock_case(session: Session, case_id: int, *, skip_locked: bool = False) -> Case | None:
    """The case row, locked for this transaction (PostgreSQL row lock; SQLite holds the write lock).

    With ``skip_locked`` a case another transaction holds gives None instead of waiting.
    """
    case = session.scalar(_lock_statement(session.get_bind().dialect.name, skip_locked),
                          {"locked_case": case_id})
    if case is None and not skip_locked:
        raise NotFound(t("案件 {case} 不存在", case=case_id))
    if case is not None:
        spec_details.fill(session, case.spec)
    return case


def lock_case_of_task(session: Session, task_id: str) -> Case:
    """The case of inbox row ``task_id``, locked as :func:`lock_case` does, found in the same statement."""
    case = session.scalar(_lock_statement(session.get_bind().dialect.name, False, by_task=True), {"of_task": task_id})
    if case is None:
        raise NotFound(t("任务 {task} 不存在", task=task_id))
    spec_details.fill(session, case.spec)
    return case


@cache
def _lock_statement(dialect: str, skip_locked: bool, by_task: bool = False):
    # Every command restores the workflow next, so its state comes with the lock.
    # The spec's JSON stays behind: the parsed spec is cached per version (see load), and it is large; so are
    # the forms and task details, decoded once per version (spec_details).
    which = (select(HumanTask.case_id).where(HumanTask.id == bindparam("of_task")).scalar_subquery() if by_task
             else bindparam("locked_case"))
    query = (select(Case).where(Case.id == which)
             .options(undefer(Case.workflow_state), joinedload(Case.spec).options(
                 defer(ProcessSpec.spec_json), *(defer(getattr(ProcessSpec, name)) for name in spec_details.COLUMNS)))
             .execution_options(populate_existing=True))
    if dialect == "postgresql":
        query = query.with_for_update(of=Case, skip_locked=skip_locked)
    return query


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a command sent against an older version of the case."""
    if expected_version is not None and expected_version != case.version:
        raise Conflict(t("案件已被他人更新（当前版本 {current}，提交时版本 {sent}），请刷新后重试",
                         current=case.version, sent=expected_version))


def open_rows_locked(session: Session, case_id: int) -> dict[str, HumanTask]:
    """The case's open inbox rows, read after its lock (so they show what committed before), by task id.

    A completion needs its own row and, to bring the inbox in step afterwards, the case's other open rows: one
    statement reads both (see ``projection.sync``'s ``open_rows``).
    """
    rows = session.scalars(_open_rows_statement(), {"of_case": case_id})
    return {row.id: row for row in rows}


@cache
def _open_rows_statement():
    return (select(HumanTask).where(HumanTask.case_id == bindparam("of_case"), HumanTask.status == "open")
            .execution_options(populate_existing=True))


def fresh_task(session: Session, task_id: str) -> HumanTask:
    """An inbox row read again after the case lock, so it shows what committed before us."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite took the write lock at BEGIN, before the row was first read: it is fresh.
        row = session.get(HumanTask, task_id)
    else:
        row = session.scalar(select(HumanTask).where(HumanTask.id == task_id)
                             .execution_options(populate_existing=True))
    if row is None:
        raise NotFound(t("任务 {task} 不存在", task=task_id))
    return row


def load(case: Case):
    """The case's workflow, restored against its pinned spec version (parsed once per process and version)."""
    spec = case.spec
    return engine.restore(case.workflow_state, lambda: spec.spec_json, spec_key(spec))


def spec_key(spec: ProcessSpec) -> str:
    """What names a deployed version in the engine's spec cache: its process and the sha256 of its sources."""
    return f"{spec.process_id}@{spec.sha256}/{spec.serializer_version}"


def save(session: Session, case: Case, workflow, at: datetime, *, status: str | None = None,
         digests: dict | None = None, open_rows: dict | None = None, closed: list | None = None) -> list[dict]:
    """Store the workflow, its digest and status, and bring the projection in step.

    One UPDATE guarded by the version the command read (a plain statement: this runs
    inside every command); ``status`` ends the case another way than completion (cancelled).
    Returns the case's open tasks. ``digests`` keeps the task data digests of a workflow kept warm;
    ``open_rows`` are the case's inbox rows the command read under the lock (:func:`open_rows_locked`), ``closed``
    the rows it closed and left for the projection to write (``projection.close_task``).
    """
    had_timers = case.next_timer_at is not None
    values = state_values(case, workflow, at, digests)
    if status is not None:
        values.update(status=status, ended_at=at)
    values["version"] = case.version + 1
    result = session.execute(_update_statement(), {**values, "of_case": case.id,
                                                   "seen_version": case.version})
    if result.rowcount != 1:
        raise Conflict(t("案件已被他人更新，请刷新后重试"))
    for key, value in values.items():
        set_committed_value(case, key, value)
    return projection.sync(session, case, workflow, at, had_timers=had_timers, open_rows=open_rows,
                           closed=closed)


@cache
def _update_statement():
    table = Case.__table__
    return update(table).where(table.c.id == bindparam("of_case"),
                               table.c.version == bindparam("seen_version"))


def state_values(case: Case, workflow, at: datetime, digests: dict | None = None) -> dict:
    """The case row's columns that follow the workflow: state, digest, next timer, status."""
    due = [parse_iso(value) for _task, value in engine.waiting_timers(workflow)]
    status, ended_at = case.status, case.ended_at
    end = {"end_event": case.end_event, "end_name": case.end_name, "outcome": case.outcome}
    if workflow.completed and status == "running":
        status, ended_at = "completed", at
        found = case_outcome.end_of(workflow) or {"end_event": None, "end_name": None, "outcome": "completed"}
        end = {key: found[key] for key in end}
    return {
        "workflow_state": engine.dump(workflow), "serializer_version": engine.serializer().VERSION,
        "state_digest": engine.state_digest(workflow, digests), "next_timer_at": min(due) if due else None,
        "status": status, "ended_at": ended_at, **end,
    }
