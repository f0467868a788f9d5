"""Each state change of a case as one function on its workflow: the commands call them live, replay on the record.

A command records what it applied (the event's payload); replay hands that payload to the same function, so the
two paths cannot drift apart. The caller sets the engine's clock (``engine.running``) around each call.
"""

import copy

from workflows import engine
from workflows.errors import Conflict


class NotReady(Conflict):
    """The task an event names is not waiting to be done (already done, or never opened)."""


def started(spec_json: str, data: dict):
    """A new workflow of ``spec_json`` with the case's initial data on its start, run to its first wait."""
    workflow = engine.new_workflow(spec_json)
    for task in workflow.get_tasks(state=engine.TaskState.READY):
        task.data.update(copy.deepcopy(data))
    engine.advance(workflow)
    return workflow


def task_completed(workflow, task, data: dict) -> None:
    """Complete ``task`` with the submitted data and run to the next wait."""
    if task is None or task.state != engine.TaskState.READY:
        raise NotReady("任务已不在待办状态")
    task.data.update(copy.deepcopy(data))  # the record keeps its own copy: the engine must not share it
    task.run()
    engine.advance(workflow)


def timers_fired(workflow) -> None:
    """Fire what the engine's clock has made due."""
    engine.advance(workflow)


def message_received(workflow, name: str, payload: dict) -> None:
    """Deliver message ``name`` to the event waiting for it."""
    waiting = engine.waiting_for_message(workflow, name)
    if not waiting:
        raise Conflict(f"案件当前不在等待消息「{name}」")
    engine.send_message(workflow, waiting[0], copy.deepcopy(payload))
    engine.advance(workflow)


def cancelled(workflow) -> None:
    """Withdraw the case: every open task is cancelled."""
    workflow.cancel()


def apply(workflow, event_type: str, payload: dict, spec_json: str):
    """Apply one recorded event to ``workflow`` (None before ``case.started``); return the workflow."""
    if event_type == "case.started":
        return started(spec_json, payload.get("data") or {})
    if event_type == "task.completed":
        task_completed(workflow, engine.task_by_key(workflow, payload["task"]), payload["data"])
    elif event_type == "timer.fired":
        timers_fired(workflow)
    elif event_type == "message.received":
        message_received(workflow, payload["message"], payload["payload"])
    elif event_type == "case.cancelled":
        cancelled(workflow)
    return workflow
