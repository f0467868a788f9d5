"""How BPMN edges are drawn: sequence flows, message flows and associations, with their end markers."""

import itertools
import math

from workflows.diagram.interchange import CONTAINERS
from workflows.diagram.interchange import MODEL
from workflows.diagram.interchange import Diagram
from workflows.diagram.interchange import Edge
from workflows.diagram.interchange import local_name
from workflows.diagram.shapes import LABEL_SIZE
from workflows.diagram.shapes import OUTER_LABEL_WIDTH
from workflows.diagram.shapes import TASKS
from workflows.diagram.shapes import outer_label
from workflows.diagram.svg import Paint
from workflows.diagram.svg import block_height
from workflows.diagram.svg import num
from workflows.diagram.svg import points
from workflows.diagram.svg import text_block
from workflows.diagram.svg import wrap

ARROW_LENGTH = 11
ARROW_HALF_WIDTH = 4
DOTTED = ' stroke-dasharray="0.5 5" stroke-linecap="round"'
DASHED = ' stroke-dasharray="6 4"'

Point = tuple[float, float]


def _direction(start: Point, towards: list[Point]) -> Point:
    """The unit vector from ``start`` to the first of ``towards`` that is not on top of it."""
    for point in towards:
        dx, dy = point[0] - start[0], point[1] - start[1]
        length = math.hypot(dx, dy)
        if length > 1e-6:
            return dx / length, dy / length
    return 1.0, 0.0


def _along(point: Point, direction: Point, distance: float, across: float = 0) -> Point:
    """A point ``distance`` along ``direction`` from ``point`` and ``across`` to its left."""
    return (point[0] + direction[0] * distance - direction[1] * across,
            point[1] + direction[1] * distance + direction[0] * across)


def _arrowhead(tip: Point, backwards: Point, fill: str, paint: Paint, *, closed: bool = True) -> str:
    base = _along(tip, backwards, ARROW_LENGTH)
    left, right = _along(base, backwards, 0, ARROW_HALF_WIDTH), _along(base, backwards, 0, -ARROW_HALF_WIDTH)
    if not closed:
        return (f'<polyline points="{points([left, tip, right])}" fill="none" stroke="{paint.stroke}" '
                f'stroke-width="1.5"/>')
    return (f'<polygon points="{points([tip, left, right])}" fill="{fill}" stroke="{paint.stroke}" '
            f'stroke-width="1" stroke-linejoin="round"/>')


def _middle(route: list[Point]) -> tuple[Point, bool]:
    """The point halfway along the route, and whether the route runs vertically there."""
    segments = list(itertools.pairwise(route))
    lengths = [math.dist(a, b) for a, b in segments]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(segments, lengths, strict=True):
        if length >= remaining and length > 0:
            share = remaining / length
            vertical = abs(b[1] - a[1]) > abs(b[0] - a[0])
            return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share), vertical
        remaining -= length
    return route[0], False


def edge_label(edge: Edge, name: str, paint: Paint) -> str:
    """A flow's name: in its DI label bounds when given, else beside the middle of the route."""
    if not name:
        return ""
    if edge.label is not None and edge.label.width > 1:
        return outer_label(name, edge.label, edge.label, paint)
    (x, y), vertical = _middle(edge.points)
    lines = wrap(name, OUTER_LABEL_WIDTH, LABEL_SIZE)
    height = block_height(lines, LABEL_SIZE)
    if vertical:
        return text_block(lines, x + 6, y - height / 2, LABEL_SIZE, paint.text, anchor="start")
    return text_block(lines, x, y - height - 3, LABEL_SIZE, paint.text)


def _line(route: list[Point], paint: Paint, width: float, style: str = "") -> str:
    return (f'<polyline points="{points(route)}" fill="none" stroke="{paint.stroke}" '
            f'stroke-width="{num(width)}" stroke-linejoin="round"{style}/>')


def _sequence_flow(edge: Edge, diagram: Diagram, paint: Paint) -> str:
    route = list(edge.points)
    start, end = route[0], route[-1]
    forwards = _direction(start, route[1:])
    backwards = _direction(end, route[-2::-1])
    source = diagram.model.get(edge.element.get("sourceRef") or "")
    source_kind = local_name(source) if source is not None else ""
    parts = []
    if source is not None and source.get("default") == edge.element_id:
        # The default flow: a slash across the line near its source.
        centre = _along(start, forwards, 9)
        slash = [_along(centre, forwards, -4, 6), _along(centre, forwards, 4, -6)]
        parts.append(f'<polyline points="{points(slash)}" stroke="{paint.stroke}" stroke-width="1.5"/>')
    elif (edge.element.find(f"{{{MODEL}}}conditionExpression") is not None
          and source_kind in TASKS | CONTAINERS):
        # A conditional flow leaving an activity starts with a small open diamond.
        diamond = [start, _along(start, forwards, 8, 4.5), _along(start, forwards, 16),
                   _along(start, forwards, 8, -4.5)]
        parts.append(f'<polygon points="{points(diamond)}" fill="{paint.fill}" stroke="{paint.stroke}" '
                     f'stroke-width="1.2"/>')
        route[0] = diamond[2]
    # The line stops inside the arrowhead so that its width does not blunt the tip.
    route[-1] = _along(end, backwards, ARROW_LENGTH / 2)
    parts.insert(0, _line(route, paint, paint.width(1.5)))
    parts.append(_arrowhead(end, backwards, paint.stroke, paint))
    return "".join(parts)


def _message_flow(edge: Edge, diagram: Diagram, paint: Paint) -> str:
    route = list(edge.points)
    start, end = route[0], route[-1]
    forwards = _direction(start, route[1:])
    backwards = _direction(end, route[-2::-1])
    centre = _along(start, forwards, 4)
    route[0], route[-1] = _along(start, forwards, 8), _along(end, backwards, ARROW_LENGTH)
    return (_line(route, paint, paint.width(1.5), DASHED)
            + f'<circle cx="{num(centre[0])}" cy="{num(centre[1])}" r="4" fill="{paint.fill}" '
              f'stroke="{paint.stroke}" stroke-width="1.2"/>'
            + _arrowhead(end, backwards, paint.fill, paint))


def _association(edge: Edge, diagram: Diagram, paint: Paint) -> str:
    route = edge.points
    parts = [_line(route, paint, paint.width(1.5), DOTTED)]
    direction = edge.element.get("associationDirection") if edge.element is not None else None
    if edge.kind in ("dataInputAssociation", "dataOutputAssociation") or direction in ("One", "Both"):
        parts.append(_arrowhead(route[-1], _direction(route[-1], route[-2::-1]), "none", paint, closed=False))
    if direction == "Both":
        parts.append(_arrowhead(route[0], _direction(route[0], route[1:]), "none", paint, closed=False))
    return "".join(parts)


def _plain(edge: Edge, diagram: Diagram, paint: Paint) -> str:
    """An edge of another kind (a conversation link) or one that names no model element."""
    style = "" if edge.element is not None else DOTTED
    return _line(edge.points, paint, paint.width(1.5), style)


DRAWERS = {
    "sequenceFlow": _sequence_flow,
    "messageFlow": _message_flow,
    "association": _association,
    "dataInputAssociation": _association,
    "dataOutputAssociation": _association,
}


def draw_edge(edge: Edge, diagram: Diagram, paint: Paint) -> str:
    """The SVG elements of one edge and its name (without its enclosing group)."""
    drawn = DRAWERS.get(edge.kind, _plain)(edge, diagram, paint)
    return drawn + edge_label(edge, diagram.name_of(edge.element), paint)
