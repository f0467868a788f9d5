"""What a tidy procedure drawing keeps to: every flow element drawn, each edge from its source to its target in
straight horizontal and vertical runs, and no edge through a shape other than its own ends."""

from pathlib import Path

from lxml import etree


def _bounds(root) -> dict[str, tuple[float, float, float, float]]:
    found = {}
    for shape in root.iter("{*}BPMNShape"):
        box = shape.find("{*}Bounds")
        found[shape.get("bpmnElement")] = tuple(float(box.get(key)) for key in ("x", "y", "width", "height"))
    return found


def undrawn(path: Path) -> list[str]:
    """Flow elements (of the process and its sub-processes) with no shape or edge; a data object has none."""
    root = etree.parse(str(path))
    containers = [root.find(".//{*}process"), *root.iter("{*}subProcess")]
    elements = {node.get("id") for container in containers for node in container
                if node.get("id") and etree.QName(node).localname not in ("laneSet", "documentation", "dataObject")}
    drawn = {node.get("bpmnElement") for node in root.iter("{*}BPMNShape", "{*}BPMNEdge")}
    return sorted(elements - drawn)


def _ends(flow, nodes) -> set[str]:
    """A flow's source and target, the tasks their boundary events sit on, and the sub-processes holding them."""
    ends = {flow.get("sourceRef"), flow.get("targetRef")}
    for end in list(ends):
        node = nodes[end]
        if node.get("attachedToRef"):
            ends.add(node.get("attachedToRef"))
        parent = node.getparent()
        while parent is not None and etree.QName(parent).localname == "subProcess":
            ends.add(parent.get("id"))
            parent = parent.getparent()
    return ends


def untidy_edges(path: Path) -> list[tuple[str, str]]:
    """(flow, problem) for each edge that leaves or reaches the wrong shape, runs diagonally, or crosses a shape."""
    root = etree.parse(str(path))
    shapes, nodes = _bounds(root), {node.get("id"): node for node in root.iter() if node.get("id")}
    kinds = {name: etree.QName(node).localname for name, node in nodes.items()}
    problems = []
    for edge in root.iter("{*}BPMNEdge"):
        name = edge.get("bpmnElement")
        flow = nodes[name]
        points = [(float(point.get("x")), float(point.get("y"))) for point in edge.iter("{*}waypoint")]
        for point, end in ((points[0], flow.get("sourceRef")), (points[-1], flow.get("targetRef"))):
            x, y, width, height = shapes[end]
            if not (x - 1 <= point[0] <= x + width + 1 and y - 1 <= point[1] <= y + height + 1):
                problems.append((name, f"does not touch {end}"))
        ends = _ends(flow, nodes)
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            if x1 != x2 and y1 != y2:
                problems.append((name, "diagonal"))
            for shape, (x, y, width, height) in shapes.items():
                if shape in ends or kinds.get(shape) in ("lane", "participant"):
                    continue
                if max(x1, x2) > x + 1 and min(x1, x2) < x + width - 1 and \
                        max(y1, y2) > y + 1 and min(y1, y2) < y + height - 1:
                    problems.append((name, f"crosses {shape}"))
    return problems
