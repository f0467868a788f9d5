"""How each kind of BPMN shape is drawn: pools and lanes, activities, events, gateways, data and artefacts."""

from collections.abc import Mapping

from lxml import etree

from workflows.diagram.glyphs import activity_markers
from workflows.diagram.glyphs import event_glyph
from workflows.diagram.glyphs import gateway_marker
from workflows.diagram.glyphs import task_icon
from workflows.diagram.interchange import CONTAINERS
from workflows.diagram.interchange import MODEL
from workflows.diagram.interchange import Box
from workflows.diagram.interchange import Diagram
from workflows.diagram.interchange import Shape
from workflows.diagram.interchange import local_name
from workflows.diagram.labels import TEXT_SIZE
from workflows.diagram.labels import inner_label
from workflows.diagram.svg import Paint
from workflows.diagram.svg import block_height
from workflows.diagram.svg import num
from workflows.diagram.svg import text_block
from workflows.diagram.svg import wrap

TASKS = {"task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
         "receiveTask"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
          "implicitThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
DATA_OBJECTS = {"dataObject", "dataObjectReference", "dataInput", "dataOutput"}
# Shapes whose name is written outside them, below or at their BPMNLabel bounds.
OUTER_LABELS = EVENTS | GATEWAYS | DATA_OBJECTS | {"dataStoreReference", "dataStore"}

LABEL_SIZE = 11  # names outside shapes and on flows
OUTER_LABEL_WIDTH = 90  # bpmn.io's width for a label that has no bounds of its own


def rect(box: Box, paint: Paint, width: float, *, radius: float = 0, fill: str | None = None,
         dash: str = "", inset: float = 0) -> str:
    corner = f' rx="{num(radius)}"' if radius else ""
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<rect x="{num(box.x + inset)}" y="{num(box.y + inset)}" width="{num(max(box.width - 2 * inset, 0))}" '
            f'height="{num(max(box.height - 2 * inset, 0))}"{corner} fill="{fill or paint.fill}" '
            f'stroke="{paint.stroke}" stroke-width="{num(width)}"{dashes}/>')


def outer_label(name: str, bounds: Box, label: Box | None, paint: Paint) -> str:
    """A name outside its shape: in the DI label bounds when given, else centred below the shape."""
    if not name:
        return ""
    if label is not None and label.width > 1:
        # The modeller sized the bounds for its own font; leave some room for a wider one.
        lines = wrap(name, max(label.width * 1.2 + 6, 40), LABEL_SIZE)
        height = block_height(lines, LABEL_SIZE)
        top = label.y + (label.height - height) / 2 if height <= label.height else label.y
        return text_block(lines, label.cx, top, LABEL_SIZE, paint.text)
    lines = wrap(name, OUTER_LABEL_WIDTH, LABEL_SIZE)
    return text_block(lines, bounds.cx, bounds.bottom + 4, LABEL_SIZE, paint.text)


def _pool_or_lane(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box, element = shape.bounds, shape.element
    name = diagram.name_of(element)
    name = labels.get(name, name)
    is_pool = shape.kind == "participant"
    # Lanes are transparent so that the pool behind them shows, unless the model gives them a colour.
    body = rect(box, paint, 1.5 if is_pool else 1, fill=None if is_pool or shape.fill else "none")
    if is_pool and not element.get("processRef"):
        return body + inner_label(name, box, paint)  # a "black box" pool: name in the middle
    if shape.horizontal is False:
        band = f'<path d="M{num(box.x)},{num(box.y + 30)} H{num(box.right)}" stroke="{paint.stroke}"/>'
        lines = wrap(name, box.width - 10, TEXT_SIZE)[:2]
        text = text_block(lines, box.cx, box.y + 15 - block_height(lines, TEXT_SIZE) / 2, TEXT_SIZE, paint.text)
    else:
        band = f'<path d="M{num(box.x + 30)},{num(box.y)} V{num(box.bottom)}" stroke="{paint.stroke}"/>'
        lines = wrap(name, box.height - 10, TEXT_SIZE)[:2]
        centre_x, centre_y = box.x + 15, box.cy
        text = text_block(lines, centre_x, centre_y - block_height(lines, TEXT_SIZE) / 2, TEXT_SIZE, paint.text,
                          transform=f"rotate(-90 {num(centre_x)} {num(centre_y)})")
    return body + (band if is_pool else "") + text


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return element.find(f"{{{MODEL}}}{name}")


def _markers(element: etree._Element, kind: str, collapsed: bool) -> list[str]:
    """The markers at an activity's bottom edge: loop or multi-instance, ad hoc, compensation, collapsed."""
    names = []
    if _child(element, "standardLoopCharacteristics") is not None:
        names.append("loop")
    many = _child(element, "multiInstanceLoopCharacteristics")
    if many is not None:
        names.append("sequential" if many.get("isSequential") == "true" else "parallel")
    if kind == "adHocSubProcess":
        names.append("adhoc")
    if element.get("isForCompensation") == "true":
        names.append("compensation")
    if collapsed:
        names.append("collapsed")
    return names


def _activity(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box, element, kind = shape.bounds, shape.element, shape.kind
    name = diagram.name_of(element)
    icon_kind, collapsed = kind, False
    if kind == "callActivity":
        # A call activity that calls a global task looks like that task; one calling a process is collapsed.
        called = diagram.model.get(element.get("calledElement") or "")
        called_kind = local_name(called) if called is not None else ""
        if called_kind.startswith("global"):
            task_kind = called_kind.removeprefix("global")  # globalUserTask -> userTask
            icon_kind = task_kind[:1].lower() + task_kind[1:]
        else:
            collapsed = not shape.expanded
    elif kind in CONTAINERS:
        collapsed = not shape.expanded
    dash = "2 3" if element.get("triggeredByEvent") == "true" else ""  # an event sub-process is dotted
    parts = [rect(box, paint, paint.width(4 if kind == "callActivity" else 2), radius=10, dash=dash)]
    if kind == "transaction":
        parts.append(rect(box, paint, 1, radius=7, inset=3, fill="none"))
    icon = task_icon(icon_kind, box.x, box.y, paint)
    markers = _markers(element, kind, collapsed)
    parts.append(icon)
    if shape.expanded and kind in CONTAINERS:
        lines = wrap(name, box.width - 20, TEXT_SIZE)
        parts.append(text_block(lines, box.x + 10, box.y + 5, TEXT_SIZE, paint.text, anchor="start"))
    else:
        parts.append(inner_label(name, box, paint, icon=bool(icon), markers=bool(markers)))
    parts.append(activity_markers(markers, box.cx, box.bottom, paint))
    return "".join(parts)


def _definitions(element: etree._Element, diagram: Diagram) -> list[str]:
    """The event's definition kinds ("timer", "message"...), including ones referenced by id."""
    kinds = []
    for child in element:
        if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{MODEL}}}"):
            continue
        name = local_name(child)
        if name == "eventDefinitionRef":
            referenced = diagram.model.get((child.text or "").strip())
            name = local_name(referenced) if referenced is not None else ""
        if name.endswith("EventDefinition"):
            kinds.append(name[: -len("EventDefinition")])
    return kinds


def _circle(cx: float, cy: float, radius: float, paint: Paint, width: float, *, dashed: bool = False,
            fill: str | None = None) -> str:
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    return (f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(radius)}" fill="{fill or paint.fill}" '
            f'stroke="{paint.stroke}" stroke-width="{num(width)}"{dash}/>')


def _event(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box, element, kind = shape.bounds, shape.element, shape.kind
    cx, cy, radius = box.cx, box.cy, min(box.width, box.height) / 2
    non_interrupting = element.get("isInterrupting") == "false" or element.get("cancelActivity") == "false"
    if kind == "startEvent":
        parts = [_circle(cx, cy, radius, paint, paint.width(2), dashed=non_interrupting)]
    elif kind == "endEvent":
        parts = [_circle(cx, cy, radius - 1.5, paint, paint.width(4))]
    else:
        # Intermediate and boundary events: a double ring.
        parts = [_circle(cx, cy, radius, paint, paint.width(1.2), dashed=non_interrupting),
                 _circle(cx, cy, radius - 3, paint, 1.2, dashed=non_interrupting, fill="none")]
    throwing = kind in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")
    parallel = element.get("parallelMultiple") == "true"
    parts.append(event_glyph(_definitions(element, diagram), parallel, throwing, cx, cy, radius, paint))
    parts.append(outer_label(diagram.name_of(element), box, shape.label, paint))
    return "".join(parts)


def _gateway(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box, element, kind = shape.bounds, shape.element, shape.kind
    corners = [(box.cx, box.y), (box.right, box.cy), (box.cx, box.bottom), (box.x, box.cy)]
    diamond = " ".join(f"{num(x)},{num(y)}" for x, y in corners)
    parts = [f'<polygon points="{diamond}" fill="{paint.fill}" stroke="{paint.stroke}" '
             f'stroke-width="{num(paint.width(2))}" stroke-linejoin="round"/>']
    if kind == "eventBasedGateway":
        if element.get("eventGatewayType") == "Parallel":
            marker = "parallelEvent"
        else:
            marker = "eventStart" if element.get("instantiate") == "true" else "event"
    elif kind == "exclusiveGateway":
        marker = "" if shape.marker_visible is False else "exclusive"
    else:
        marker = kind[: -len("Gateway")]
    parts.append(gateway_marker(marker, box.cx, box.cy, min(box.width, box.height), paint))
    parts.append(outer_label(diagram.name_of(element), box, shape.label, paint))
    return "".join(parts)


def _data_object(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box, element = shape.bounds, shape.element
    fold = min(12.0, box.width * 0.35, box.height * 0.35)
    outline = (f"M{num(box.x)},{num(box.y)} H{num(box.right - fold)} L{num(box.right)},{num(box.y + fold)} "
               f"V{num(box.bottom)} H{num(box.x)} Z")
    corner = f"M{num(box.right - fold)},{num(box.y)} V{num(box.y + fold)} H{num(box.right)}"
    parts = [f'<path d="{outline}" fill="{paint.fill}" stroke="{paint.stroke}" stroke-width="{num(paint.width(1.5))}" '
             f'stroke-linejoin="round"/><path d="{corner}" fill="none" stroke="{paint.stroke}" stroke-width="1.5"/>']
    if shape.kind in ("dataInput", "dataOutput"):
        arrow_fill = paint.stroke if shape.kind == "dataOutput" else paint.fill
        parts.append(f'<path d="M{num(box.x + 4)},{num(box.y + 6)} h7 v-3 l6,5.5 l-6,5.5 v-3 h-7 Z" '
                     f'fill="{arrow_fill}" stroke="{paint.stroke}" stroke-width="1"/>')
    data_object = diagram.model.get(element.get("dataObjectRef") or "")
    if element.get("isCollection") == "true" or (data_object is not None
                                                   and data_object.get("isCollection") == "true"):
        parts.append(activity_markers(["parallel"], box.cx, box.bottom + 3, paint))
    parts.append(outer_label(diagram.name_of(element), box, shape.label, paint))
    return "".join(parts)


def _data_store(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box = shape.bounds
    rx, ry = box.width / 2, min(box.height * 0.12, 8.0)
    top, low = box.y + ry, box.bottom - ry
    arc = f"A{num(rx)},{num(ry)} 0 0 0 {num(box.right)},"
    body = f"M{num(box.x)},{num(top)} V{num(low)} {arc}{num(low)} V{num(top)}"
    rims = " ".join(f"M{num(box.x)},{num(top + step)} {arc}{num(top + step)}" for step in (4, 8))
    return (f'<g stroke="{paint.stroke}" stroke-width="{num(paint.width(1.5))}">'
            f'<path d="{body}" fill="{paint.fill}"/>'
            f'<ellipse cx="{num(box.cx)}" cy="{num(top)}" rx="{num(rx)}" ry="{num(ry)}" fill="{paint.fill}"/>'
            f'<path d="{rims}" fill="none"/></g>'
            + outer_label(diagram.name_of(shape.element), box, shape.label, paint))


def _text_annotation(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box = shape.bounds
    text = (shape.element.findtext(f"{{{MODEL}}}text") or "").strip()
    bracket = f"M{num(box.x + 10)},{num(box.y)} H{num(box.x)} V{num(box.bottom)} H{num(box.x + 10)}"
    lines = wrap(text, box.width - 10, TEXT_SIZE)
    top = box.cy - block_height(lines, TEXT_SIZE) / 2
    return (f'<path d="{bracket}" fill="none" stroke="{paint.stroke}" stroke-width="1.2"/>'
            + text_block(lines, box.x + 5, top, TEXT_SIZE, paint.text, anchor="start"))


def _group(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box, element = shape.bounds, shape.element
    category = diagram.model.get(element.get("categoryValueRef") or "")
    name = (category.get("value") or "").strip() if category is not None else diagram.name_of(element)
    body = rect(box, paint, 1.5, radius=10, fill="none", dash="10 4 2 4")
    if shape.label is not None:
        return body + outer_label(name, box, shape.label, paint)
    return body + text_block(wrap(name, box.width - 20, LABEL_SIZE), box.cx, box.y + 4, LABEL_SIZE, paint.text)


def _conversation(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    box = shape.bounds
    corners = [(box.x + box.width / 4, box.y), (box.right - box.width / 4, box.y), (box.right, box.cy),
               (box.right - box.width / 4, box.bottom), (box.x + box.width / 4, box.bottom), (box.x, box.cy)]
    width = 4 if shape.kind == "callConversation" else 1.5
    hexagon = " ".join(f"{num(x)},{num(y)}" for x, y in corners)
    return (f'<polygon points="{hexagon}" fill="{paint.fill}" stroke="{paint.stroke}" stroke-width="{width}"/>'
            + outer_label(diagram.name_of(shape.element), box, shape.label, paint))


def _other(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    """Anything else (choreographies, a shape naming no element): a box with its name."""
    dash = "" if shape.element is not None else "4 3"
    return (rect(shape.bounds, paint, 1.5, radius=10 if shape.element is not None else 0, dash=dash)
            + inner_label(diagram.name_of(shape.element), shape.bounds, paint))


DRAWERS = {
    "participant": _pool_or_lane, "lane": _pool_or_lane,
    **dict.fromkeys(TASKS | CONTAINERS, _activity),
    **dict.fromkeys(EVENTS, _event),
    **dict.fromkeys(GATEWAYS, _gateway),
    **dict.fromkeys(DATA_OBJECTS, _data_object),
    "dataStoreReference": _data_store, "dataStore": _data_store,
    "textAnnotation": _text_annotation,
    "group": _group,
    "conversation": _conversation, "subConversation": _conversation, "callConversation": _conversation,
}


def draw_shape(shape: Shape, diagram: Diagram, paint: Paint, labels: Mapping[str, str]) -> str:
    """The SVG elements of one shape (without its enclosing group)."""
    return DRAWERS.get(shape.kind, _other)(shape, diagram, paint, labels)
