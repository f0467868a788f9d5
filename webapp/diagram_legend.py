"""The marks of a case's diagram for the legend under it, in the renderer's own colours (workflows.diagram)."""

from dataclasses import dataclass

from workflows.diagram import BADGE
from workflows.diagram import COMPLETED
from workflows.diagram import OPEN
from workflows.diagram import TAKEN


@dataclass(frozen=True)
class Mark:
    """How one mark is drawn: outline and fill colours and the outline's width, as on a task or a flow."""

    stroke: str
    fill: str
    width: float


# The widths the renderer gives a task's outline (2) and a flow's line (1.5), thickened where it emphasises.
LEGEND = {
    "completed": Mark(COMPLETED.stroke, COMPLETED.fill, COMPLETED.width(2)),
    "taken": Mark(TAKEN.stroke, "none", TAKEN.width(1.5)),
    "open": Mark(OPEN.stroke, OPEN.fill, OPEN.width(2)),
    "repeated": Mark("none", BADGE, 0),
}
