"""Commands on a whole case: start one (for a cadre or a post of the registry), withdraw one, record a refusal."""

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
from workflows.commands import warm
from workflows.commands.case_state import spec_key
from workflows.commands.case_state import state_values
from workflows.commands.recipe import locked_command
from workflows.commands.recipe import settle
from workflows.engine import transitions
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.forms import form_checks
from workflows.processes import case_subject
from workflows.processes.deploy import latest_spec
from workflows.queries.case_reads import case_summary
from workflows.record import audit
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import t
from workflows.vocabulary import Event
from workflows.vocabulary import Status

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
    # JSON clients may send any kind of value: one that is not text must not reach the database.
    if not isinstance(process_id, str) or not process_id.strip():
        raise InvalidData(t("流程标识有误"), {"process": t("流程标识为必填项")})
    if subject is not None and (not isinstance(subject, str) or len(subject) > 200):
        raise InvalidData(t("案件对象有误"), {"subject": t("案件对象须为文字，最多 200 个字符")})
    request = {"command": "start", "process": process_id, "title": title, "data": data,
               "subject": subject, "cadre": cadre_staff_no,
               **({"override": override_reason} if override_reason is not None else {})}
    if (answer := idempotency.recall(session, actor, idempotency_key, request)) is not None:
        return answer
    spec = latest_spec(session, process_id)
    if spec is None:
        raise NotFound(t("流程 {process} 未部署", process=process_id))
    start_bpmn_id, start_info = case_subject.start_event(spec)
    role = start_info.get("lane") or STARTER_ROLE
    if role not in actor.roles:
        raise Forbidden(t("只有「{role}」角色可以发起流程 {process}", role=role, process=process_id))
    start_form = spec.forms.get(start_bpmn_id)
    data = form_checks.prepare(session, start_form, data or {}, at=at) if start_form else plain_object(data)
    about = case_subject.concern(session, spec, start_info.get("start_from"), cadre_staff_no, data)
    subject, title, cadre = about.subject or subject, title or about.title, about.cadre
    override = duplicates.check(session, process_id, spec.name, cadre, override_reason) if cadre else None
    if not isinstance(title, str) or not title.strip() or len(title) > 300:
        raise InvalidData(t("案件标题有误"), {"title": t("案件标题为必填项，最多 300 个字符")})
    data = {**data, **about.data, "policy": policy.as_record()}
    with engine.running(at):
        workflow = transitions.started(spec.spec_json, data, spec_key(spec))
    case = Case(spec_id=spec.id, spec=spec, title=title.strip(), subject=subject, status=Status.RUNNING,
                cadre_id=cadre.id if cadre else None,
                started_by_id=actor.user_id, started_at=at)
    for key, value in state_values(case, workflow, at).items():
        setattr(case, key, value)
    session.add(case)
    session.flush()
    tasks = projection.sync(session, case, workflow, at, had_timers=False)
    audit.append(session, type_=Event.CASE_STARTED, actor=actor.acting_as(role), at=at, case_id=case.id,
                 state_digest=case.state_digest, payload={
                     "process": process_id, "version": spec.version, "spec_sha256": spec.sha256,
                     "title": case.title, "subject": subject, "data": data,
                     **({"override": override} if override else {})})
    settle(session, actor, at, case, workflow, before=set())
    warm.keep(session, case.id, warm.Warm(workflow, case.workflow_state))  # for its first task's completion
    answer = case_summary(session, case, tasks)
    idempotency.remember(session, actor, idempotency_key, request, answer)
    return answer


def plain_object(data) -> dict:
    """Data posted to a step without a form: any JSON object."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidData(t("提交的数据必须是一个对象"), {"data": t("data 必须是 JSON 对象")})
    return data


def cancel_case(session: Session, actor: Actor, at: datetime, case_id: int, reason: str) -> dict:
    """Withdraw a running case, with the reason on record."""
    role = next((r for r in sorted(CANCEL_ROLES) if r in actor.roles), None)
    if role is None:
        raise Forbidden(t("只有人事组织部门或管理员可以撤销案件"))
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 1000:
        raise InvalidData(t("撤销原因有误"), {"reason": t("撤销原因为必填项，最多 1000 个字符")})
    command = locked_command(session, actor, at, case_id)
    if command.case.status != Status.RUNNING:
        raise Conflict(t("案件状态为 {status}，不能撤销", status=command.case.status))
    return command.apply(transitions.cancelled, event=Event.CASE_CANCELLED, payload={"reason": reason.strip()},
                         acting_as=actor.acting_as(role), status=Status.CANCELLED)


def record_access_denied(session: Session, actor: Actor, at: datetime, command: str,
                         target: str, reason: str, case_id: int | None = None) -> None:
    """Put a refused command on record (call it in a fresh transaction after rolling back)."""
    if case_id is not None and session.get(Case, case_id) is None:
        case_id = None
    audit.append(session, type_=Event.ACCESS_DENIED, actor=actor, at=at, case_id=case_id,
                 payload={"command": command, "target": target, "reason": reason})


def open_tasks(session: Session, case_id: int) -> list[HumanTask]:
    """The open inbox rows of a case."""
    return list(session.scalars(select(HumanTask).where(
        HumanTask.case_id == case_id, HumanTask.status == "open").order_by(HumanTask.created_at)))
