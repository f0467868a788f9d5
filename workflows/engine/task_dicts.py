"""The serializer's task converter, faster: the same dict as SpiffWorkflow's TaskConverter.to_dict, built without the
registry's generic dispatch for each task and with each task id's text made once per process."""

from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.task import Task

# Every command writes every task of its case (a 100-task model: ~300 ids); str(UUID) was a sixth of that.
ID_TEXTS_LIMIT = 50_000  # ~10 MB at most
_id_texts: dict = {}


def id_text(task_id) -> str:
    """``str(task_id)``, made once per process."""
    found = _id_texts.get(task_id)
    if found is None:
        if len(_id_texts) >= ID_TEXTS_LIMIT:
            _id_texts.clear()
        found = _id_texts[task_id] = str(task_id)
    return found


def install(registry: DefaultRegistry) -> None:
    """Put :func:`task_to_dict` in ``registry`` in place of its converter of SpiffWorkflow tasks."""
    typename = registry.typenames[Task]
    original = registry.convert_to_dict[typename]
    convert = registry.convert

    def task_to_dict(task):
        if type(task) is not Task:  # a task class of someone else's: its own converter
            return original(task)
        # SpiffWorkflow's TaskConverter.to_dict, key for key and in its order, plus the typename the registry adds.
        parent = task.workflow.tasks.get(task._parent)
        if parent is None:
            data, delta = task.data, {}
        else:
            mine, theirs = task.data, parent.data
            data = {}
            delta = {"updates": {key: mine[key] for key in mine if key not in theirs or mine[key] != theirs[key]},
                     "deletions": [key for key in theirs if key not in mine]}
        internal = task.internal_data
        return {
            "id": id_text(task.id),
            "parent": id_text(task._parent) if parent is not None else None,
            "children": [id_text(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": convert(internal) if internal else {},
            "data": data,
            "delta": delta,
            "typename": typename,
        }
    registry.convert_to_dict[typename] = task_to_dict
