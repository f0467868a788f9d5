"""User commands on cases: start, claim, unclaim, complete, cancel; each inside the caller's transaction."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from workflows import engine
from workflows.actors import Actor
from workflows.commands import duplicates
from workflows.commands import idempotency
from workflows.commands import projection
from workflows.commands.case_state import check_version
from workflows.commands.case_state import fresh_task
from workflows.commands.case_state import load
from workflows.commands.case_state import lock_case
from workflows.commands.case_state import save
from workflows.commands.case_state import state_values
from workflows.commands.projection import close_task
from workflows.engine import transitions
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.forms import form_checks
from workflows.processes import case_outcome
from workflows.processes import case_subject
from workflows.processes.deploy import latest_spec
from workflows.queries.case_reads import case_summary
from workflows.record import audit
from workflows.registry import effects as registry_effects
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

STARTER_ROLE = "personnel_office"
CANCEL_ROLES = {"personnel_office", "admin"}


def start_case(session: Session, actor: Actor, at: datetime, process_id: str, title: str,
               data: dict | None = None, *, subject: str | None = None, cadre_staff_no: str | None = None,
               idempotency_key: str | None = None, policy: Policy = DEFAULT_POLICY,
               override_reason: str | None = None) -> dict:
    """Start a case on the newest version of ``process_id``; the start event's lane says who may.

    The case concerns a cadre (``cadre_staff_no``) or a post (see :mod:`workflows.case_subject`):
    the subject, a default title and, for a cadre, a snapshot of their registry record
    (``data["cadre"]``) come from the registry. The local rule
    parameters in force go into the case data (``data["policy"]``), so the model computes with the
    values of its start and the record keeps them. A cadre with a running case of the process refuses a
    second one (:class:`DuplicateCase`) unless ``override_reason`` says why (it goes on record).
    """
    request = {"command": "start", "process": process_id, "title": title, "data": data,
               "subject": subject, "cadre": cadre_staff_no,
               **({"override": override_reason} if override_reason is not None else {})}
    if (answer := idempotency.recall(session, actor, idempotency_key, request)) is not None:
        return answer
    spec = latest_spec(session, process_id)
    if spec is None:
        raise NotFound(f"流程 {process_id} 未部署")
    start_bpmn_id, start_info = case_subject.start_event(spec)
    role = start_info.get("lane") or STARTER_ROLE
    if role not in actor.roles:
        raise Forbidden(f"只有「{role}」角色可以发起流程 {process_id}")
    start_form = spec.forms.get(start_bpmn_id)
    data = form_checks.prepare(session, start_form, data or {}, at=at) if start_form else _plain_object(data)
    about = case_subject.concern(session, spec, start_info.get("start_from"), cadre_staff_no, data)
    subject, title, cadre = about.subject or subject, title or about.title, about.cadre
    override = duplicates.check(session, process_id, spec.name, cadre, override_reason) if cadre else None
    if not isinstance(title, str) or not title.strip() or len(title) > 300:
        raise InvalidData("案件标题有误", {"title": "案件标题为必填项，最多 300 个字符"})
    data = {**data, **about.data, "policy": policy.as_record()}
    with engine.running(at):
        workflow = transitions.started(spec.spec_json, data)
    case = Case(spec_id=spec.id, spec=spec, title=title.strip(), subject=subject, status="running",
                cadre_id=cadre.id if cadre else None,
                started_by_id=actor.user_id, started_at=at)
    for key, value in state_values(case, workflow, at).items():
        setattr(case, key, value)
    session.add(case)
    session.flush()
    tasks = projection.sync(session, case, workflow, at, had_timers=False)
    audit.append(session, type_="case.started", actor=actor.acting_as(role), at=at, case_id=case.id,
                 state_digest=case.state_digest, payload={
                     "process": process_id, "version": spec.version, "spec_sha256": spec.sha256,
                     "title": case.title, "subject": subject, "data": data,
                     **({"override": override} if override else {})})
    settle(session, actor, at, case, workflow, before=set())
    answer = case_summary(session, case, tasks)
    idempotency.remember(session, actor, idempotency_key, request, answer)
    return answer


def _plain_object(data) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidData("提交的数据必须是一个对象", {"data": "data 必须是 JSON 对象"})
    return data


def authorize_task(actor: Actor, row: HumanTask) -> str | None:
    """The role the actor acts in on this task; :class:`Forbidden` when they may not."""
    if row.assignee_id is not None:
        if row.assignee_id != actor.user_id:
            raise Forbidden(f"任务「{row.name}」指定由他人办理")
        return row.lane
    if row.lane is not None and row.lane not in actor.roles:
        raise Forbidden(f"任务「{row.name}」属于「{row.lane}」角色，您没有该角色")
    return row.lane


def _open_task_locked(session: Session, actor: Actor, task_id: str) -> tuple[Case, HumanTask]:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    authorize_task(actor, row)
    case = lock_case(session, row.case_id)
    return case, fresh_task(session, task_id)


def _ensure_open(row: HumanTask, actor: Actor) -> None:
    if row.status != "open":
        state = "已被办理" if row.status == "completed" else "已关闭"
        raise Conflict(f"任务「{row.name}」{state}，不能再操作")
    if row.claimed_by_id not in (None, actor.user_id):
        raise Conflict(f"任务「{row.name}」已被他人认领")


def claim_task(session: Session, actor: Actor, at: datetime, task_id: str) -> dict:
    """Claim an open task of my role so that only I can complete it."""
    case, row = _open_task_locked(session, actor, task_id)
    _ensure_open(row, actor)
    if row.claimed_by_id != actor.user_id:
        row.claimed_by_id = actor.user_id
        audit.append(session, type_="task.claimed", actor=actor.acting_as(row.lane), at=at,
                     case_id=case.id, state_digest=case.state_digest,
                     payload={"task_id": row.id, "bpmn_id": row.bpmn_id, "name": row.name})
    return case_summary(session, case)


def unclaim_task(session: Session, actor: Actor, at: datetime, task_id: str) -> dict:
    """Release a task I claimed back to my role's inbox."""
    case, row = _open_task_locked(session, actor, task_id)
    _ensure_open(row, actor)
    if row.claimed_by_id is None:
        raise Conflict(f"任务「{row.name}」未被认领")
    row.claimed_by_id = None
    audit.append(session, type_="task.unclaimed", actor=actor.acting_as(row.lane), at=at,
                 case_id=case.id, state_digest=case.state_digest,
                 payload={"task_id": row.id, "bpmn_id": row.bpmn_id, "name": row.name})
    return case_summary(session, case)


def complete_task(session: Session, actor: Actor, at: datetime, task_id: str, data: dict, *,
                  idempotency_key: str | None = None, expected_version: int | None = None) -> dict:
    """Complete an open task with form data and run the engine to its next wait states."""
    request = {"command": "complete", "task": task_id, "data": data}
    case, row = _open_task_locked(session, actor, task_id)
    if (answer := idempotency.recall(session, actor, idempotency_key, request)) is not None:
        return answer
    _ensure_open(row, actor)
    check_version(case, expected_version)
    workflow = load(case)
    task = engine.find_task(workflow, row.id)
    if task is None or task.state != engine.TaskState.READY:
        raise Conflict(f"任务「{row.name}」已不在待办状态")
    schema = case.spec.forms.get(row.bpmn_id)
    clean = (form_checks.prepare(session, schema, data, task.data, at, actor) if schema
             else _plain_object(data))
    key = engine.task_key(workflow, task)
    before = registry_effects.completed_ids(case, workflow)
    with engine.running(at):
        transitions.task_completed(workflow, task, clean)
    close_task(session, row, "completed", actor.user_id, at)
    tasks = save(session, case, workflow, at)
    audit.append(session, type_="task.completed", actor=actor.acting_as(row.lane), at=at,
                 case_id=case.id, state_digest=case.state_digest, payload={
                     "task_id": row.id, "task": key, "bpmn_id": row.bpmn_id, "name": row.name,
                     "data": clean})
    settle(session, actor, at, case, workflow, before)
    answer = case_summary(session, case, tasks)
    idempotency.remember(session, actor, idempotency_key, request, answer)
    return answer


def cancel_case(session: Session, actor: Actor, at: datetime, case_id: int, reason: str) -> dict:
    """Withdraw a running case, with the reason on record."""
    role = next((r for r in sorted(CANCEL_ROLES) if r in actor.roles), None)
    if role is None:
        raise Forbidden("只有人事组织部门或管理员可以撤销案件")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 1000:
        raise InvalidData("撤销原因有误", {"reason": "撤销原因为必填项，最多 1000 个字符"})
    case = lock_case(session, case_id)
    if case.status != "running":
        raise Conflict(f"案件状态为 {case.status}，不能撤销")
    workflow = load(case)
    with engine.running(at):
        transitions.cancelled(workflow)
    tasks = save(session, case, workflow, at, status="cancelled")
    audit.append(session, type_="case.cancelled", actor=actor.acting_as(role), at=at,
                 case_id=case.id, state_digest=case.state_digest, payload={"reason": reason.strip()})
    return case_summary(session, case, tasks)


def settle(session: Session, actor: Actor, at: datetime, case: Case, workflow, before: set[str]) -> None:
    """What every command does after its transition and its event: the registry effects of the elements it
    completed, then ``case.completed`` (with the end reached) when it just finished the workflow."""
    registry_effects.apply(session, actor, at, case, workflow, before)
    if case.status == "completed" and case.ended_at == at:
        audit.append(session, type_="case.completed", actor=actor, at=at, case_id=case.id,
                     state_digest=case.state_digest, payload=case_outcome.completion_payload(case, workflow))


def record_access_denied(session: Session, actor: Actor, at: datetime, command: str,
                         target: str, reason: str, case_id: int | None = None) -> None:
    """Put a refused command on record (call it in a fresh transaction after rolling back)."""
    if case_id is not None and session.get(Case, case_id) is None:
        case_id = None
    audit.append(session, type_="access.denied", actor=actor, at=at, case_id=case_id,
                 payload={"command": command, "target": target, "reason": reason})


def open_tasks(session: Session, case_id: int) -> list[HumanTask]:
    """The open inbox rows of a case."""
    return list(session.scalars(select(HumanTask).where(
        HumanTask.case_id == case_id, HumanTask.status == "open").order_by(HumanTask.created_at)))
