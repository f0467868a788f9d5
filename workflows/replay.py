"""Deterministic replay: rebuild a case from its record and compare every state digest."""

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.models import Case
from workflows import engine
from workflows.clock import parse_iso
from workflows.commands import seed_start_data
from workflows.errors import EngineError
from workflows.triggers import deliver_message
from workflows.views import case_events


@dataclass
class ReplayVerdict:
    """Whether replay reproduced every recorded digest, and where it first did not."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""


class ReplayMismatch(Exception):
    """An event cannot be applied as recorded."""


def apply_event(workflow, event_type: str, payload: dict, spec_json: str):
    """Apply one recorded event to ``workflow`` (None before ``case.started``); return the workflow."""
    if event_type == "case.started":
        workflow = engine.new_workflow(spec_json)
        seed_start_data(workflow, payload.get("data") or {})
        engine.advance(workflow)
    elif event_type == "task.completed":
        task = engine.task_by_key(workflow, payload["task"])
        if task is None or task.state != engine.TaskState.READY:
            raise ReplayMismatch(f"任务 {payload['task']} 在重放中不处于待办状态")
        task.data.update(payload["data"])
        task.run()
        engine.advance(workflow)
    elif event_type == "timer.fired":
        engine.advance(workflow)
    elif event_type == "message.received":
        deliver_message(workflow, payload["message"], payload["payload"])
    elif event_type == "case.cancelled":
        workflow.cancel()
    return workflow


def replay_case(session: Session, case: Case) -> ReplayVerdict:
    """Replay ``case`` from an empty start against its pinned spec."""
    workflow, events, data_digests = None, case_events(session, case.id), {}
    for event in events:
        if event.state_digest is None:
            continue  # access.denied and the like do not touch the workflow
        try:
            with engine.running(parse_iso(event.at)):
                workflow = apply_event(workflow, event.type, json.loads(event.payload),
                                       case.spec.spec_json)
        except (ReplayMismatch, EngineError, KeyError, ValueError, AttributeError) as error:
            return ReplayVerdict(False, len(events), event.seq, f"无法重放：{error}")
        if workflow is None or engine.state_digest(workflow, data_digests) != event.state_digest:
            return ReplayVerdict(False, len(events), event.seq, "重放得到的状态与记录的 state_digest 不符")
    if workflow is None:
        return ReplayVerdict(False, len(events), None, "案件没有 case.started 记录")
    stored = engine.state_digest(engine.restore(case.workflow_state, case.spec.spec_json))
    if stored != engine.state_digest(workflow) or stored != case.state_digest:
        last = events[-1].seq if events else None
        return ReplayVerdict(False, len(events), last, "案件保存的状态与重放结果不符")
    return ReplayVerdict(True, len(events))
