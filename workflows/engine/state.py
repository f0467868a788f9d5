"""A case's workflow to and from its stored state: the serializer, and the parsed specs cached per deployed version."""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from workflows.engine import task_dicts
from workflows.engine.clock import install_engine_clock
from workflows.engine.expressions import make_script_engine

# Parsed specs kept per process: a deployment holds a handful of processes with a few versions each.
SPEC_CACHE_SIZE = 64
_specs: OrderedDict = OrderedDict()
_specs_lock = threading.Lock()


@lru_cache(maxsize=1)
def serializer() -> BpmnWorkflowSerializer:
    """The one serializer, configured for the spiff parser's task specs."""
    install_engine_clock()
    ser = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    task_dicts.install(ser.registry)  # the same dicts, faster: every command writes every task
    return ser


def spec_to_json(spec, subprocess_specs: dict) -> str:
    """The serialized spec part, stored once per deployed version."""
    registry = serializer().registry
    return json.dumps({
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(sub) for name, sub in subprocess_specs.items()},
    })


def spec_objects(spec_json: str | Callable[[], str], key: str | None = None) -> tuple:
    """(spec, subprocess specs) of a deployed version, parsed once per process and shared by its workflows.

    ``key`` names the version (a deployed version never changes, so its sha256 will do); without one the JSON
    text is its own key. ``spec_json`` may be a function giving the text, called only when the cache misses.
    SpiffWorkflow reads specs and never writes them while a workflow runs (tests/engine/test_spec_cache.py).
    """
    if key is None:
        if callable(spec_json):
            raise TypeError("spec_objects: a spec given as a function needs a key")
        key = spec_json
    with _specs_lock:
        found = _specs.get(key)
        if found is not None:
            _specs.move_to_end(key)
            return found
    part = json.loads(spec_json() if callable(spec_json) else spec_json)
    registry = serializer().registry
    found = (registry.restore(part["spec"]),
             {name: registry.restore(sub) for name, sub in part["subprocess_specs"].items()})
    with _specs_lock:
        found = _specs.setdefault(key, found)  # a thread that parsed it first wins: one object per version
        while len(_specs) > SPEC_CACHE_SIZE:
            _specs.popitem(last=False)
    return found


def new_workflow(spec_json: str, key: str | None = None) -> BpmnWorkflow:
    """A fresh workflow of a deployed spec."""
    spec, subs = spec_objects(spec_json, key)
    return BpmnWorkflow(spec, subs, script_engine=make_script_engine())


def restore(state_json: str | bytes, spec_json: str | Callable[[], str], key: str | None = None) -> BpmnWorkflow:
    """Rebuild a workflow from its stored state against its version's (cached) spec objects."""
    ser = serializer()
    dct = orjson.loads(state_json)
    if dct.get(ser.VERSION_KEY) == ser.VERSION:
        del dct[ser.VERSION_KEY]
        # Restoring leaves objects that are not dicts as they are: the cached specs go in whole.
        dct["spec"], subs = spec_objects(spec_json, key)
        dct["subprocess_specs"] = dict(subs)
    else:  # an older format: its migrations rewrite the spec part too, so restore that from its JSON
        dct.update(json.loads(spec_json() if callable(spec_json) else spec_json))
        ser.migrate(dct)
    workflow = ser.from_dict(dct)
    workflow.script_engine = make_script_engine()
    return workflow


@lru_cache(maxsize=1)
def _workflow_converter():
    registry = serializer().registry
    return registry.convert_to_dict[registry.typenames[BpmnWorkflow]].args[1].__self__


def dump(workflow: BpmnWorkflow) -> str:
    """The workflow state as JSON, without the spec (which lives in ``process_spec``).

    The same dict as the serializer's ``to_dict`` less "spec" and "subprocess_specs", built without converting
    the spec at all (that was a third of a large model's serializing).
    """
    ser, converter = serializer(), _workflow_converter()
    dct = WorkflowConverter.to_dict(converter, workflow)
    dct["subprocesses"] = converter.mapping_to_dict(workflow.subprocesses)
    dct["bpmn_events"] = ser.registry.convert(workflow.bpmn_events)
    dct["typename"] = ser.registry.typenames[BpmnWorkflow]
    dct[ser.VERSION_KEY] = ser.VERSION
    try:
        return orjson.dumps(dct, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # e.g. an integer beyond 64 bits, which json writes
        return json.dumps(dct, separators=(",", ":"))
