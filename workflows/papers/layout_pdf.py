"""The notices' layout written as an A4 PDF with reportlab, the Chinese font embedded (see :mod:`layout`)."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import KeepTogether
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Spacer
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import TableStyle
from reportlab.platypus import paragraph as reportlab_paragraph

from workflows.papers import fonts
from workflows.papers import layout_model
from workflows.papers.layout_model import BODY
from workflows.papers.layout_model import CELL
from workflows.papers.layout_model import LEADING
from workflows.papers.layout_model import LINE_BREAK
from workflows.papers.layout_model import MARGINS
from workflows.papers.layout_model import PADDING
from workflows.papers.layout_model import SMALL
from workflows.papers.layout_model import TITLE
from workflows.papers.layout_model import WIDTH
from workflows.papers.layout_model import Blank
from workflows.papers.layout_model import CutLine
from workflows.papers.layout_model import Document
from workflows.papers.layout_model import Heading
from workflows.papers.layout_model import Note
from workflows.papers.layout_model import Paragraph
from workflows.papers.layout_model import Signature
from workflows.papers.layout_model import Table

# reportlab's CJK line breaking knows the Japanese characters that cannot start a line, not the Chinese full-width
# "，：；？！”》": a line began with a comma. Added when this module is
# first imported (with the app, before any PDF is made), so every PDF of the process, the 纪实表 too, breaks alike.
NO_LINE_START = "，：；？！”》"
for _module in (textsplit, reportlab_paragraph):
    if NO_LINE_START[0] not in _module.ALL_CANNOT_START:
        _module.ALL_CANNOT_START += NO_LINE_START


PDF_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}

def _styles() -> dict[str, ParagraphStyle]:
    font = fonts.pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=BODY, leading=LEADING, wordWrap="CJK",
                          alignment=TA_JUSTIFY, firstLineIndent=2 * BODY)
    return {"body": body,
            "title": ParagraphStyle("title", body, fontSize=TITLE, leading=TITLE * 1.6, alignment=TA_CENTER,
                                    firstLineIndent=0, spaceBefore=6, spaceAfter=LEADING * 0.6),
            "number": ParagraphStyle("number", body, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=4),
            "cell": ParagraphStyle("cell", body, fontSize=CELL, leading=CELL * 1.5, firstLineIndent=0,
                                   alignment=TA_LEFT),
            "note": ParagraphStyle("note", body, fontSize=SMALL, leading=SMALL * 1.6, firstLineIndent=SMALL,
                                   rightIndent=SMALL)}


def _font_command() -> tuple:
    # A table sets each cell's font even when a paragraph fills it: without this, Helvetica, not embedded.
    return ("FONTNAME", (0, 0), (-1, -1), fonts.pdf_font())


def _markup(text: str) -> str:
    return escape(text).replace(LINE_BREAK, "<br/>").replace("\n", "<br/>")


def _pdf_table(block: Table, styles) -> PdfTable:
    columns = max(len(row) for row in block.rows)
    cells = []
    for index, row in enumerate(block.rows):
        padded = list(row) + [""] * (columns - len(row))
        centred = block.header and index == 0
        cells.append([PdfParagraph(_markup(cell), ParagraphStyle("c", styles["cell"], alignment=TA_CENTER if (
            centred or layout_model.short(cell)) else TA_LEFT)) for cell in padded])
    table = PdfTable(cells, colWidths=layout_model.widths(block.rows), repeatRows=1 if block.header else 0)
    table.setStyle(TableStyle([_font_command(), ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                               ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def _ruled(lines: int) -> PdfTable:
    table = PdfTable([[""] for _ in range(lines)], colWidths=[WIDTH], rowHeights=[LEADING] * lines)
    table.setStyle(TableStyle([_font_command(), ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


class _CutLine(Flowable):
    """A dashed line across the text width with its label in the middle."""

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def wrap(self, available_width, available_height):
        return WIDTH, 2 * CELL

    def draw(self):
        canvas, font, middle = self.canv, fonts.pdf_font(), CELL
        text = f"  {self.label}  " if self.label else ""
        gap = canvas.stringWidth(text, font, CELL)
        canvas.saveState()
        canvas.setDash(3, 3)
        canvas.setLineWidth(0.75)
        canvas.line(0, middle, (WIDTH - gap) / 2, middle)
        canvas.line((WIDTH + gap) / 2, middle, WIDTH, middle)
        canvas.setFont(font, CELL)
        canvas.drawCentredString(WIDTH / 2, middle - CELL / 3, text)
        canvas.restoreState()


def _notes(texts: list[str], styles) -> PdfTable:
    table = PdfTable([[PdfParagraph(_markup(text), styles["note"])] for text in texts], colWidths=[WIDTH])
    table.setStyle(TableStyle([_font_command(), ("LINEABOVE", (0, 0), (-1, -1), 0.75, colors.black),
                               ("LINEBELOW", (0, -1), (-1, -1), 0.75, colors.black)]))
    return table


def _story(document: Document, styles) -> list:
    story = []
    if document.number:
        story.append(PdfParagraph(_markup(document.number), styles["number"]))
    story.append(PdfParagraph(_markup(document.title), styles["title"]))
    notes = [block.text for block in document.blocks if isinstance(block, Note)]
    cut = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            style = ParagraphStyle("p", styles["body"], alignment=PDF_ALIGN.get(block.align, TA_JUSTIFY),
                                   firstLineIndent=2 * BODY if block.indent else 0)
            story.append(PdfParagraph(_markup(block.text), style))
        elif isinstance(block, Heading):
            story.append(PdfParagraph(_markup(block.text), ParagraphStyle(
                "h", styles["body"], firstLineIndent=2 * BODY, spaceBefore=4 if block.level == 1 else 0,
                keepWithNext=1)))
        elif isinstance(block, Table) and block.rows:
            story += [Spacer(1, 4), _pdf_table(block, styles), Spacer(1, 8)]
        elif isinstance(block, Blank):
            story.append(_ruled(block.lines))
        elif isinstance(block, Signature):
            lines = [PdfParagraph(_markup(line), ParagraphStyle("s", styles["body"], alignment=TA_RIGHT,
                                                                  firstLineIndent=0, rightIndent=2 * BODY))
                     for line in block.lines]
            # The signature never stands alone on a page: it goes over with the paragraph before it.
            before = [story.pop()] if story else []
            story.append(KeepTogether([*before, Spacer(1, LEADING), *lines]))
        elif isinstance(block, CutLine):
            cut = len(story)
            story += [Spacer(1, LEADING), _CutLine(block.label), Spacer(1, 6)]
    if cut is not None:  # what is cut off (the 回复) stays in one piece, on the next page if need be
        story[cut:] = [KeepTogether(story[cut:])]
    if notes:
        story += [Spacer(1, LEADING), KeepTogether([_notes(notes, styles)])]
    return story


def _page_number(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont(fonts.pdf_font(), SMALL)
    canvas.drawCentredString(A4[0] / 2, 20 * mm, f"— {document.page} —")
    canvas.restoreState()


def to_pdf(document: Document) -> bytes:
    """The paper as an A4 PDF with the Chinese font embedded; identical documents give identical bytes."""
    styles = _styles()
    out = io.BytesIO()
    # invariant: no creation time nor random id in the file, so a paper's sha256 is reproducible.
    # The canvas starts in the embedded font: its default, Helvetica, would be named in the file, not embedded.
    pdf = SimpleDocTemplate(out, pagesize=A4, title=document.title, author=document.author, creator="cadreflow",
                            invariant=True, initialFontName=styles["body"].fontName, initialFontSize=BODY,
                            **{f"{side}Margin": size * mm for side, size in MARGINS.items()})
    pdf.build(_story(document, styles), onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
