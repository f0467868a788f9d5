"""Where a name goes inside an activity or pool: 8 px from the sides, clear of the type icon and the markers."""

from workflows.diagram.glyphs import ICON_EXTENT
from workflows.diagram.glyphs import MARKERS_HEIGHT
from workflows.diagram.interchange import Box
from workflows.diagram.svg import LINE_HEIGHT
from workflows.diagram.svg import Paint
from workflows.diagram.svg import block_height
from workflows.diagram.svg import text_block
from workflows.diagram.text_layout import text_width
from workflows.diagram.text_layout import wrap

TEXT_SIZE = 12     # names inside tasks, pools and lanes
SMALLEST_SIZE = 9  # a name too long for its box at TEXT_SIZE is set smaller, down to this
PADDING_X = 8      # between a name and the shape's left and right edges
PADDING_Y = 4      # between a name and the top or bottom edge
ICON_GAP = 1       # between the type icon (or the markers) and the nearest line's cell (its glyphs sit 1.5 px in)


def _clear_of_icon(lines: list[str], box: Box, top: float, size: float) -> bool:
    """Whether every line beside the icon's height starts right of it (centred lines, one row each)."""
    step = size * LINE_HEIGHT
    for index, line in enumerate(lines):
        if top + index * step >= box.y + ICON_EXTENT:
            break
        if box.cx - text_width(line, size) / 2 < box.x + ICON_EXTENT:
            return False
    return True


def inner_label(name: str, box: Box, paint: Paint, *, icon: bool = False, markers: bool = False) -> str:
    """``name`` centred in ``box``, or in the room under the type ``icon`` when a line would reach it, above the
    ``markers``; a name that does not fit is set smaller, and still too long starts under the icon."""
    if not name:
        return ""
    floor = box.bottom - (MARKERS_HEIGHT + ICON_GAP if markers else PADDING_Y)
    under_icon = box.y + ICON_EXTENT + ICON_GAP if icon else box.y + PADDING_Y
    for size in range(TEXT_SIZE, SMALLEST_SIZE - 1, -1):
        lines = wrap(name, box.width - 2 * PADDING_X, size)
        height = block_height(lines, size)
        ceiling = box.y + PADDING_Y
        top = (ceiling + floor - height) / 2
        if icon and not _clear_of_icon(lines, box, top, size):
            ceiling = under_icon
            top = (ceiling + floor - height) / 2
        if top >= ceiling:
            break
    else:
        top = under_icon  # too long even when small: keep the start readable and overflow at the bottom
    return text_block(lines, box.cx, top, size, paint.text)
