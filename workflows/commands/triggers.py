"""Commands the outside world triggers: firing due timers and receiving a message (e.g. a complaint)."""

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import Timer
from workflows import access
from workflows import engine
from workflows.actors import SYSTEM
from workflows.actors import Actor
from workflows.commands.recipe import CaseCommand
from workflows.commands.recipe import locked_command
from workflows.engine import transitions
from workflows.engine.clock import BEIJING
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.text import t
from workflows.vocabulary import Event
from workflows.vocabulary import Status


def due_case_ids(session: Session, at: datetime, limit: int = 500, after: int = 0) -> list[int]:
    """Cases past ``after`` with at least one timer due by ``at`` (SpiffWorkflow fires once the time has passed)."""
    return list(session.scalars(select(Timer.case_id).distinct().where(Timer.due_at <= at, Timer.case_id > after)
                                .order_by(Timer.case_id).limit(limit)))


def claim_due_case(session: Session, case_id: int, at: datetime) -> bool:
    """Lock case ``case_id`` for this transaction if it is running with a timer due by ``at`` and no one holds it.

    This is how several schedulers share one database. On PostgreSQL the case row is taken ``FOR UPDATE SKIP
    LOCKED``: a case another scheduler (or a user's command) holds is passed over, never waited for, and the claim
    is the same row lock every command on the case takes, so it ends with the case's transaction. A case whose
    timers another scheduler fired since the list was read is passed over too, without loading its state. On
    SQLite the transaction already holds the database's write lock (BEGIN IMMEDIATE): schedulers take turns.
    Either way :func:`fire_timers` reads the due timers again under the lock, so none fires twice.
    """
    return session.scalar(_claim_statement(session.get_bind().dialect.name), {"case": case_id, "at": at}) is not None


@cache
def _claim_statement(dialect: str):
    due = select(Timer.id).where(Timer.case_id == Case.id, Timer.due_at <= bindparam("at")).exists()
    query = select(Case.id).where(Case.id == bindparam("case"), Case.status == Status.RUNNING, due)
    if dialect == "postgresql":
        query = query.with_for_update(of=Case, skip_locked=True)
    return query


def fire_timers(session: Session, case_id: int, at: datetime) -> dict | None:
    """Fire the due timers of one case; None when another scheduler holds it or nothing is due."""
    command = locked_command(session, SYSTEM, at, case_id, skip_locked=True)
    if command is None or command.case.status != Status.RUNNING:
        return None
    due = session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.due_at < at)).all()
    if not due:
        return None
    return _fire(command, due, {})


def fast_forward(session: Session, actor: Actor, at: datetime, case_id: int, requested_at: datetime) -> dict:
    """Fire a case's timers as if the time were ``at`` (a demo walked to its end in minutes), admins only.

    The event carries ``at`` as its time, so a replay fires the same timers, and says it was a fast-forward,
    by whom and when it was asked for.
    """
    if "admin" not in actor.roles:
        raise Forbidden(t("只有管理员（admin）可以快进案件的定时器"))
    command = locked_command(session, actor.acting_as("admin"), at, case_id)
    if command.case.status != Status.RUNNING:
        raise Conflict(t("案件 {case} 状态为 {status}，没有可快进的定时器", case=case_id, status=command.case.status))
    due = session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.due_at < at)).all()
    if not due:
        waiting = session.scalars(select(Timer.due_at).where(Timer.case_id == case_id).order_by(Timer.due_at)).all()
        nearest = (t("；最近的定时器 {due}（北京时间）到期", due=f"{waiting[0].astimezone(BEIJING):%Y-%m-%d %H:%M}")
                   if waiting else "")
        raise Conflict(t("案件 {case} 在 {at} 之前没有到期的定时器{nearest}", case=case_id,
                         at=f"{at.astimezone(BEIJING):%Y-%m-%d %H:%M}", nearest=nearest))
    extra = {"fast_forward": True, "requested_at": requested_at.isoformat(), "requested_by": actor.username}
    answer = _fire(command, due, extra)
    return {**answer, "fired_timers": sorted(timer.bpmn_id for timer in due)}


def _fire(command: CaseCommand, due: list, extra: dict) -> dict:
    return command.apply(transitions.timers_fired, event=Event.TIMER_FIRED,
                         payload={"timers": sorted(timer.bpmn_id for timer in due), **extra})


def waiting_messages(workflow) -> list:
    """The message events the workflow waits on now (e.g. a complaint during publicity)."""
    return engine.waiting_messages(workflow)


def receive_message(session: Session, actor: Actor, at: datetime, case_id: int, name: str,
                    payload: dict | None = None) -> dict:
    """Deliver message ``name`` to a case waiting for it; the catching event's lane says who may."""
    if not isinstance(name, str) or not name:
        raise InvalidData(t("消息名称有误"), {"message": t("消息名称为必填项")})
    payload = payload or {}
    if not isinstance(payload, dict):
        raise InvalidData(t("消息内容有误"), {"payload": t("消息内容必须是 JSON 对象")})
    command = locked_command(session, actor, at, case_id)
    access.check_delivers_messages(session, actor, command.case, engine.message_lanes(command.case.spec.spec_json))
    if command.case.status != Status.RUNNING:
        raise Conflict(t("案件状态为 {status}，不能接收消息", status=command.case.status))
    waiting = engine.waiting_for_message(command.workflow, name)
    if not waiting:
        raise Conflict(t("案件当前不在等待消息「{name}」", name=name))
    role = access.message_role(actor, name, {task.task_spec.lane for task in waiting})
    return command.apply(transitions.message_received, name, payload, event=Event.MESSAGE_RECEIVED,
                         payload={"message": name, "payload": payload}, acting_as=actor.acting_as(role))
