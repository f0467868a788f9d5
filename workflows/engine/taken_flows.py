"""Which sequence flows of a model a workflow has taken: for the diagram and for the tests' flow coverage."""

from collections.abc import Iterable

from lxml import etree
from SpiffWorkflow.util.task import TaskState

from workflows.processes.xml_checks import NS
from workflows.processes.xml_checks import parse_xml

REACHED = ("READY", "WAITING", "STARTED", "COMPLETED")


def sequence_flows(sources: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every sequence flow of the BPMN sources: {flow id: (source id, target id)}."""
    flows = {}
    for name, text in sources.items():
        if not name.endswith(".bpmn"):
            continue
        root: etree._Element = parse_xml(text.encode("utf-8"), name)
        for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
            flows[flow.get("id")] = (flow.get("sourceRef"), flow.get("targetRef"))
    return flows


def _reached(task) -> bool:
    """Whether the workflow got to ``task``: it ran or waits, or it was cancelled after its parent finished
    (an activity a boundary event interrupted, or an open task when the case was withdrawn)."""
    state = TaskState.get_name(task.state)
    if state in REACHED:
        return True
    return state == "CANCELLED" and task.parent is not None and task.parent.state == TaskState.COMPLETED


def element_before(task):
    """The nearest ancestor that is a BPMN element (skipping the engine's own split and join tasks)."""
    parent = task.parent
    while parent is not None and not getattr(parent.task_spec, "bpmn_id", None):
        parent = parent.parent
    return parent


def steps_taken(workflow) -> set[tuple[str, str]]:
    """(source element, target element) of every step the workflow made from one BPMN element to the next."""
    taken = set()
    for task in workflow.get_tasks():
        target = getattr(task.task_spec, "bpmn_id", None)
        if not target or not _reached(task):
            continue
        before = element_before(task)
        source = before.task_spec.bpmn_id if before is not None else None
        if source and source != target:  # a multi-instance child shares its parent's id
            taken.add((source, target))
    return taken


def flows_taken(sources: dict[str, str], workflows: Iterable) -> set[str]:
    """The ids of the sequence flows some of ``workflows`` took."""
    steps = set().union(*(steps_taken(workflow) for workflow in workflows))
    return {flow for flow, ends in sequence_flows(sources).items() if ends in steps}
