"""The frame of the 干部任免审批表 PDF: the page geometry, the cells and what carries over to the continuation."""

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from workflows.papers import pdf_cells as cells
from workflows.papers.pdf_cells import Box

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, TOP, BOTTOM = 56.0, 768.0, 52.0  # the table's frame
TITLE_BASELINE = 790.0
# The column grid of page 1 (from the frame's left edge); the photo column is 35 mm wide.
GRID = (0, 58, 130, 186, 250, 318, 384, 483)
WIDTH = GRID[-1]
LABEL, VALUE, SMALL = 12.0, 12.0, 10.5  # 小四 for labels and values, 五号 for the dense boxes
MORE = "（续见附页）"
FAMILY_ROWS = 7  # the printed table has at least this many rows
# 称谓 | 姓名 | 年龄 | 政治面貌 | 工作单位及职务; the two opinion boxes of page 2 split at the same lines.
FAMILY_COLUMNS = (58, 110, 180, 220, 290, 483)
FAMILY_ROW_MIN = 14.0  # a row of one line at the floor size and its padding
REWARDS_MIN = 80.0


def box(x0: float, x1: float, top: float, height: float) -> Box:
    """The cell between grid offsets ``x0`` and ``x1`` whose top edge is at ``top``."""
    return Box(MARGIN_X + x0, top - height, x1 - x0, height)


def frame(canvas, cell: Box) -> None:
    canvas.rect(cell.x, cell.y, cell.width, cell.height, stroke=1, fill=0)


@dataclass
class Carried:
    """Text a box could not hold at the floor size: continued on the continuation sheet, as wrapped there."""

    heading: str  # 简历（续）
    lines: list[tuple[str, str]]  # (date prefix or "", text)
    indent: float
    size: float


class Sheet:
    """One page being drawn: the canvas, the font, the cells drawn and the text carried over."""

    def __init__(self, canvas: Canvas, font: str):
        self.canvas, self.font = canvas, font
        self.overflow: list[Carried] = []

    def label(self, text: str, cell: Box, size: float = LABEL) -> None:
        frame(self.canvas, cell)
        cells.label_cell(self.canvas, text, self.font, cell, size)

    def value(self, text: str, cell: Box, size: float = VALUE, *, centre: bool = True, middle: bool = True,
              heading: str = "", framed: bool = True) -> None:
        """``text`` fitted into ``cell``; at the floor size the last line says the rest is on the continuation."""
        if framed:
            frame(self.canvas, cell)
        inner = cell.inner()
        used, lines, rest = cells.fit(text, self.font, inner, size)
        if centre and not rest:
            lines = cells.balanced(text, self.font, used, inner.width, lines)
        if rest:
            lines, rest = lines[:-1] + [MORE], lines[-1:] + rest
            self.overflow.append(Carried(heading, [("", line) for line in rest], 0.0, used))
            centre = False
        cells.draw_lines(self.canvas, lines, self.font, used, inner, centre=centre, middle=middle)

    def pair(self, label: str, text: str, label_box: Box, value_box: Box, size: float = VALUE, **how) -> None:
        """A label and its value; what the value cannot hold continues under the label's name."""
        self.label(label, label_box, LABEL if size == VALUE else size)
        self.value(text, value_box, size, heading="".join(label.split()) + "（续）", **how)

    def title(self, text: str, size: float = 22.0) -> None:
        self.canvas.setFillColorRGB(0, 0, 0)
        self.canvas.setFont(self.font, size)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, TITLE_BASELINE, text)
