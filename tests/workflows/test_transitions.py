"""One path for every state change: the commands and the replay apply events through workflows.transitions only."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from workflows.engine import transitions
from workflows.record import replay

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# What moves a workflow: running the engine, completing or cancelling, or handing it a message.
MOVES = re.compile(r"engine\.advance\(|\.run\(\)|\.cancel\(\)|send_message\(|send_event\(")


def test_only_the_transitions_move_a_workflow():
    movers = sorted(str(path.relative_to(WORKFLOWS)) for path in WORKFLOWS.rglob("*.py")
                    if MOVES.search(path.read_text(encoding="utf-8")))
    assert movers == ["engine/__init__.py", "engine/transitions.py"]


def test_a_task_that_is_not_waiting_is_refused_the_same_way_live_and_in_replay():
    with pytest.raises(transitions.NotReady):
        transitions.task_completed(None, None, {})
    # Replay turns the same refusal into a mismatch naming the task.
    with pytest.raises(replay.ReplayMismatch, match="不处于待办状态"):
        replay.apply_event(_NoTasks(), "task.completed", {"task": {"spec": "x", "ordinal": 0}, "data": {}}, "{}")


class _NoTasks:
    """A workflow with no task but its root (what engine.task_by_key walks: the tree, and SpiffWorkflow's list)."""

    subprocesses: dict = {}
    tasks: dict = {}

    def __init__(self):
        self.task_tree = SimpleNamespace(id=None, state=64, _children=[], workflow=self,
                                         task_spec=SimpleNamespace(name="Root"))

    def get_tasks(self, **_):
        return [self.task_tree]
