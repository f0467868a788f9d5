"""Draw a process model's BPMN diagram interchange as a standalone SVG, with a case's progress marked on it."""

import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from lxml import etree

from workflows.diagram.choice import DiagramChoice
from workflows.diagram.choice import drawable_items
from workflows.diagram.choice import main_diagram
from workflows.diagram.choice import offered
from workflows.diagram.edges import draw_edge
from workflows.diagram.fallback import route_missing
from workflows.diagram.interchange import BPMN_DIAGRAM
from workflows.diagram.interchange import CONTAINERS
from workflows.diagram.interchange import Diagram
from workflows.diagram.interchange import Edge
from workflows.diagram.interchange import Reading
from workflows.diagram.interchange import Shape
from workflows.diagram.interchange import local_name
from workflows.diagram.interchange import model_index
from workflows.diagram.interchange import read_diagram
from workflows.diagram.shapes import OUTER_LABEL_WIDTH
from workflows.diagram.shapes import OUTER_LABELS
from workflows.diagram.shapes import draw_shape
from workflows.diagram.svg import FONT
from workflows.diagram.svg import INK
from workflows.diagram.svg import WHITE
from workflows.diagram.svg import Paint
from workflows.diagram.svg import esc
from workflows.diagram.svg import num
from workflows.diagram.svg import text_width
from workflows.errors import DeployError
from workflows.processes.xml_checks import parse_xml
from workflows.text import joined
from workflows.text import t

MARGIN = 20
COMPLETED = Paint(stroke="#2e7d32", fill="#e8f5e9")
OPEN = Paint(stroke="#e8710a", fill="#fff3e0", emphasis=True)
TAKEN = Paint(stroke="#2e7d32", emphasis=True)
BADGE = "#1a4fa0"
STATE_NAMES = {"completed": t("已完成"), "open": t("待办"), "taken": t("已流经")}
_ENCODING_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


@dataclass(frozen=True)
class Marks:
    """A case's progress to show on the diagram; every field holds BPMN element ids."""

    completed: frozenset[str] = frozenset()   # elements finished at least once
    taken_flows: frozenset[str] = frozenset()  # sequence flows taken
    open: frozenset[str] = frozenset()         # elements with a READY or WAITING task
    counts: Mapping[str, int] = field(default_factory=dict)  # element id -> times it ran (badge when > 1)


@dataclass(frozen=True)
class Drawing:
    """A drawn diagram: the SVG, what was skipped or repaired (in the reader's language), and the other diagrams.

    ``{{ drawing|safe }}`` in a template prints the SVG (``__html__``).
    """

    svg: str
    warnings: tuple[str, ...]
    diagram_id: str
    diagrams: tuple[DiagramChoice, ...]
    shapes: int = 0  # drawn
    edges: int = 0

    def __html__(self) -> str:
        return self.svg


def draw(sources: Mapping[str, str | bytes], marks: Marks = Marks(), *, diagram: str | None = None,
         labels: Mapping[str, str] | None = None, translate: Callable[[str], str] = str) -> Drawing:
    """The main diagram of the first .bpmn of ``sources`` with a diagram (or the diagram with id ``diagram``).

    Draws what it can: a DI element naming a missing model element, unusable bounds or waypoints are left out, a
    bad label box is ignored, an edge without a route is drawn straight between its shapes, and each of these is
    a warning (a domain message, see :mod:`workflows.text`, put through ``translate`` like the hover texts).
    ``labels`` maps a lane or pool name (a role code) to the title shown for it. Raises DeployError naming the
    file when it has no diagram at all, when the diagram asked for is not there, or when nothing can be drawn.
    """
    return marked(layout(sources, diagram=diagram, labels=labels, translate=translate), marks)


@dataclass
class Layout:
    """A diagram read once for any case's marks: the SVG's head, the items in drawing order, and each item's group
    as drawn in each state asked for (a version is drawn alike for every case: only what a case marks differs)."""

    head: str
    items: list
    drawing: Diagram
    labels: Mapping[str, str]
    translate: Callable[[str], str]
    warnings: tuple[str, ...]
    diagram_id: str
    diagrams: tuple[DiagramChoice, ...]
    groups: dict = field(default_factory=dict)


def layout(sources: Mapping[str, str | bytes], *, diagram: str | None = None,
           labels: Mapping[str, str] | None = None, translate: Callable[[str], str] = str) -> Layout:
    """Read the diagram :func:`draw` draws, without marks (raises as :func:`draw` does)."""
    file, root = _find_source(sources, diagram)
    model = model_index(root)
    diagrams = list(root.iter(BPMN_DIAGRAM))
    if not diagrams:
        raise DeployError(t("无法绘制：文件中没有图形信息（BPMNDiagram）"), file)
    chosen = main_diagram(diagrams, model) if diagram is None else next(
        found for found in diagrams if found.get("id") == diagram)
    reading = Reading(file)
    drawing = read_diagram(root, chosen, reading)
    drawing.items = route_missing(drawing.items, reading)
    if not drawing.items:
        raise DeployError(_nothing_drawable(chosen, reading), file, chosen.get("id"))
    left, top, right, bottom = _extent(drawing)
    width, height = right - left, bottom - top
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" role="img" '
        f'viewBox="{num(left)} {num(top)} {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}" '
        f'font-family="{FONT}"><title>{esc(drawing.title)}</title>'
        f'<rect x="{num(left)}" y="{num(top)}" width="{num(width)}" height="{num(height)}" fill="{WHITE}"/>'
    )
    return Layout(head, sorted(drawing.items, key=_layer), drawing, labels or {}, translate,
                  tuple(translate(warning) for warning in reading.warnings), chosen.get("id") or "",
                  offered(diagrams, model))


def marked(drawn: Layout, marks: Marks = Marks()) -> Drawing:
    """The laid-out diagram with ``marks`` on it; each item's group is drawn once per state it is shown in."""
    groups = []
    for index, item in enumerate(drawn.items):
        element = item.element_id
        state = (index, element in marks.completed, element in marks.open, element in marks.taken_flows,
                 marks.counts.get(element, 0))
        group = drawn.groups.get(state)
        if group is None:
            group = _group(item, drawn.drawing, marks, drawn.labels, drawn.translate)
            if state[-1] < 10:  # a loop run more often is drawn afresh: the memo stays small
                drawn.groups[state] = group
        groups.append(group)
    edges = sum(1 for item in drawn.items if isinstance(item, Edge))
    return Drawing(svg=drawn.head + "".join(groups) + "</svg>", warnings=drawn.warnings, diagram_id=drawn.diagram_id,
                   diagrams=drawn.diagrams, shapes=len(drawn.items) - edges, edges=edges)


def render_svg(sources: Mapping[str, str | bytes], marks: Marks = Marks(), *, diagram: str | None = None,
               labels: Mapping[str, str] | None = None, translate: Callable[[str], str] = str) -> str:
    """The SVG of :func:`draw`, without its warnings."""
    return draw(sources, marks, diagram=diagram, labels=labels, translate=translate).svg


def _nothing_drawable(diagram: etree._Element, reading: Reading) -> str:
    """Why a diagram cannot be drawn: it has no shapes or edges, or every one of them was left out (named)."""
    if drawable_items(diagram) == 0:
        return t("无法绘制：图形 {diagram} 中没有任何 BPMNShape 或 BPMNEdge", diagram=diagram.get("id") or "")
    return t("无法绘制：图形 {diagram} 中没有可绘制的元素（{details}）", diagram=diagram.get("id") or "",
             details=joined(reading.warnings[:3]))


def _as_bytes(data: str | bytes) -> bytes:
    if isinstance(data, bytes):
        return data
    # Text is already decoded: a declaration naming another encoding would make the parser decode it twice.
    return _ENCODING_DECLARATION.sub(r'\1"UTF-8"', data, count=1).encode("utf-8")


def _has_diagram(root: etree._Element, diagram_id: str | None) -> bool:
    return any(diagram_id is None or found.get("id") == diagram_id for found in root.iter(BPMN_DIAGRAM))


def _find_source(sources: Mapping[str, str | bytes], diagram_id: str | None) -> tuple[str, etree._Element]:
    """The .bpmn file to draw: the first with a diagram, or the one holding diagram ``diagram_id``."""
    first = None
    for name, data in sources.items():
        if not name.lower().endswith(".bpmn"):
            continue
        root = parse_xml(_as_bytes(data), name)
        if _has_diagram(root, diagram_id):
            return name, root
        first = first or (name, root)
    if first is None:
        raise DeployError(t("没有可绘制的 BPMN 文件"))
    if diagram_id is not None:
        raise DeployError(t("找不到图形 {diagram}", diagram=diagram_id), first[0], diagram_id)
    return first  # draw() reports that it has no diagram


def _depth(element: etree._Element | None, kinds: set[str]) -> int:
    """How many ancestors of ``element`` are of one of ``kinds`` (lanes in lanes, sub-processes in sub-processes)."""
    depth = 0
    while element is not None:
        element = element.getparent()
        if element is not None and local_name(element) in kinds:
            depth += 1
    return depth


def _layer(item: Shape | Edge) -> tuple[int, int]:
    """Draw order: pools, lanes, expanded sub-processes, other shapes, flows, boundary events; DI order within."""
    if isinstance(item, Edge):
        return 4, 0  # over the shapes they join, so that no task hides an arrowhead or a flow's name
    if item.kind == "participant":
        return 0, 0
    if item.kind == "lane":
        return 1, _depth(item.element, {"lane"})
    if item.kind in CONTAINERS and item.expanded:
        return 2, _depth(item.element, CONTAINERS)
    if item.kind == "boundaryEvent":
        return 5, 0
    return 3, 0


def _paint(item: Shape | Edge, marks: Marks) -> tuple[Paint, list[str]]:
    """The colours for an item and its state classes: the model's own colours unless the case marks it."""
    element_id = item.element_id
    if isinstance(item, Edge):
        if element_id in marks.taken_flows:
            return TAKEN, ["taken"]
        return Paint(stroke=item.stroke or INK), []
    states = []
    if item.kind not in ("participant", "lane"):
        states = [state for state, ids in (("completed", marks.completed), ("open", marks.open))
                  if element_id in ids]
    if "open" in states:
        return OPEN, states
    if "completed" in states:
        return COMPLETED, states
    return Paint(stroke=item.stroke or INK, fill=item.fill or WHITE), states


def _group(item: Shape | Edge, drawing: Diagram, marks: Marks, labels: Mapping[str, str],
           translate: Callable[[str], str]) -> str:
    paint, states = _paint(item, marks)
    kind = "edge" if isinstance(item, Edge) else "shape"
    classes = " ".join([f"bpmn-{kind}", f"bpmn-{item.kind or 'unknown'}", *states])
    body = draw_edge(item, drawing, paint) if kind == "edge" else draw_shape(item, drawing, paint, labels)
    count = marks.counts.get(item.element_id, 0) if kind == "shape" else 0
    name = drawing.name_of(item.element)
    if item.kind in ("participant", "lane"):
        name = labels.get(name, name)  # a lane named by a role code hovers with the role's title, as it is drawn
    tooltip = _tooltip(name, states, count, translate)
    badge = _badge(item, count) if count > 1 else ""
    return (f'<g class="{esc(classes)}" data-element="{esc(item.element_id)}" data-kind="{kind}">'
            f"{tooltip}{body}{badge}</g>")


def _tooltip(name: str, states: list[str], count: int, translate: Callable[[str], str]) -> str:
    """A <title> the browser shows on hover, without JavaScript: the name and the case's progress."""
    if not name:
        return ""
    details = [STATE_NAMES[state] for state in states]
    if count > 1:
        details.append(t("执行 {count} 次", count=count))
    text = t("{name}（{details}）", name=name, details=joined(details, "，")) if details else name
    return f"<title>{esc(translate(text))}</title>"


def _badge(shape: Shape, count: int) -> str:
    """The loop count "×3" in a pill at the shape's top right corner."""
    text = f"×{count}"
    width = text_width(text, 11) + 10
    x, y = shape.bounds.right - width / 2 - 2, shape.bounds.y - 8
    return (f'<g class="count"><rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="16" rx="8" '
            f'fill="{BADGE}"/><text x="{num(x + width / 2)}" y="{num(y + 12)}" font-size="11" fill="{WHITE}" '
            f'text-anchor="middle">{esc(text)}</text></g>')


def _extent(drawing: Diagram) -> tuple[float, float, float, float]:
    """The diagram's bounds with a margin, including names drawn outside shapes and beside flows."""
    xs, ys = [], []

    def cover(x: float, y: float, width: float = 0, height: float = 0) -> None:
        xs.extend((x, x + width))
        ys.extend((y, y + height))

    for item in drawing.items:
        if item.label is not None:
            cover(item.label.x, item.label.y, item.label.width, item.label.height)
        named = bool(drawing.name_of(item.element))
        if isinstance(item, Edge):
            for x, y in item.points:
                cover(x, y)
            if named and item.label is None:
                x, y = item.points[len(item.points) // 2]
                cover(x - OUTER_LABEL_WIDTH / 2, y - 40, OUTER_LABEL_WIDTH, 80)
            continue
        box = item.bounds
        cover(box.x, box.y - 10, box.width, box.height + 10)  # room for a count badge
        if named and item.label is None and item.kind in OUTER_LABELS:
            cover(box.cx - OUTER_LABEL_WIDTH / 2, box.bottom, OUTER_LABEL_WIDTH, 45)
    if not xs:
        return 0, 0, 100, 100
    return min(xs) - MARGIN, min(ys) - MARGIN, max(xs) + MARGIN, max(ys) + MARGIN
