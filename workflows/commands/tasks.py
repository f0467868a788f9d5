"""Commands on one task of a case: claim it, release it, complete it with its form's data."""

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from workflows import access
from workflows import engine
from workflows.actors import Actor
from workflows.commands import idempotency
from workflows.commands.case_state import fresh_task
from workflows.commands.case_state import lock_case_of_task
from workflows.commands.case_state import open_rows_locked
from workflows.commands.cases import plain_object
from workflows.commands.recipe import CaseCommand
from workflows.engine import transitions
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.forms import document_numbers
from workflows.forms import form_checks
from workflows.queries.case_reads import case_summary
from workflows.record import audit
from workflows.text import joined
from workflows.text import t
from workflows.vocabulary import Event


def _open_task_locked(session: Session, actor: Actor, task_id: str) -> tuple[Case, HumanTask, dict]:
    # The lock first, found from the task: the rows are read once, after it, so they show what committed before.
    # The case's open rows come in the same statement (the projection needs them); a row that is not open is
    # read on its own, for the message that says why.
    case = lock_case_of_task(session, task_id)
    open_rows = open_rows_locked(session, case.id)
    row = open_rows.get(task_id) or fresh_task(session, task_id)
    access.acting_role(actor, row)
    return case, row, open_rows


def _ensure_open(row: HumanTask, actor: Actor) -> None:
    if row.status != "open":
        state = t("已被办理") if row.status == "completed" else t("已关闭")
        raise Conflict(t("任务「{name}」{state}，不能再操作", name=row.name, state=state))
    if row.claimed_by_id not in (None, actor.user_id):
        raise Conflict(t("任务「{name}」已被他人认领", name=row.name))


def claim_task(session: Session, actor: Actor, at: datetime, task_id: str) -> dict:
    """Claim an open task of my role so that only I can complete it."""
    case, row, _open_rows = _open_task_locked(session, actor, task_id)
    _ensure_open(row, actor)
    if row.claimed_by_id != actor.user_id:
        row.claimed_by_id = actor.user_id
        audit.append(session, type_=Event.TASK_CLAIMED, actor=actor.acting_as(row.lane), at=at,
                     case_id=case.id, state_digest=case.state_digest,
                     payload={"task_id": row.id, "bpmn_id": row.bpmn_id, "name": row.name})
    return case_summary(session, case)


def unclaim_task(session: Session, actor: Actor, at: datetime, task_id: str) -> dict:
    """Release a task I claimed back to my role's inbox."""
    case, row, _open_rows = _open_task_locked(session, actor, task_id)
    _ensure_open(row, actor)
    if row.claimed_by_id is None:
        raise Conflict(t("任务「{name}」未被认领", name=row.name))
    row.claimed_by_id = None
    audit.append(session, type_=Event.TASK_UNCLAIMED, actor=actor.acting_as(row.lane), at=at,
                 case_id=case.id, state_digest=case.state_digest,
                 payload={"task_id": row.id, "bpmn_id": row.bpmn_id, "name": row.name})
    return case_summary(session, case)


def complete_task(session: Session, actor: Actor, at: datetime, task_id: str, data: dict, *,
                  idempotency_key: str | None = None, expected_version: int | None = None) -> dict:
    """Complete an open task with form data and run the engine to its next wait states."""
    request = {"command": "complete", "task": task_id, "data": data}
    case, row, open_rows = _open_task_locked(session, actor, task_id)
    if (answer := idempotency.recall(session, actor, idempotency_key, request)) is not None:
        return answer
    _ensure_open(row, actor)
    command = CaseCommand(session, actor, at, case, expected_version, open_rows=open_rows)
    task = engine.find_task(command.workflow, row.id)
    if task is None or task.state != engine.TaskState.READY:
        raise Conflict(t("任务「{name}」已不在待办状态", name=row.name))
    schema = case.spec.forms.get(row.bpmn_id)
    clean = (form_checks.prepare(session, schema, data, task.data, at, actor) if schema
             else plain_object(data))
    if errors := document_numbers.problems(session, case.id, row.bpmn_id, clean):
        raise InvalidData(t("表单数据有误：{problems}", problems=joined(errors.values())), errors)
    payload = {"task_id": row.id, "task": engine.task_key(command.workflow, task), "bpmn_id": row.bpmn_id,
               "name": row.name, "data": clean}
    answer = command.apply(transitions.task_completed, task, clean, event=Event.TASK_COMPLETED, payload=payload,
                           acting_as=actor.acting_as(row.lane), closing=row)
    idempotency.remember(session, actor, idempotency_key, request, answer)
    return answer
