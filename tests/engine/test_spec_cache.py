"""The parsed spec is cached per deployed version and shared by every workflow of it: running them must not change
it, restoring must reuse it, the cache stays bounded, and a state dumped without the spec is the serializer's own."""

import json
from datetime import UTC
from datetime import datetime

from tests.conftest import DATA
from workflows import engine
from workflows.engine import state
from workflows.engine import transitions
from workflows.processes import deploy

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def spec_json_of(name: str) -> str:
    parser, (process_id, *_) = deploy.parse(deploy.bundle_from_paths([DATA / name]))
    return engine.spec_to_json(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))


def complete(workflow, bpmn_id: str, data: dict, spec_json: str):
    """Complete the READY task ``bpmn_id`` and return the workflow as a command would next see it: dumped and
    restored against the cached spec."""
    (task,) = [task for task in engine.ready_user_tasks(workflow) if task.task_spec.bpmn_id == bpmn_id][:1]
    with engine.running(AT):
        transitions.task_completed(workflow, task, data)
    return engine.restore(engine.dump(workflow), spec_json)


def snapshot(spec_json: str) -> tuple:
    registry = engine.serializer().registry
    spec, subs = engine.spec_objects(spec_json)
    return registry.convert(spec), {name: registry.convert(sub) for name, sub in subs.items()}


def test_a_loop_a_script_a_gateway_and_a_timer_leave_the_shared_spec_as_it_was():
    spec_json = spec_json_of("two_lane.bpmn")
    before = snapshot(spec_json)
    for _ in range(2):  # two cases of the same version share one spec
        with engine.running(AT):
            workflow = transitions.started(spec_json, {})
        workflow = complete(workflow, "prepare", {"candidate": "张三"}, spec_json)
        workflow = complete(workflow, "review", {"approved": False}, spec_json)  # back to prepare: a loop
        workflow = complete(workflow, "prepare", {"candidate": "李四"}, spec_json)
        workflow = complete(workflow, "review", {"approved": True}, spec_json)
        assert engine.waiting_timers(workflow)
        assert workflow.spec is engine.spec_objects(spec_json)[0]
    assert snapshot(spec_json) == before


def test_a_multi_instance_vote_leaves_the_shared_spec_as_it_was():
    spec_json = spec_json_of("party_vote.bpmn")
    before = snapshot(spec_json)
    with engine.running(AT):
        workflow = transitions.started(spec_json, {"members": ["a", "b", "c"]})
    for _ in range(3):
        workflow = complete(workflow, "vote", {"ballot": "approve"}, spec_json)
    assert workflow.completed
    assert snapshot(spec_json) == before


def test_the_dumped_state_is_the_serializers_dict_without_the_spec():
    spec_json = spec_json_of("party_vote.bpmn")
    with engine.running(AT):
        workflow = transitions.started(spec_json, {"members": ["甲", "乙"]})
    ser = engine.serializer()
    full = ser.to_dict(workflow)
    del full["spec"], full["subprocess_specs"]
    full[ser.VERSION_KEY] = ser.VERSION
    assert json.loads(engine.dump(workflow)) == json.loads(json.dumps(full))


def test_the_cache_is_bounded_and_keeps_what_was_used_last(monkeypatch):
    monkeypatch.setattr(state, "SPEC_CACHE_SIZE", 2)
    monkeypatch.setattr(state, "_specs", state.OrderedDict())
    loads = []

    def source(name):
        return lambda: loads.append(name) or spec_json_of(name)
    for key in ("a", "b", "a", "c", "a"):
        state.spec_objects(source("two_lane.bpmn"), key)
    assert list(state._specs) == ["c", "a"] and loads == ["two_lane.bpmn", "two_lane.bpmn", "two_lane.bpmn"]
