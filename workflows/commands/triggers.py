"""Commands the outside world triggers: firing due timers and receiving a message (e.g. a complaint)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Timer
from workflows import engine
from workflows.actors import SYSTEM
from workflows.actors import Actor
from workflows.commands import settle
from workflows.commands.case_state import load
from workflows.commands.case_state import lock_case
from workflows.commands.case_state import save
from workflows.engine import transitions
from workflows.engine.clock import BEIJING
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.queries.case_reads import case_summary
from workflows.record import audit
from workflows.registry import effects


def due_case_ids(session: Session, at: datetime, limit: int = 500) -> list[int]:
    """Cases with at least one timer due before ``at`` (SpiffWorkflow fires once the time has passed)."""
    return list(session.scalars(select(Timer.case_id).distinct().where(Timer.due_at <= at)
                                .order_by(Timer.case_id).limit(limit)))


def fire_timers(session: Session, case_id: int, at: datetime) -> dict | None:
    """Fire the due timers of one case; None when another scheduler holds it or nothing is due."""
    case = lock_case(session, case_id, skip_locked=True)
    if case is None or case.status != "running":
        return None
    due = session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.due_at < at)).all()
    if not due:
        return None
    return _fire(session, case, due, at, SYSTEM, {})


def fast_forward(session: Session, actor: Actor, at: datetime, case_id: int, requested_at: datetime) -> dict:
    """Fire a case's timers as if the time were ``at`` (a demo walked to its end in minutes), admins only.

    The event carries ``at`` as its time, so a replay fires the same timers, and says it was a fast-forward,
    by whom and when it was asked for.
    """
    if "admin" not in actor.roles:
        raise Forbidden("只有管理员（admin）可以快进案件的定时器")
    case = lock_case(session, case_id)
    if case.status != "running":
        raise Conflict(f"案件 {case_id} 状态为 {case.status}，没有可快进的定时器")
    due = session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.due_at < at)).all()
    if not due:
        waiting = session.scalars(select(Timer.due_at).where(Timer.case_id == case_id).order_by(Timer.due_at)).all()
        nearest = f"；最近的定时器 {waiting[0].astimezone(BEIJING):%Y-%m-%d %H:%M}（北京时间）到期" if waiting else ""
        raise Conflict(f"案件 {case_id} 在 {at.astimezone(BEIJING):%Y-%m-%d %H:%M} 之前没有到期的定时器{nearest}")
    extra = {"fast_forward": True, "requested_at": requested_at.isoformat(), "requested_by": actor.username}
    answer = _fire(session, case, due, at, actor.acting_as("admin"), extra)
    return {**answer, "fired_timers": sorted(timer.bpmn_id for timer in due)}


def _fire(session: Session, case, due: list, at: datetime, actor: Actor, extra: dict) -> dict:
    workflow = load(case)
    before = effects.completed_ids(case, workflow)
    with engine.running(at):
        transitions.timers_fired(workflow)
    tasks = save(session, case, workflow, at)
    audit.append(session, type_="timer.fired", actor=actor, at=at, case_id=case.id,
                 state_digest=case.state_digest,
                 payload={"timers": sorted(timer.bpmn_id for timer in due), **extra})
    settle(session, actor, at, case, workflow, before)
    return case_summary(session, case, tasks)


def waiting_messages(workflow) -> list:
    """The message events the workflow waits on now (e.g. a complaint during publicity)."""
    return engine.waiting_messages(workflow)


def receive_message(session: Session, actor: Actor, at: datetime, case_id: int, name: str,
                    payload: dict | None = None) -> dict:
    """Deliver message ``name`` to a case waiting for it; the catching event's lane says who may."""
    if not isinstance(name, str) or not name:
        raise InvalidData("消息名称有误", {"message": "消息名称为必填项"})
    payload = payload or {}
    if not isinstance(payload, dict):
        raise InvalidData("消息内容有误", {"payload": "消息内容必须是 JSON 对象"})
    case = lock_case(session, case_id)
    if case.status != "running":
        raise Conflict(f"案件状态为 {case.status}，不能接收消息")
    workflow = load(case)
    waiting = engine.waiting_for_message(workflow, name)
    if not waiting:
        raise Conflict(f"案件当前不在等待消息「{name}」")
    lanes = {task.task_spec.lane for task in waiting}
    role = next((lane for lane in sorted(lanes, key=str) if lane is None or lane in actor.roles), "")
    if role == "":
        raise Forbidden(f"接收消息「{name}」需要角色：{'、'.join(sorted(map(str, lanes)))}")
    before = effects.completed_ids(case, workflow)
    with engine.running(at):
        transitions.message_received(workflow, name, payload)
    tasks = save(session, case, workflow, at)
    audit.append(session, type_="message.received", actor=actor.acting_as(role), at=at,
                 case_id=case.id, state_digest=case.state_digest,
                 payload={"message": name, "payload": payload})
    settle(session, actor, at, case, workflow, before)
    return case_summary(session, case, tasks)
