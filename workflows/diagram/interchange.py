"""Read one BPMNDiagram: the shapes and edges of its plane, each tied to the model element it draws."""

import math
from dataclasses import dataclass

from lxml import etree

from workflows.diagram.svg import colour
from workflows.errors import DeployError
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


def find_diagram(root: etree._Element, diagram_id: str | None) -> etree._Element | None:
    for diagram in root.iter(BPMN_DIAGRAM):
        if diagram_id is None or diagram.get("id") == diagram_id:
            return diagram
    return None


def _flag(node: etree._Element, name: str) -> bool | None:
    value = node.get(name)
    return None if value is None else value.strip().lower() == "true"


def _number(node: etree._Element, name: str, file: str, where: str) -> float:
    try:
        value = float(node.get(name))
    except (TypeError, ValueError):
        raise DeployError(t("图形坐标 {name} 缺失或不是数字（{value}）", name=name, value=repr(node.get(name))), file,
                          where) from None
    if not math.isfinite(value):
        raise DeployError(t("图形坐标 {name} 不是有限数（{value}）", name=name, value=value), file, where)
    return value


def _bounds(node: etree._Element | None, file: str, where: str) -> Box | None:
    bounds = node.find(f"{{{DC}}}Bounds") if node is not None else None
    if bounds is None:
        return None
    box = Box(*(_number(bounds, name, file, where) for name in ("x", "y", "width", "height")))
    if box.width < 0 or box.height < 0:
        raise DeployError(t("图形的宽度或高度为负数"), file, where)
    return box


def _colours(node: etree._Element) -> tuple[str | None, str | None]:
    fill = colour(node.get(f"{{{COLOR}}}background-color") or node.get(f"{{{BIOC}}}fill"))
    stroke = colour(node.get(f"{{{COLOR}}}border-color") or node.get(f"{{{BIOC}}}stroke"))
    return fill, stroke


def _resolve(node: etree._Element, model: dict, file: str) -> tuple[str, etree._Element | None]:
    """The model element a DI element draws; a DI element may name none, but never a missing one."""
    reference = (node.get("bpmnElement") or "").strip()
    if not reference:
        return node.get("id") or "", None
    element = model.get(reference)
    if element is None and ":" in reference:
        element = model.get(reference.split(":", 1)[1])  # a QName with a namespace prefix
    if element is None:
        what = local_name(node)
        raise DeployError(t("{what} {id} 指向的模型元素不存在", what=what, id=node.get("id") or ""), file, reference)
    return element.get("id"), element


def _shape(node: etree._Element, model: dict, file: str) -> Shape:
    element_id, element = _resolve(node, model, file)
    bounds = _bounds(node, file, element_id)
    if bounds is None:
        raise DeployError(t("BPMNShape 缺少 Bounds（位置和大小）"), file, element_id)
    fill, stroke = _colours(node)
    return Shape(
        di_id=node.get("id") or "", element_id=element_id,
        kind=local_name(element) if element is not None else "", element=element,
        bounds=bounds, label=_bounds(node.find(f"{{{BPMNDI}}}BPMNLabel"), file, element_id),
        horizontal=_flag(node, "isHorizontal"), expanded=_flag(node, "isExpanded"),
        marker_visible=_flag(node, "isMarkerVisible"), fill=fill, stroke=stroke,
    )


def _edge(node: etree._Element, model: dict, file: str) -> Edge:
    element_id, element = _resolve(node, model, file)
    waypoints = [(_number(point, "x", file, element_id), _number(point, "y", file, element_id))
                 for point in node.iterfind(f"{{{DI}}}waypoint")]
    if len(waypoints) < 2:
        raise DeployError(t("BPMNEdge 至少需要两个 waypoint"), file, element_id)
    return Edge(
        di_id=node.get("id") or "", element_id=element_id,
        kind=local_name(element) if element is not None else "", element=element, points=waypoints,
        label=_bounds(node.find(f"{{{BPMNDI}}}BPMNLabel"), file, element_id), stroke=_colours(node)[1],
    )


def read_diagram(root: etree._Element, file: str, diagram_id: str | None = None) -> Diagram:
    """The shapes and edges of the first diagram in ``root`` (or the one with ``diagram_id``)."""
    diagram = find_diagram(root, diagram_id)
    if diagram is None:
        reason = t("找不到图形 {diagram}", diagram=diagram_id) if diagram_id else t("文件没有图形信息（BPMNDiagram）")
        raise DeployError(reason, file, diagram_id)
    plane = diagram.find(f"{{{BPMNDI}}}BPMNPlane")
    if plane is None:
        raise DeployError(t("BPMNDiagram 没有 BPMNPlane"), file, diagram.get("id"))
    model = model_index(root)
    items: list[Shape | Edge] = []
    for node in plane:
        if node.tag == BPMN_SHAPE:
            items.append(_shape(node, model, file))
        elif node.tag == BPMN_EDGE:
            items.append(_edge(node, model, file))

    # A sub-process whose DI leaves isExpanded out is drawn expanded when its children are drawn too.
    drawn_parents = {shape.element.getparent().get("id") for shape in items
                     if isinstance(shape, Shape) and shape.element is not None
                     and shape.element.getparent() is not None}
    for shape in items:
        if isinstance(shape, Shape) and shape.expanded is None:
            shape.expanded = shape.kind in CONTAINERS and shape.element_id in drawn_parents

    plane_element = model.get(plane.get("bpmnElement") or "")
    title = (diagram.get("name") or "").strip() or _named(plane_element) or file
    return Diagram(title=title, items=items, model=model)


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
