"""The small icons inside BPMN shapes: event definitions, task types, activity and gateway markers."""

import math

from workflows.diagram.svg import Paint
from workflows.diagram.svg import num


def _polygon_path(corners: int, radius: float, start_degrees: float = -90) -> str:
    step = 360 / corners
    vertices = [(radius * math.cos(math.radians(start_degrees + i * step)),
                 radius * math.sin(math.radians(start_degrees + i * step))) for i in range(corners)]
    return "M" + " L".join(f"{num(x)},{num(y)}" for x, y in vertices) + " Z"


def _clock_ticks() -> str:
    ticks = []
    for hour in range(12):
        angle = math.radians(hour * 30)
        ticks.append(f"M{num(8 * math.cos(angle))},{num(8 * math.sin(angle))} "
                     f"L{num(10 * math.cos(angle))},{num(10 * math.sin(angle))}")
    return " ".join(ticks)


PENTAGON = _polygon_path(5, 8.5)
CLOCK_TICKS = _clock_ticks()
PLUS = "M-2.5,-9 H2.5 V-2.5 H9 V2.5 H2.5 V9 H-2.5 V2.5 H-9 V-2.5 H-2.5 Z"

# Event definition glyphs drawn in a 36 px event centred on (0, 0); shapes are filled when the event throws.
EVENT_GLYPHS = {
    "message": '<rect x="-9" y="-6.5" width="18" height="13"/><path d="M-9,-6.5 L0,1 L9,-6.5" {flap}/>',
    "timer": (f'<circle r="10.5" fill="{{fill}}"/><path d="{CLOCK_TICKS}" stroke-width="1"/>'
              '<path d="M0,0 L0,-7 M0,0 L5,2.5" fill="none"/>'),
    "signal": '<path d="M0,-10 L9,6.5 L-9,6.5 Z"/>',
    "error": '<path d="M-9,9 L-4,-8 L2,1 L8,-9 L4,8 L-2,-1 Z"/>',
    "escalation": '<path d="M0,-10 L7,9 L0,2 L-7,9 Z"/>',
    "conditional": ('<rect x="-7" y="-9" width="14" height="18"/>'
                    '<path d="M-4,-5 H4 M-4,-1.5 H4 M-4,2 H4 M-4,5.5 H4" fill="none"/>'),
    "link": '<path d="M-9,-3 H1 V-8 L9,0 L1,8 V3 H-9 Z"/>',
    "compensate": '<path d="M-1,-7 L-10,0 L-1,7 Z M9,-7 L0,0 L9,7 Z"/>',
    "cancel": '<path d="M-8,-5 L-5,-8 L0,-3 L5,-8 L8,-5 L3,0 L8,5 L5,8 L0,3 L-5,8 L-8,5 L-3,0 Z"/>',
    "multiple": f'<path d="{PENTAGON}"/>',
    "parallelMultiple": f'<path d="{PLUS}"/>',
}


def event_glyph(definitions: list[str], parallel: bool, throwing: bool,
                cx: float, cy: float, radius: float, paint: Paint) -> str:
    """The icon for an event's definitions (``message``, ``timer``...); several make "multiple"."""
    if not definitions:
        return ""
    if len(definitions) > 1:
        name = "parallelMultiple" if parallel else "multiple"
    else:
        name = definitions[0]
    if name == "terminate":
        return (f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(radius * 0.55)}" '
                f'fill="{paint.stroke}" stroke="none"/>')
    glyph = EVENT_GLYPHS.get(name)
    if glyph is None:
        return ""
    fill = paint.stroke if throwing else paint.fill
    glyph = glyph.replace("{flap}", f'fill="none" stroke="{paint.fill if throwing else paint.stroke}"')
    glyph = glyph.replace("{fill}", paint.fill)
    return (f'<g transform="translate({num(cx)} {num(cy)}) scale({num(radius / 18)})" '
            f'fill="{fill}" stroke="{paint.stroke}" stroke-width="1.5" stroke-linejoin="round">{glyph}</g>')


# Task type icons, drawn from the top-left corner of the task.
ICON_EXTENT = 27  # how far right and down from the corner the icons reach, stroke included (the user's feet: 26.6)
TASK_ICONS = {
    "userTask": ('<circle cx="15" cy="12" r="4.5"/>'
                 '<path d="M6,26 C6,19.5 9.5,17.5 15,17.5 C20.5,17.5 24,19.5 24,26 Z"/>'
                 '<path d="M11.5,17.8 C12.5,20.5 17.5,20.5 18.5,17.8" fill="none"/>'),
    "manualTask": ('<path d="M5,23 V15 L9,11 H22 A1.5,1.5 0 0 1 22,14 H15 M16,14 H24 A1.5,1.5 0 0 1 24,17 H16 '
                   'M16,17 H23 A1.5,1.5 0 0 1 23,20 H16 M16,20 H21 A1.5,1.5 0 0 1 21,23 Z"/>'),
    "serviceTask": ('<circle cx="14" cy="14" r="6.5" fill="none" stroke-width="3" stroke-dasharray="2.55 2.55"/>'
                    '<circle cx="14" cy="14" r="5"/><circle cx="14" cy="14" r="2"/>'),
    "scriptTask": ('<path d="M9,7 H21 C18,10 18,13 21,16 C24,19 24,22 21,25 H9 C12,22 12,19 9,16 '
                   'C6,13 6,10 9,7 Z"/><path d="M11,11 H18 M12,16 H19 M11,21 H18" fill="none"/>'),
    "businessRuleTask": ('<rect x="7" y="9" width="17" height="13"/>'
                         '<rect x="7" y="9" width="17" height="4" fill="{ink}"/>'
                         '<path d="M7,17.5 H24 M12,13 V22" fill="none"/>'),
    "sendTask": ('<rect x="7" y="9" width="18" height="12" fill="{ink}"/>'
                 '<path d="M7,9 L16,16 L25,9" fill="none" stroke="{paper}"/>'),
    "receiveTask": '<rect x="7" y="9" width="18" height="12"/><path d="M7,9 L16,16 L25,9" fill="none"/>',
}


def task_icon(kind: str, x: float, y: float, paint: Paint) -> str:
    icon = TASK_ICONS.get(kind)
    if icon is None:
        return ""
    icon = icon.replace("{ink}", paint.stroke).replace("{paper}", paint.fill)
    return (f'<g class="icon" transform="translate({num(x)} {num(y)})" fill="{paint.fill}" '
            f'stroke="{paint.stroke}" stroke-width="1.2" stroke-linejoin="round">{icon}</g>')


# Markers at the bottom centre of an activity, each in a 14 x 14 box.
ACTIVITY_MARKERS = {
    "loop": '<path d="M4.25,11.76 A5.5,5.5 0 1 1 9.75,11.76 M13.24,12.07 L9.75,11.76 L11.23,8.59" fill="none"/>',
    "parallel": '<path d="M3,1 V13 M7,1 V13 M11,1 V13" stroke-width="2"/>',
    "sequential": '<path d="M1,3 H13 M1,7 H13 M1,11 H13" stroke-width="2"/>',
    "compensation": '<path d="M7,2 L0,7 L7,12 Z M14,2 L7,7 L14,12 Z" fill="{fill}"/>',
    "adhoc": '<path d="M0,8 C2.5,3.5 5,3.5 7,7 C9,10.5 11.5,10.5 14,6" fill="none" stroke-width="1.5"/>',
    "collapsed": '<rect x="0" y="0" width="14" height="14" fill="{fill}"/><path d="M7,3 V11 M3,7 H11"/>',
}
MARKER_SIZE = 14
MARKER_GAP = 4
MARKER_LIFT = 5  # from the activity's bottom edge
MARKERS_HEIGHT = MARKER_SIZE + MARKER_LIFT + 1  # what a name inside the activity keeps clear of (with the stroke)


def activity_markers(names: list[str], cx: float, bottom: float, paint: Paint) -> str:
    """The markers ``names`` side by side, centred on ``cx`` just above ``bottom``."""
    names = [name for name in names if name in ACTIVITY_MARKERS]
    if not names:
        return ""
    total = len(names) * MARKER_SIZE + (len(names) - 1) * MARKER_GAP
    left, top = cx - total / 2, bottom - MARKER_SIZE - MARKER_LIFT
    parts = []
    for index, name in enumerate(names):
        marker = ACTIVITY_MARKERS[name].replace("{fill}", paint.fill)
        x = left + index * (MARKER_SIZE + MARKER_GAP)
        parts.append(f'<g transform="translate({num(x)} {num(top)})">{marker}</g>')
    return f'<g class="markers" fill="none" stroke="{paint.stroke}" stroke-width="1.5">{"".join(parts)}</g>'


# Gateway markers in a 50 px diamond centred on (0, 0).
GATEWAY_MARKERS = {
    "exclusive": '<path d="M-8,-8 L8,8 M8,-8 L-8,8" stroke-width="4"/>',
    "parallel": '<path d="M0,-11 V11 M-11,0 H11" stroke-width="4"/>',
    "inclusive": '<circle r="10.5" stroke-width="2.5"/>',
    "complex": '<path d="M0,-11 V11 M-11,0 H11 M-7.8,-7.8 L7.8,7.8 M7.8,-7.8 L-7.8,7.8" stroke-width="3"/>',
    "event": f'<circle r="11" stroke-width="1"/><circle r="8.5" stroke-width="1"/><path d="{_polygon_path(5, 5.5)}"/>',
    "eventStart": f'<circle r="11" stroke-width="1"/><path d="{_polygon_path(5, 6)}"/>',
    "parallelEvent": f'<circle r="11" stroke-width="1"/><path d="{PLUS}" transform="scale(0.7)"/>',
}


def gateway_marker(name: str, cx: float, cy: float, size: float, paint: Paint) -> str:
    marker = GATEWAY_MARKERS.get(name)
    if marker is None:
        return ""
    return (f'<g transform="translate({num(cx)} {num(cy)}) scale({num(size / 50)})" fill="none" '
            f'stroke="{paint.stroke}" stroke-width="1.5">{marker}</g>')
