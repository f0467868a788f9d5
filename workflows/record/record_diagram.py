"""The case's marked BPMN diagram at the end of the 全程纪实表: landscape A4, fitted or tiled at a readable size."""

import io
import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.shapes import Line
from reportlab.graphics.shapes import Rect
from reportlab.graphics.shapes import String
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus import Frame
from reportlab.platypus import NextPageTemplate
from reportlab.platypus import PageBreak
from reportlab.platypus import PageTemplate
from reportlab.platypus import Paragraph
from svglib.svglib import svg2rlg

from storage.models import Case
from workflows import diagram
from workflows.errors import DeployError
from workflows.queries import case_history
from workflows.record.sheet_font import FONT
from workflows.record.sheet_font import registered
from workflows.record.sheet_font import spelled_out
from workflows.text import t

TEMPLATE = "landscape"
FORM = "CaseDiagram"
PAGE = landscape(A4)
MARGIN, FOOTER = 12 * mm, 16 * mm  # the footer "第 x 页 / 共 y 页" sits 10 mm above the page's lower edge
FRAME = (PAGE[0] - 2 * MARGIN, PAGE[1] - MARGIN - FOOTER)
NATURAL = 0.75  # points per SVG pixel: the drawing at its own size (96 px to the inch); never drawn larger
SMALLEST_PRINT = 6  # points: no label of the drawing is printed smaller, however many pages it takes
OVERLAP = 8 * mm  # what two neighbouring tiles both show, so that a reader sees where one page goes on
LEGEND_HEIGHT = 16
LANE_BAND = 12  # points: the band naming the lanes at the left of a tile, narrower than OVERLAP
SVG = "http://www.w3.org/2000/svg"
CAPTION_STYLE = ParagraphStyle("diagram-caption", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
# The drawing's room on a page under a one-line caption and the legend.
TILE = (FRAME[0], FRAME[1] - CAPTION_STYLE.leading - LEGEND_HEIGHT)
# The longest tile caption the plan makes room for, whatever the drawing's size turns out to be.
WIDEST_TILE = "　第 99/99 页（第 9 行，第 99 列）"


@dataclass(frozen=True)
class Plan:
    """How the drawing goes onto paper: points per SVG pixel, and the tiles across and down."""

    scale: float
    columns: int
    rows: int

    @property
    def pages(self) -> int:
        return self.columns * self.rows


def tile_height(process_name: str) -> float:
    """The height left for the drawing on a page, under its caption and legend."""
    registered()
    caption = Paragraph(_caption_text(process_name) + WIDEST_TILE, CAPTION_STYLE)
    return FRAME[1] - caption.wrap(FRAME[0], FRAME[1])[1] - LEGEND_HEIGHT


def plan(width: float, height: float, smallest_text: float, tile: tuple[float, float] | None = None) -> Plan:
    """One page when the drawing fits with its ``smallest_text`` (px) at 6 pt or more, else the fewest tiles that do."""
    across, down = tile or TILE
    fit = min(across / width, down / height, NATURAL)
    least = SMALLEST_PRINT / smallest_text
    if fit >= least:
        return Plan(fit, 1, 1)
    columns, rows = _tiles(width * least, across), _tiles(height * least, down)
    # Grow the drawing as far as the same tiles still hold it: fewer pages would need smaller labels.
    scale = min(_span(columns, across) / width, _span(rows, down) / height, NATURAL)
    return Plan(scale, columns, rows)


def _tiles(length: float, tile: float) -> int:
    """How many tiles, overlapping by OVERLAP, cover ``length``."""
    return max(1, math.ceil((length - OVERLAP) / (tile - OVERLAP)))


def _span(count: int, tile: float) -> float:
    return count * tile - (count - 1) * OVERLAP


def page_template() -> PageTemplate:
    """The landscape A4 page the diagram is printed on; the document's other pages keep their own."""
    return PageTemplate(TEMPLATE, [Frame(MARGIN, FOOTER, *FRAME, 0, 0, 0, 0, id="diagram")], pagesize=PAGE)


def diagram_pages(case: Case) -> list[Flowable]:
    """The case's diagram with its progress marked, on pages of their own after what comes before."""
    registered()
    marks = case_history.marks(case, case_history.load(case))
    try:
        return pages_of(diagram.render_svg(case.spec.sources, marks, labels=case_history.role_labels()),
                        case.spec.name)
    except DeployError as error:  # the record prints without it, saying why
        return [Paragraph(f"流程图无法绘制：{escape(str(error.message))}", CAPTION_STYLE)]


def pages_of(svg: str, process_name: str) -> list[Flowable]:
    """The landscape pages of a diagram's SVG (from workflows.diagram.render_svg), captioned with ``process_name``."""
    registered()
    drawing = _drawing(svg)
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    tile = (FRAME[0], tile_height(process_name))
    layout = plan(drawing.width / NATURAL, drawing.height / NATURAL, min(sizes, default=12), tile)
    return _pages(Sheet(drawing, layout.scale, _lanes(svg)), layout, tile, process_name)


def _drawing(svg: str) -> Drawing:
    """The SVG as a reportlab drawing with its text in the record's Chinese font."""
    # svglib would look the SVG's web fonts up on the system; a standard name keeps it from trying.
    converted = svg2rlg(io.BytesIO(re.sub(r'font-family="[^"]*"', 'font-family="sans-serif"', svg).encode()))
    if converted is None:
        raise DeployError(t("流程图的 SVG 无法转换"))
    _retarget(converted)
    return converted


def _retarget(node) -> None:
    for item in getattr(node, "contents", ()):
        if isinstance(item, String):
            item.fontName, item.text = FONT, spelled_out(item.text)
        else:
            _retarget(item)


def _lanes(svg: str) -> list[tuple[float, float, str]]:
    """(top, bottom, title) of each horizontal lane, in SVG pixels from the drawing's top edge, innermost only."""
    root = etree.fromstring(svg.encode("utf-8"))
    top = float(root.get("viewBox", "0 0").split()[1])
    found = []
    for group in root.iter(f"{{{SVG}}}g"):
        rect, text = group.find(f"{{{SVG}}}rect"), group.find(f"{{{SVG}}}text")
        if "bpmn-lane" not in (group.get("class") or "").split() or rect is None or text is None:
            continue
        y, width, height = (float(rect.get(name, 0)) for name in ("y", "width", "height"))
        if width > height:  # a vertical pool's lanes are named along its top, always in view with it
            found.append((y - top, y - top + height, " ".join(text.itertext())))
    # A lane holding lanes is named beside them already: only the innermost are repeated.
    return [lane for lane in found if not any(other != lane and lane[0] <= other[0] and other[1] <= lane[1]
                                              for other in found)]


def _offsets(length: float, tile: float, count: int) -> list[float]:
    """Where each tile starts along the scaled drawing: spread evenly, the last ending at its edge."""
    if count == 1:
        return [min(0.0, (length - tile) / 2)]  # a drawing narrower than the page is centred
    return [index * (length - tile) / (count - 1) for index in range(count)]


@dataclass(frozen=True)
class Sheet:
    """The drawing to print, at ``scale`` points per SVG pixel, with its lanes to name on every tile."""

    drawing: Drawing
    scale: float
    lanes: list[tuple[float, float, str]]


def _pages(sheet: Sheet, layout: Plan, tile: tuple[float, float], process_name: str) -> list[Flowable]:
    lefts = _offsets(sheet.drawing.width / NATURAL * sheet.scale, tile[0], layout.columns)
    tops = [max(0.0, top) for top in _offsets(sheet.drawing.height / NATURAL * sheet.scale, tile[1], layout.rows)]
    flowables, number = [], 0
    for row, top in enumerate(tops, start=1):
        for column, left in enumerate(lefts, start=1):
            number += 1
            caption = _caption_text(process_name)
            if layout.pages > 1:
                caption += f"　第 {number}/{layout.pages} 页（第 {row} 行，第 {column} 列）"
            flowables += [NextPageTemplate(TEMPLATE), PageBreak(), Paragraph(caption, CAPTION_STYLE), _legend(),
                          Tile(sheet, left, top, tile, lane_titles=column > 1)]
    return flowables


def _caption_text(process_name: str) -> str:
    return f"流程图：{escape(spelled_out(process_name))}"


def _legend() -> Drawing:
    """The marks as the diagram draws them: finished, flow taken, open now, and a step's repeat count."""
    legend = Drawing(FRAME[0], LEGEND_HEIGHT)
    x, middle = 0.0, 7

    def label(text: str) -> None:
        nonlocal x
        legend.add(String(x, middle - 3.5, text, fontName=FONT, fontSize=9))
        x += stringWidth(text, FONT, 9) + 18

    def box(paint: diagram.Paint, text: str) -> None:
        nonlocal x
        legend.add(Rect(x, middle - 5, 22, 10, rx=3, ry=3, fillColor=HexColor(paint.fill),
                        strokeColor=HexColor(paint.stroke), strokeWidth=paint.width(1) / 2))
        x += 26
        label(text)

    box(diagram.COMPLETED, "已完成")
    legend.add(Line(x, middle, x + 22, middle, strokeColor=HexColor(diagram.TAKEN.stroke), strokeWidth=1.5))
    x += 26
    label("已流经")
    box(diagram.OPEN, "待办")
    legend.add(Rect(x, middle - 6, 22, 12, rx=6, ry=6, fillColor=HexColor(diagram.BADGE), strokeColor=None))
    legend.add(String(x + 11, middle - 3, "×n", fontName=FONT, fontSize=8, fillColor=HexColor("#ffffff"),
                      textAnchor="middle"))
    x += 26
    label("执行 n 次")
    return legend


class Tile(Flowable):
    """A page's window onto the scaled drawing, its top left corner ``left``, ``top`` points into it."""

    def __init__(self, sheet: Sheet, left: float, top: float, size: tuple[float, float], lane_titles: bool):
        super().__init__()
        self.sheet, self.left, self.top, self.lane_titles = sheet, left, top, lane_titles
        self.width, self.height = size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas, drawing = self.canv, self.sheet.drawing
        if not canvas.hasForm(FORM):
            # The drawing goes into the file once, as a form each tile's page shows through its window.
            canvas.beginForm(FORM, 0, 0, drawing.width, drawing.height)
            renderPDF.draw(drawing, canvas, 0, 0)
            canvas.endForm()
        canvas.saveState()
        self._clip(0, self.width)
        zoom = self.sheet.scale / NATURAL
        canvas.translate(-self.left, self.height + self.top - drawing.height * zoom)
        canvas.scale(zoom, zoom)
        canvas.doForm(FORM)
        canvas.restoreState()
        if self.lane_titles:
            self._lane_titles()

    def _clip(self, left: float, width: float, bottom: float = 0, height: float | None = None) -> None:
        window = self.canv.beginPath()
        window.rect(left, bottom, width, self.height if height is None else height)
        self.canv.clipPath(window, stroke=0, fill=0)

    def _lane_titles(self) -> None:
        """Each lane's title in a band at the left edge, as the first column shows it (the band lies in the overlap)."""
        canvas = self.canv
        for top_px, bottom_px, title in self.sheet.lanes:
            top = min(self.height, self.height + self.top - top_px * self.sheet.scale)
            bottom = max(0.0, self.height + self.top - bottom_px * self.sheet.scale)
            if top - bottom < LANE_BAND:
                continue
            canvas.saveState()
            self._clip(0, LANE_BAND, bottom, top - bottom)
            canvas.setFillColor(HexColor("#f1f3f4"))
            canvas.setStrokeColor(HexColor("#9aa0a6"))
            canvas.rect(0, bottom, LANE_BAND, top - bottom, stroke=1, fill=1)
            canvas.setFillColor(HexColor(diagram.INK))
            canvas.setFont(FONT, 7)
            canvas.translate(LANE_BAND / 2 + 2.5, (top + bottom) / 2)
            canvas.rotate(90)
            canvas.drawCentredString(0, 0, spelled_out(title))
            canvas.restoreState()
