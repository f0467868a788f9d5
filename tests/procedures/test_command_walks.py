"""The command path's shortcuts give what SpiffWorkflow gives, at every command of every path of the sixteen-step
selection (subprocesses, multi-instance votes, boundary timers, messages, loops back): the one walk a command
answers its task queries from (engine.settled), task for task and in order, and the faster task converter."""

# The test compares against SpiffWorkflow itself.
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: TID251
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: TID251
from SpiffWorkflow.util.task import TaskState  # noqa: TID251

from tests.procedures.test_selection import SCENARIOS
from tests.procedures.test_selection import START
from workflows import engine
from workflows.commands import recipe
from workflows.engine import walk

MODELS = ["cadre_selection.bpmn"]
FILTERS = [{}, {"state": TaskState.READY, "manual": True}, {"state": TaskState.READY},
           {"state": TaskState.WAITING}, {"state": TaskState.COMPLETED}, {"state": TaskState.CANCELLED},
           {"state": TaskState.FINISHED_MASK}, {"state": TaskState.NOT_FINISHED_MASK},
           {"state": TaskState.PREDICTED_MASK}, {"state": TaskState.DEFINITE_MASK}, {"manual": False}]


def test_one_walk_answers_as_spiffworkflow_does(bureau, clock, monkeypatch):
    checked = []
    original = walk.settled
    plain = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    def checking(workflow):
        walked = walk.tree(workflow)
        for kwargs in FILTERS:
            assert walk.select(walked, **kwargs) == workflow.get_tasks(**kwargs), kwargs
        every = workflow.get_tasks()
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.COMPLETED):
            same = [other.id for other in every if other.task_spec.name == task.task_spec.name]
            assert walk.task_key(workflow, task)["ordinal"] == same.index(task.id)
        for task, _floor, _hidden in walked:
            ours, theirs = engine.serializer().registry.convert(task), plain.registry.convert(task)
            assert (list(ours.items()) == list(theirs.items())), task
        checked.append((len(walked), bool(workflow.subprocesses)))
        return original(workflow)
    monkeypatch.setattr(recipe.engine, "settled", checking)
    for story, _end in SCENARIOS.values():
        clock.at = START
        story(bureau)
    # Every command of every path, large trees and trees with subprocesses among them.
    assert len(checked) > 300 and max(size for size, _ in checked) > 100 and any(sub for _, sub in checked)
    assert engine.settled is checking
