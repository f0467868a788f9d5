"""Each state change of a case as one function on its workflow: the commands call them live, replay on the record.

A command records what it applied (the event's payload); replay hands that payload to the same function, so the
two paths cannot drift apart. The caller sets the engine's clock (``engine.running``) around each call.
"""

import copy

from workflows import engine
from workflows.errors import Conflict
from workflows.text import t
from workflows.vocabulary import Event


class NotReady(Conflict):
    """The task an event names is not waiting to be done (already done, or never opened)."""


def started(spec_json: str, data: dict, spec_key: str | None = None):
    """A new workflow of ``spec_json`` with the case's initial data on its start, run to its first wait.

    ``spec_key`` names the version in the engine's spec cache as the commands name it (see ``engine.spec_objects``).
    """
    workflow = engine.new_workflow(spec_json, spec_key)
    for task in workflow.get_tasks(state=engine.TaskState.READY):
        task.data.update(copy.deepcopy(data))
    engine.advance(workflow)
    return workflow


def task_completed(workflow, task, data: dict) -> None:
    """Complete ``task`` with the submitted data and run to the next wait."""
    if task is None or task.state != engine.TaskState.READY:
        raise NotReady(t("任务已不在待办状态"))
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
        raise Conflict(t("案件当前不在等待消息「{name}」", name=name))
    engine.send_message(workflow, waiting[0], copy.deepcopy(payload))
    engine.advance(workflow)


def cancelled(workflow) -> None:
    """Withdraw the case: every open task is cancelled."""
    workflow.cancel()


def apply(workflow, event_type: str, payload: dict, spec_json: str):
    """Apply one recorded event to ``workflow`` (None before ``case.started``); return the workflow."""
    if event_type == Event.CASE_STARTED:
        return started(spec_json, payload.get("data") or {})
    if event_type == Event.TASK_COMPLETED:
        task_completed(workflow, engine.task_by_key(workflow, payload["task"]), payload["data"])
    elif event_type == Event.TIMER_FIRED:
        timers_fired(workflow)
    elif event_type == Event.MESSAGE_RECEIVED:
        message_received(workflow, payload["message"], payload["payload"])
    elif event_type == Event.CASE_CANCELLED:
        cancelled(workflow)
    return workflow
