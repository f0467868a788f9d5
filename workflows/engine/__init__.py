"""SpiffWorkflow in one place: running workflows, their waits, digests and task keys (storing them: ``state``)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from workflows.engine import task_dicts
from workflows.engine import walk
from workflows.engine.clock import engine_time
from workflows.engine.expressions import make_script_engine as make_script_engine  # re-exported for commands
from workflows.engine.state import dump as dump  # re-exported: callers use engine.dump
from workflows.engine.state import new_workflow as new_workflow  # re-exported: callers use engine.new_workflow
from workflows.engine.state import restore as restore  # re-exported: callers use engine.restore
from workflows.engine.state import serializer as serializer  # re-exported: callers use engine.serializer
from workflows.engine.state import spec_objects
from workflows.engine.state import spec_to_json as spec_to_json  # re-exported: callers use engine.spec_to_json
from workflows.engine.walk import settled as settled  # re-exported: callers use engine.settled
from workflows.errors import EngineError
from workflows.record.canonical import fast_digest
from workflows.text import Text
from workflows.text import t


@contextmanager
def running(at: datetime) -> Iterator[None]:
    """Run engine code at engine time ``at``; model failures become :class:`EngineError`."""
    with engine_time(at):
        try:
            yield
        except SpiffWorkflowException as error:
            raise EngineError(describe_engine_error(error)) from None
        except (ValueError, TypeError, KeyError) as error:
            raise EngineError(t("流程运行出错：{error}", error=_message(error))) from None


def describe_engine_error(error: SpiffWorkflowException) -> str:
    """A message naming the BPMN element where the model failed."""
    task = getattr(error, "task", None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or getattr(error, "id", None)
    if element:
        return t("流程模型运行出错（元素 {element}）：{error}", element=element, error=str(error))
    return t("流程模型运行出错：{error}", error=str(error))


def _message(error: Exception) -> str:
    # An expression refused by the allow-list carries a domain message: keep its template.
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Text) else str(error)


def advance(workflow: BpmnWorkflow) -> None:
    """Run engine steps until every path waits; a due timer gets the second pass it needs."""
    workflow.do_engine_steps()
    workflow.refresh_timers()
    workflow.do_engine_steps()


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    """The READY user tasks, in tree order."""
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def waiting_timers(workflow: BpmnWorkflow) -> list[tuple[object, str]]:
    """(task, due ISO text) of every timer event the workflow waits on."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):  # a cycle timer keeps its next firing inside
            value = value.get("next")
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(value, str) and isinstance(definition, TimerEventDefinition):
            found.append((task, value))
    return found


def is_timer(task) -> bool:
    """Whether ``task`` is a timer event."""
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def is_message(task) -> bool:
    """Whether ``task`` is a message event."""
    return isinstance(getattr(task.task_spec, "event_definition", None), MessageEventDefinition)


def waiting_messages(workflow: BpmnWorkflow) -> list:
    """The message events the workflow waits on now (e.g. a complaint during publicity)."""
    return [task for task in workflow.get_tasks(state=TaskState.WAITING)
            if is_message(task)]


def message_lanes(spec_json: str) -> frozenset[str | None]:
    """The lanes of the events that catch a message in a deployed process (None: one outside any lane).

    Read from the process, never from a case's state: who may deliver is decided without looking at it.
    """
    spec, subs = spec_objects(spec_json)
    return frozenset(task_spec.lane for one in (spec, *subs.values()) for task_spec in one.task_specs.values()
                     if isinstance(task_spec, CatchingEvent)
                     and isinstance(task_spec.event_definition, MessageEventDefinition))


def waiting_for_message(workflow: BpmnWorkflow, name: str) -> list:
    """The events waiting for message ``name``."""
    return [task for task in waiting_messages(workflow) if task.task_spec.event_definition.name == name]


def send_message(workflow: BpmnWorkflow, catching, payload: dict) -> None:
    """Hand a message to ``catching``, an event waiting for it (see :func:`waiting_for_message`)."""
    # SpiffWorkflow matches events by their exact class, so send the catching event's own definition.
    workflow.send_event(BpmnEvent(catching.task_spec.event_definition, payload))


def find_task(workflow: BpmnWorkflow, task_id: str):
    """The task with ``task_id`` or None."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (TaskNotFoundException, ValueError):
        return None


def task_key(workflow: BpmnWorkflow, task) -> dict:
    """A name for a task that a replay can find again: its spec and its rank among tasks of that spec.

    Task UUIDs are random, so the record names tasks by where they stand in the
    (deterministic) task tree instead.
    """
    return walk.task_key(workflow, task)


def task_by_key(workflow: BpmnWorkflow, key: dict):
    """The task a :func:`task_key` names, or None."""
    # One walk of the tree (all tasks, in get_tasks() order) costs about half SpiffWorkflow's iterator: a replay
    # looks up the task of every completion.
    same = walk.select(walk.tree(workflow), spec_name=key["spec"])
    return same[key["ordinal"]] if key["ordinal"] < len(same) else None


def state_digest(workflow: BpmnWorkflow, data_digests: dict | None = None) -> str:
    """sha256 of a canonical view of the workflow: spec names, states, data; no UUIDs, no wall time.

    Each task's data enters as its own digest. A replay passes a ``data_digests`` dict to keep the
    digests of settled tasks between events: a case's tasks carry copies of the whole case data, and
    digesting all of them after every event was most of a replay's time.
    """
    tasks = workflow.get_tasks()
    names = None
    rows = []
    for task in tasks:
        internal = task.internal_data
        if internal:
            # Engine bookkeeping may hold task UUIDs (a multi-instance task lists the children it
            # merged); name those tasks by their place in the tree instead, as the record does.
            names = names or _tree_names(tasks)
            internal = _stable(internal, names)
        rows.append((task.task_spec.name, task.state, _data_digest(task, data_digests), internal))
    return fast_digest({"completed": workflow.completed, "success": workflow.success, "tasks": rows})


def _tree_names(tasks) -> dict[str, str]:
    """{task UUID: "spec name#ordinal"} for every task."""
    seen: dict[str, int] = {}
    names = {}
    for task in tasks:
        ordinal = seen[task.task_spec.name] = seen.get(task.task_spec.name, -1) + 1
        names[task_dicts.id_text(task.id)] = f"{task.task_spec.name}#{ordinal}"
    return names


EMPTY_DATA_DIGEST = fast_digest({})
# States in which the engine leaves a task's data alone until the task moves on (a replay's cache is
# keyed by task and state, so a move invalidates it).
SETTLED = TaskState.FINISHED_MASK | TaskState.READY | TaskState.WAITING


def _data_digest(task, data_digests: dict | None) -> str:
    if not task.data:  # most predicted tasks: skip the encoder
        return EMPTY_DATA_DIGEST
    if data_digests is None or not task.state & SETTLED:
        return fast_digest(task.data)
    known = data_digests.get(task.id)
    if known is None or known[0] != task.state:
        known = data_digests[task.id] = (task.state, fast_digest(task.data))
    return known[1]


def _stable(value, names: dict[str, str]):
    """``value`` with every task UUID replaced by the task's place in the tree."""
    if isinstance(value, dict):
        return {key: _stable(item, names) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_stable(item, names) for item in value]
    if isinstance(value, UUID):
        value = str(value)
    return names.get(value, value) if isinstance(value, str) else value
