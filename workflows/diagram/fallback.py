"""Routes for edges whose diagram interchange gives none: a straight connector from border to border of their shapes."""

from lxml import etree

from workflows.diagram.interchange import MODEL
from workflows.diagram.interchange import Box
from workflows.diagram.interchange import Edge
from workflows.diagram.interchange import Reading
from workflows.diagram.interchange import Shape
from workflows.text import t

Point = tuple[float, float]


def _end(element: etree._Element, name: str) -> str:
    """The id an edge starts or ends at: an attribute on flows, a child element on data associations."""
    reference = element.get(name)
    if reference is None:
        child = element.find(f"{{{MODEL}}}{name}")
        reference = child.text if child is not None else None
    return (reference or "").strip()


def _border(box: Box, towards: Point) -> Point:
    """Where the line from the box's centre to ``towards`` leaves the box."""
    dx, dy = towards[0] - box.cx, towards[1] - box.cy
    if dx == 0 and dy == 0:
        return box.cx, box.cy
    # The smaller of the two scales keeps the point on the box's edge (a zero direction never limits).
    scale_x = box.width / 2 / abs(dx) if dx else float("inf")
    scale_y = box.height / 2 / abs(dy) if dy else float("inf")
    scale = min(scale_x, scale_y)
    return box.cx + dx * scale, box.cy + dy * scale


def route_missing(items: list[Shape | Edge], reading: Reading) -> list[Shape | Edge]:
    """``items`` with each edge that has no route joined straight to its shapes, or left out when they are not drawn.

    Open-BPMN writes sequence flows without waypoints; bpmn-js draws them from the shapes, and so does cadreflow,
    with a warning saying so.
    """
    boxes: dict[str, Box] = {}
    for item in items:
        if isinstance(item, Shape):
            boxes.setdefault(item.element_id, item.bounds)
    kept = []
    for item in items:
        if isinstance(item, Shape) or item.points:
            kept.append(item)
            continue
        name = item.di_id or item.element_id
        source = boxes.get(_end(item.element, "sourceRef")) if item.element is not None else None
        target = boxes.get(_end(item.element, "targetRef")) if item.element is not None else None
        if source is None or target is None or source == target:
            reading.skip(name, t("连线 {di_id} 没有完整的路径点，且起点或终点的图形未绘制，未绘制", di_id=name))
            continue
        item.points = [_border(source, (target.cx, target.cy)), _border(target, (source.cx, source.cy))]
        reading.warnings.append(t("连线 {di_id} 没有完整的路径点，已由 cadreflow 按起点和终点直线连接", di_id=name))
        kept.append(item)
    return kept
