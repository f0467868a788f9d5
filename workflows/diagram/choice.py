"""Which of a file's diagrams is the main one, and the list of all of them to offer the others."""

from dataclasses import dataclass

from lxml import etree

from workflows.diagram.interchange import BPMN_EDGE
from workflows.diagram.interchange import BPMN_SHAPE
from workflows.diagram.interchange import diagram_title
from workflows.diagram.interchange import local_name
from workflows.diagram.interchange import planes_of


@dataclass(frozen=True)
class DiagramChoice:
    """One BPMNDiagram of the file: its id, its title and how many shapes it has (in all its planes)."""

    id: str
    title: str
    shapes: int


def _count(diagram: etree._Element, tag: str) -> int:
    return sum(1 for plane in planes_of(diagram) for node in plane if node.tag == tag)


def drawable_items(diagram: etree._Element) -> int:
    """The BPMNShapes and BPMNEdges of all the diagram's planes."""
    return _count(diagram, BPMN_SHAPE) + _count(diagram, BPMN_EDGE)


def offered(diagrams: list[etree._Element], model: dict[str, etree._Element]) -> tuple[DiagramChoice, ...]:
    return tuple(DiagramChoice(id=diagram.get("id") or "", title=diagram_title(diagram, model, diagram.get("id") or ""),
                               shapes=_count(diagram, BPMN_SHAPE)) for diagram in diagrams)


def _rank(diagram: etree._Element, model: dict[str, etree._Element]) -> int:
    """0 for the collaboration's diagram, 1 for the executable process's, 2 for another process's, else 3."""
    planes = planes_of(diagram)
    element = model.get((planes[0].get("bpmnElement") or "").strip()) if planes else None
    kind = local_name(element) if element is not None else ""
    if kind == "collaboration":
        return 0
    if kind == "process":
        return 1 if (element.get("isExecutable") or "").strip().lower() == "true" else 2
    return 3


def main_diagram(diagrams: list[etree._Element], model: dict[str, etree._Element]) -> etree._Element:
    """The diagram to draw when none is asked for.

    Tools list sub-process diagrams before the main one (20 of the MIWG suite's 106 files with several diagrams):
    the collaboration's diagram comes first, then the executable process's, then any process's, then the largest;
    within one rank the one with the most shapes, then the first. A diagram with nothing to draw comes last.
    """
    def key(indexed: tuple[int, etree._Element]) -> tuple[bool, int, int, int]:
        index, diagram = indexed
        return drawable_items(diagram) == 0, _rank(diagram, model), -_count(diagram, BPMN_SHAPE), index

    return min(enumerate(diagrams), key=key)[1]
