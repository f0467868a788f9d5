"""The geometry a clean procedure drawing keeps to (issue 16): edges in horizontal and vertical runs from the
border of their source to the border of their target, through no other shape; every name of an event, gateway
or flow in label bounds of its own that overlap no shape, no other label and no lane line and lie in their lane;
no empty lane; the lanes from top to bottom in procedure order."""

import math
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from lxml import etree

Box = tuple[float, float, float, float]  # x, y, width, height
Point = tuple[float, float]
TOLERANCE = 1.5  # px: how far a waypoint may lie off a border, how far a box may reach over a line
LANES = {"lane", "participant"}
CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}


def kind(node) -> str:
    return etree.QName(node).localname if node is not None and isinstance(node.tag, str) else ""


def needs_outer_label(name: str) -> bool:
    return name.endswith(("Event", "Gateway")) or name == "sequenceFlow"


@dataclass
class Drawing:
    """The model elements of one file and their shapes, edges, labels and lanes as its DI draws them."""

    file: str
    nodes: dict = field(default_factory=dict)  # id -> model element
    shapes: dict[str, Box] = field(default_factory=dict)  # element id -> bounds (lanes and pools excepted)
    lanes: dict[str, Box] = field(default_factory=dict)  # lane id -> bounds
    pools: dict[str, Box] = field(default_factory=dict)
    edges: dict[str, list[Point]] = field(default_factory=dict)
    labels: dict[str, Box] = field(default_factory=dict)  # element id -> label bounds
    lane_of: dict[str, str] = field(default_factory=dict)  # flow node id -> lane id

    def lane_of_node(self, node_id: str) -> str | None:
        """A node's lane: its own, else that of the sub-process holding it or the task it is attached to."""
        while node_id is not None and node_id not in self.lane_of:
            node = self.nodes[node_id]
            parent = node.getparent()
            node_id = node.get("attachedToRef") or (parent.get("id") if kind(parent) in CONTAINERS else None)
        return self.lane_of.get(node_id)

    def containers(self, node_id: str) -> set[str]:
        """The sub-processes holding a model element."""
        held, parent = set(), self.nodes[node_id].getparent()
        while parent is not None and kind(parent) in CONTAINERS:
            held.add(parent.get("id"))
            parent = parent.getparent()
        return held


def _box(bounds) -> Box:
    return tuple(float(bounds.get(key)) for key in ("x", "y", "width", "height"))


def read(source: Path | etree._Element) -> Drawing:
    """The drawing of a .bpmn file (a path, or a parsed root for tests that alter one)."""
    root = etree.parse(str(source)).getroot() if isinstance(source, Path) else source
    drawing = Drawing(source.name if isinstance(source, Path) else "model.bpmn")
    drawing.nodes = {node.get("id"): node for node in root.iter("{*}*") if node.get("id")}
    for lane in root.iter("{*}lane"):
        for ref in lane.findall("{*}flowNodeRef"):
            drawing.lane_of[ref.text.strip()] = lane.get("id")
    for shape in root.iter("{*}BPMNShape"):
        element = shape.get("bpmnElement")
        box, label = _box(shape.find("{*}Bounds")), shape.find("{*}BPMNLabel/{*}Bounds")
        what = kind(drawing.nodes[element])
        target = {"lane": drawing.lanes, "participant": drawing.pools}.get(what, drawing.shapes)
        target[element] = box
        if label is not None:
            drawing.labels[element] = _box(label)
    for edge in root.iter("{*}BPMNEdge"):
        element = edge.get("bpmnElement")
        drawing.edges[element] = [(float(point.get("x")), float(point.get("y"))) for point in edge.iter("{*}waypoint")]
        label = edge.find("{*}BPMNLabel/{*}Bounds")
        if label is not None:
            drawing.labels[element] = _box(label)
    return drawing


def _overlap(one: Box, other: Box, slack: float = 0.0) -> bool:
    """Whether two boxes share more than a strip ``slack`` wide."""
    return (one[0] + slack < other[0] + other[2] and other[0] + slack < one[0] + one[2]
            and one[1] + slack < other[1] + other[3] and other[1] + slack < one[1] + one[3])


def _segment_box(start: Point, end: Point) -> Box:
    return min(start[0], end[0]), min(start[1], end[1]), abs(end[0] - start[0]), abs(end[1] - start[1])


def _crosses(start: Point, end: Point, box: Box) -> bool:
    """Whether a horizontal or vertical segment enters the inside of a box (running along its border does not)."""
    x, y, width, height = _segment_box(start, end)
    return (x < box[0] + box[2] - 1 and x + width > box[0] + 1 and y < box[1] + box[3] - 1
            and y + height > box[1] + 1)


def on_border(point: Point, box: Box, shape_kind: str) -> bool:
    """Whether a point lies on the outline of a shape: a circle for events, a diamond for gateways, else the box."""
    x, y, width, height = box
    cx, cy = x + width / 2, y + height / 2
    dx, dy = point[0] - cx, point[1] - cy
    if shape_kind.endswith("Event"):
        return abs(math.hypot(dx, dy) - width / 2) <= TOLERANCE
    if shape_kind.endswith("Gateway"):
        return abs(abs(dx) / (width / 2) + abs(dy) / (height / 2) - 1) * width / 2 <= TOLERANCE
    inside = x - TOLERANCE <= point[0] <= x + width + TOLERANCE and y - TOLERANCE <= point[1] <= y + height + TOLERANCE
    near = min(abs(point[0] - x), abs(point[0] - x - width), abs(point[1] - y), abs(point[1] - y - height))
    return inside and near <= TOLERANCE


def _attached(drawing: Drawing, node_id: str) -> set[str]:
    """A node with the boundary events on it, or a boundary event with its host: drawn as one."""
    node = drawing.nodes[node_id]
    found = {node_id, *([node.get("attachedToRef")] if node.get("attachedToRef") else [])}
    found.update(other for other, element in drawing.nodes.items() if element.get("attachedToRef") == node_id)
    return found


def edge_problems(drawing: Drawing) -> list[str]:
    """Edges that run diagonally, start or end off their shapes' borders, or cross a shape not their own."""
    problems = []
    for flow_id, points in drawing.edges.items():
        flow = drawing.nodes[flow_id]
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if len(points) < 2:
            problems.append(f"{drawing.file}: {flow_id}: fewer than two waypoints")
            continue
        for point, end in ((points[0], source), (points[-1], target)):
            if end in drawing.shapes and not on_border(point, drawing.shapes[end], kind(drawing.nodes[end])):
                problems.append(f"{drawing.file}: {flow_id}: waypoint {point} is not on the border of {end}")
        exempt = drawing.containers(flow_id) | (_attached(drawing, source) | _attached(drawing, target)) - {
            source, target}
        for start, end in zip(points, points[1:], strict=False):
            if abs(start[0] - end[0]) > 0.5 and abs(start[1] - end[1]) > 0.5:
                problems.append(f"{drawing.file}: {flow_id}: segment {start}–{end} is neither horizontal nor vertical")
            crossed = [shape for shape, box in drawing.shapes.items()
                       if shape not in exempt and _crosses(start, end, box)]
            problems.extend(f"{drawing.file}: {flow_id}: segment {start}–{end} crosses {shape}" for shape in crossed)
    return problems


def _lane_lines(drawing: Drawing) -> list[tuple[str, Box]]:
    """The borders of lanes and pools, each as a box of no width or no height."""
    lines = []
    for name, (x, y, width, height) in {**drawing.lanes, **drawing.pools}.items():
        lines += [(name, (x, y, width, 0)), (name, (x, y + height, width, 0)), (name, (x, y, 0, height)),
                  (name, (x + width, y, 0, height))]
    return lines


def _crosses_line(box: Box, line: Box) -> bool:
    x, y, width, height = line
    if height == 0:
        return box[1] + TOLERANCE < y < box[1] + box[3] - TOLERANCE and box[0] < x + width and x < box[0] + box[2]
    return box[0] + TOLERANCE < x < box[0] + box[2] - TOLERANCE and box[1] < y + height and y < box[1] + box[3]


def _inside(box: Box, outer: Box) -> bool:
    return (outer[0] - TOLERANCE <= box[0] and box[0] + box[2] <= outer[0] + outer[2] + TOLERANCE
            and outer[1] - TOLERANCE <= box[1] and box[1] + box[3] <= outer[1] + outer[3] + TOLERANCE)


def _label_lanes(drawing: Drawing, element_id: str) -> set[str]:
    """The lanes a label may lie in: its element's, or for a flow its source's or its target's."""
    node = drawing.nodes[element_id]
    ends = [node.get("sourceRef"), node.get("targetRef")] if kind(node) == "sequenceFlow" else [element_id]
    return {lane for lane in (drawing.lane_of_node(end) for end in ends) if lane}


def label_problems(drawing: Drawing) -> list[str]:
    """Names without label bounds, and labels over a shape, another label or a lane line, or outside their lane."""
    problems = []
    for element_id, node in drawing.nodes.items():
        drawn = element_id in drawing.shapes or element_id in drawing.edges
        if drawn and needs_outer_label(kind(node)) and node.get("name") and element_id not in drawing.labels:
            problems.append(f"{drawing.file}: {element_id}: named “{node.get('name')}” but has no label bounds")
    labels = sorted(drawing.labels.items())
    for index, (element_id, box) in enumerate(labels):
        holders = drawing.containers(element_id)
        problems.extend(f"{drawing.file}: {element_id}: label overlaps shape {shape}"
                        for shape, other in drawing.shapes.items() if shape not in holders and _overlap(box, other))
        problems.extend(f"{drawing.file}: {element_id}: label overlaps the label of {other_id}"
                        for other_id, other in labels[index + 1:] if _overlap(box, other))
        problems.extend(f"{drawing.file}: {element_id}: label crosses the border of {lane}"
                        for lane, line in _lane_lines(drawing) if _crosses_line(box, line))
        lanes = _label_lanes(drawing, element_id)
        if lanes and not any(_inside(box, drawing.lanes[lane]) for lane in lanes if lane in drawing.lanes):
            problems.append(f"{drawing.file}: {element_id}: label lies outside its lane ({', '.join(sorted(lanes))})")
    return problems


def distances(drawing: Drawing) -> dict[str, int]:
    """How many sequence flows each flow node lies from the start events of the process; a boundary event and
    the nodes inside a sub-process are reached with their host."""
    process = next(node for node in drawing.nodes.values() if kind(node) == "process")
    found = {node.get("id"): 0 for node in process if kind(node) == "startEvent"}
    queue = deque(found)
    while queue:
        current = queue.popleft()
        steps = [(node.get("targetRef"), 1) for node in drawing.nodes.values()
                 if kind(node) == "sequenceFlow" and node.get("sourceRef") == current]
        steps += [(other, 0) for other, node in drawing.nodes.items() if node.get("attachedToRef") == current
                  or (kind(node.getparent()) in CONTAINERS and node.getparent().get("id") == current)]
        for step, cost in steps:
            if step not in found or found[current] + cost < found[step]:
                found[step] = found[current] + cost
                (queue.appendleft if cost == 0 else queue.append)(step)
    return found


def procedure_order(drawing: Drawing) -> list[str]:
    """The lanes in the order the procedure reaches them: by the fewest flows from the start to any of their
    flow nodes; lanes reached at the same distance keep their order in the laneSet."""
    reached, lanes = distances(drawing), [lane for lane in drawing.nodes.values() if kind(lane) == "lane"]
    def first(lane) -> float:
        return min((reached.get(ref.text.strip(), math.inf) for ref in lane.findall("{*}flowNodeRef")),
                   default=math.inf)
    return [lane.get("id") for lane in sorted(lanes, key=first)]


def lane_problems(drawing: Drawing) -> list[str]:
    """Empty lanes, and lanes drawn from top to bottom in another order than the procedure reaches them."""
    problems = [f"{drawing.file}: {lane.get('id')}: lane holds no flow node" for lane in drawing.nodes.values()
                if kind(lane) == "lane" and not lane.findall("{*}flowNodeRef")]
    drawn = sorted(drawing.lanes, key=lambda lane: drawing.lanes[lane][1])
    wanted = [lane for lane in procedure_order(drawing) if lane in drawing.lanes]
    if drawn != wanted:
        problems.append(f"{drawing.file}: lanes drawn as {', '.join(drawn)}; procedure order is {', '.join(wanted)}")
    return problems


def problems(source: Path | etree._Element) -> list[str]:
    """Every geometry problem of a model's drawing, each naming the file and the elements."""
    drawing = read(source)
    return edge_problems(drawing) + label_problems(drawing) + lane_problems(drawing)
