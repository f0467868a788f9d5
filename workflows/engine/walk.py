"""One walk of a workflow's task tree answering many task queries, while a command stores what it ran."""

from collections.abc import Iterator
from contextlib import contextmanager

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

# get_tasks(...) arguments a walk can answer; anything else goes to SpiffWorkflow's own iterator.
_ANSWERED = frozenset({"state", "manual", "spec_name"})


def tree(workflow: BpmnWorkflow) -> list[tuple]:
    """(task, floor, through_finished_subprocess) of every task, in the order ``get_tasks()`` gives them.

    ``floor`` is the lowest state among the ancestors the walk descended through by their children (a task with a
    subprocess passes whatever its state), so that each state filter's pruning can be applied afterwards exactly as
    SpiffWorkflow's BpmnTaskIterator prunes: it does not descend below tasks under its filter's lowest state, nor
    into a finished task's subprocess when it looks for unfinished tasks.
    """
    subprocesses = workflow.subprocesses
    found = []
    stack = [(workflow.task_tree, 1 << 30, False)]
    while stack:
        task, floor, hidden = stack.pop()
        found.append((task, floor, hidden))
        subprocess = subprocesses.get(task.id) if subprocesses else None
        below = floor if subprocess is not None or floor < task.state else task.state
        tasks = task.workflow.tasks  # Task.children, without building a list per task
        stack.extend((tasks.get(child), below, hidden) for child in reversed(task._children))
        if subprocess is not None:  # walked before the task's children, as SpiffWorkflow does
            stack.append((subprocess.task_tree, floor, hidden or task.state >= TaskState.FINISHED_MASK))
    return found


def _min_state(state: int) -> int:
    # SpiffWorkflow's TaskIterator: which tasks' children a filter on ``state`` looks at.
    if state & TaskState.PREDICTED_MASK:
        return TaskState.MAYBE
    if state & TaskState.DEFINITE_MASK:
        return TaskState.FUTURE
    return TaskState.COMPLETED


def select(walked: list[tuple], state: int = TaskState.ANY_MASK, manual: bool | None = None,
           spec_name: str | None = None) -> list:
    """The tasks of a :func:`tree` that ``workflow.get_tasks(state=…, manual=…, spec_name=…)`` gives, in order."""
    lowest, unfinished = _min_state(state), state <= TaskState.FINISHED_MASK
    return [task for task, floor, hidden in walked
            if floor >= lowest and not (hidden and unfinished) and task.state & state
            and (manual is None or task.task_spec.manual == manual)
            and (spec_name is None or task.task_spec.name == spec_name)]


@contextmanager
def settled(workflow: BpmnWorkflow) -> Iterator[None]:
    """Answer ``workflow.get_tasks`` from one walk while nothing changes the workflow (a command storing it:
    the digest, the inbox rows, the timers, the waits and the effects each ask for tasks)."""
    if "get_tasks" in vars(workflow):  # already inside: the outer walk stands
        yield
        return
    walked = tree(workflow)
    original = workflow.get_tasks

    def get_tasks(first_task=None, **kwargs):
        if first_task is None and kwargs.keys() <= _ANSWERED:
            return select(walked, **kwargs)
        return original(first_task, **kwargs)
    workflow.get_tasks = get_tasks
    try:
        yield
    finally:
        del workflow.get_tasks


def task_key(workflow: BpmnWorkflow, task) -> dict:
    """See :func:`workflows.engine.task_key`: one walk, no filter objects, and none at all for a task whose spec
    has no other task anywhere (most of them: the tree order matters only among several)."""
    name = task.task_spec.name
    every = (workflow.tasks, *(sub.tasks for sub in workflow.subprocesses.values()))
    if sum(1 for tasks in every for other in tasks.values() if other.task_spec.name == name) == 1:
        return {"spec": name, "ordinal": 0}
    same = [other.id for other, _floor, _hidden in tree(workflow) if other.task_spec.name == name]
    return {"spec": name, "ordinal": same.index(task.id)}
