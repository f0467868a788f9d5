"""A case's diagram drawn from its version's layout, read once per process version and language, then marked."""

import threading
from collections import OrderedDict
from collections.abc import Callable

from storage.models import ProcessSpec
from workflows import diagram
from workflows.actors import ROLE_NAMES
from workflows.engine import taken_flows
from workflows.errors import DeployError
from workflows.queries.people import role_name

# Layouts kept: a deployment holds a handful of processes with a few versions, each drawn in two languages and
# perhaps in a second diagram of the model.
CACHE_SIZE = 64
_layouts: OrderedDict = OrderedDict()
_flows: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _kept(cache: OrderedDict, key, make):
    """``cache[key]``, made by ``make()`` when missing (outside the lock: two threads may both make it once)."""
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
    made = make()
    with _lock:
        found = cache.setdefault(key, made)
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return found


def flows_taken(spec: ProcessSpec, workflow) -> frozenset[str]:
    """The sequence flows ``workflow`` took; its version's flows are read from the sources once."""
    flows = _kept(_flows, (spec.process_id, spec.sha256), lambda: taken_flows.sequence_flows(spec.sources))
    steps = taken_flows.steps_taken(workflow)
    return frozenset(flow for flow, ends in flows.items() if ends in steps)


def drawing(spec: ProcessSpec, marks: diagram.Marks, *, english: bool, translate: Callable[[str], str],
            diagram_id: str | None) -> diagram.Drawing:
    """The diagram ``diagram_id`` of ``spec`` when the model has it, else the main one, marked with ``marks``; a
    model that cannot be drawn gives an empty drawing whose warning says why (as case_history.drawn does).

    ``translate`` must put texts in the language ``english`` says: a layout is kept per language. A deployed
    version never changes, so (process, sha256) names its drawing; its sources are read only when not kept.
    """
    laid = _kept(_layouts, (spec.process_id, spec.sha256, diagram_id or "", english),
                 lambda: _laid_out(spec.sources, english, translate, diagram_id))
    return laid if isinstance(laid, diagram.Drawing) else diagram.marked(laid, marks)


def _laid_out(sources, english: bool, translate, diagram_id: str | None) -> "diagram.Layout | diagram.Drawing":
    labels = {code: role_name(code, english) for code in ROLE_NAMES}
    if diagram_id:
        try:
            return diagram.layout(sources, diagram=diagram_id, labels=labels, translate=translate)
        except DeployError:
            pass
    try:
        return diagram.layout(sources, labels=labels, translate=translate)
    except DeployError as error:
        return diagram.Drawing(svg="", warnings=(translate(error.message),), diagram_id="", diagrams=())

