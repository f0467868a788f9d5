"""Read one BPMNDiagram: the shapes and edges of its planes, each tied to the model element it draws, leniently."""

import math
from dataclasses import dataclass

from lxml import etree

from workflows.diagram.svg import colour
from workflows.text import t

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
# Colours other tools write into DI: the OMG's non-normative extension and bpmn.io's own.
COLOR = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
BIOC = "http://bpmn.io/schema/bpmn/biocolor/1.0"

BPMN_DIAGRAM = f"{{{BPMNDI}}}BPMNDiagram"
BPMN_SHAPE = f"{{{BPMNDI}}}BPMNShape"
BPMN_EDGE = f"{{{BPMNDI}}}BPMNEdge"
CONTAINERS = {"subProcess", "adHocSubProcess", "transaction", "callActivity"}


@dataclass(frozen=True)
class Box:
    """A rectangle in diagram coordinates."""

    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Shape:
    """A BPMNShape; ``element_id`` is the model element's id (the DI id when it names none)."""

    di_id: str
    element_id: str
    kind: str  # local name of the model element, e.g. "userTask"; "" when the shape names none
    element: etree._Element | None
    bounds: Box
    label: Box | None
    horizontal: bool | None
    expanded: bool | None  # None: the DI leaves isExpanded out
    marker_visible: bool | None
    fill: str | None
    stroke: str | None


@dataclass
class Edge:
    """A BPMNEdge with its waypoints."""

    di_id: str
    element_id: str
    kind: str
    element: etree._Element | None
    points: list[tuple[float, float]]
    label: Box | None
    stroke: str | None


@dataclass
class Diagram:
    """The items of one diagram in DI order, and the model they draw."""

    title: str
    items: list[Shape | Edge]
    model: dict[str, etree._Element]

    def name_of(self, element: etree._Element | None) -> str:
        return (element.get("name") or "").strip() if element is not None else ""


def local_name(node: etree._Element) -> str:
    return etree.QName(node).localname


def model_index(root: etree._Element) -> dict[str, etree._Element]:
    """Model elements by id; only the BPMN namespace counts, so a vendor extension reusing an id is ignored."""
    index: dict[str, etree._Element] = {}
    for node in root.iter(f"{{{MODEL}}}*"):
        element_id = node.get("id")
        if element_id:
            index.setdefault(element_id, node)
    return index


def _flag(node: etree._Element, name: str) -> bool | None:
    value = node.get(name)
    return None if value is None else value.strip().lower() == "true"


class Reading:
    """What reading one diagram skipped or repaired: domain messages (t()) for the reader, in DI order."""

    def __init__(self, file: str):
        self.file = file
        self.warnings: list[str] = []
        self.skipped: list[str] = []  # DI ids of the shapes and edges not drawn

    def skip(self, di_id: str, warning: str) -> None:
        self.skipped.append(di_id)
        self.warnings.append(warning)


def _number(node: etree._Element, name: str) -> float | None:
    """The finite number in attribute ``name``; None when it is missing, not a number, NaN or infinite."""
    try:
        value = float(node.get(name))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _box(node: etree._Element) -> tuple[Box | None, str]:
    """The Bounds under ``node`` and, when they cannot be used, what is wrong with them ("" when none are given)."""
    bounds = node.find(f"{{{DC}}}Bounds")
    if bounds is None:
        return None, ""
    values = [_number(bounds, name) for name in ("x", "y", "width", "height")]
    for name, value in zip(("x", "y", "width", "height"), values, strict=True):
        if value is None:
            return None, t("{name} 缺失或不是有限数（{value}）", name=name, value=repr(bounds.get(name)))
    box = Box(*values)
    if box.width < 0 or box.height < 0:
        return None, t("宽度或高度为负数（{width} × {height}）", width=bounds.get("width"), height=bounds.get("height"))
    return box, ""


def _label(node: etree._Element, di_id: str, reading: Reading) -> Box | None:
    """The label box of a shape or edge; a bad one (actiBPM writes -1, GenMyModel leaves out the height) is ignored."""
    label = node.find(f"{{{BPMNDI}}}BPMNLabel")
    if label is None:
        return None
    box, problem = _box(label)
    if problem:
        reading.warnings.append(t("图形元素 {di_id} 的标签位置无效（{problem}），标签按默认位置绘制",
                                  di_id=di_id, problem=problem))
    return box


def _colours(node: etree._Element) -> tuple[str | None, str | None]:
    fill = colour(node.get(f"{{{COLOR}}}background-color") or node.get(f"{{{BIOC}}}fill"))
    stroke = colour(node.get(f"{{{COLOR}}}border-color") or node.get(f"{{{BIOC}}}stroke"))
    return fill, stroke


def di_name(node: etree._Element) -> str:
    """How a warning names a DI element: its id, else the model element it names."""
    return node.get("id") or (node.get("bpmnElement") or "").strip() or local_name(node)


def _resolve(node: etree._Element, model: dict, reading: Reading) -> tuple[str, etree._Element | None] | None:
    """The model element a DI element draws (None inside when it names none); None when it names a missing one."""
    reference = (node.get("bpmnElement") or "").strip()
    if not reference:
        return node.get("id") or "", None
    element = model.get(reference)
    if element is None and ":" in reference:
        element = model.get(reference.split(":", 1)[1])  # a QName with a namespace prefix
    if element is None:
        reading.skip(di_name(node), t("图形元素 {di_id} 指向不存在的模型元素 {reference}，未绘制",
                                      di_id=di_name(node), reference=reference))
        return None
    return element.get("id"), element


def _shape(node: etree._Element, model: dict, reading: Reading) -> Shape | None:
    resolved = _resolve(node, model, reading)
    if resolved is None:
        return None
    element_id, element = resolved
    bounds, problem = _box(node)
    if bounds is None:
        problem = problem or t("缺少 Bounds（位置和大小）")
        reading.skip(di_name(node), t("图形元素 {di_id} 的位置无效（{problem}），未绘制",
                                      di_id=di_name(node), problem=problem))
        return None
    fill, stroke = _colours(node)
    return Shape(
        di_id=node.get("id") or "", element_id=element_id,
        kind=local_name(element) if element is not None else "", element=element,
        bounds=bounds, label=_label(node, di_name(node), reading),
        horizontal=_flag(node, "isHorizontal"), expanded=_flag(node, "isExpanded"),
        marker_visible=_flag(node, "isMarkerVisible"), fill=fill, stroke=stroke,
    )


def _edge(node: etree._Element, model: dict, reading: Reading) -> Edge | None:
    """An edge; one with fewer than two waypoints gets its route later (see ``fallback``), with an empty list."""
    resolved = _resolve(node, model, reading)
    if resolved is None:
        return None
    element_id, element = resolved
    waypoints = [(_number(point, "x"), _number(point, "y")) for point in node.iterfind(f"{{{DI}}}waypoint")]
    if any(x is None or y is None for x, y in waypoints):
        reading.skip(di_name(node), t("连线 {di_id} 的路径点坐标缺失或不是有限数，未绘制", di_id=di_name(node)))
        return None
    return Edge(
        di_id=node.get("id") or "", element_id=element_id,
        kind=local_name(element) if element is not None else "", element=element,
        points=waypoints if len(waypoints) >= 2 else [],
        label=_label(node, di_name(node), reading), stroke=_colours(node)[1],
    )


def planes_of(diagram: etree._Element) -> list[etree._Element]:
    return list(diagram.iterfind(f"{{{BPMNDI}}}BPMNPlane"))


def read_diagram(root: etree._Element, diagram: etree._Element, reading: Reading) -> Diagram:
    """The shapes and edges of every plane of ``diagram`` that can be drawn; ``reading`` collects what could not."""
    model = model_index(root)
    items: list[Shape | Edge] = []
    for number, plane in enumerate(planes_of(diagram), start=1):
        before = len(items)
        for node in plane:
            item = None
            if node.tag == BPMN_SHAPE:
                item = _shape(node, model, reading)
            elif node.tag == BPMN_EDGE:
                item = _edge(node, model, reading)
            if item is not None:
                items.append(item)
        if number > 1:  # one plane per diagram says the standard; Open-BPMN writes more
            reading.warnings.append(t("图形 {diagram} 的第 {number} 个 BPMNPlane（{plane}）中的 {count} 个元素也已绘制",
                                      diagram=diagram.get("id") or "", number=number,
                                      plane=plane.get("id") or "", count=len(items) - before))

    # A sub-process whose DI leaves isExpanded out is drawn expanded when its children are drawn too.
    drawn_parents = {shape.element.getparent().get("id") for shape in items
                     if isinstance(shape, Shape) and shape.element is not None
                     and shape.element.getparent() is not None}
    for shape in items:
        if isinstance(shape, Shape) and shape.expanded is None:
            shape.expanded = shape.kind in CONTAINERS and shape.element_id in drawn_parents
    return Diagram(title=diagram_title(diagram, model, reading.file), items=items, model=model)


def diagram_title(diagram: etree._Element, model: dict, fallback: str) -> str:
    """The diagram's name, else its plane's element's, else ``fallback``."""
    planes = planes_of(diagram)
    plane_element = model.get(planes[0].get("bpmnElement") or "") if planes else None
    return (diagram.get("name") or "").strip() or _named(plane_element) or fallback


def _named(element: etree._Element | None) -> str:
    """A name for the whole diagram: the element's own, else its first named participant or process."""
    if element is None:
        return ""
    if (element.get("name") or "").strip():
        return element.get("name").strip()
    for child in element.iter(f"{{{MODEL}}}participant", f"{{{MODEL}}}process"):
        if (child.get("name") or "").strip():
            return child.get("name").strip()
    return ""
