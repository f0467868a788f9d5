"""The notices' layout written as a .docx with python-docx, for the office to edit (see :mod:`layout`)."""

import io
import zipfile
from datetime import UTC
from datetime import date
from datetime import datetime

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.shared import Pt

from workflows.papers import fonts
from workflows.papers import layout_model
from workflows.papers.layout_model import BODY
from workflows.papers.layout_model import CELL
from workflows.papers.layout_model import LEADING
from workflows.papers.layout_model import LINE_BREAK
from workflows.papers.layout_model import MARGINS
from workflows.papers.layout_model import SMALL
from workflows.papers.layout_model import TITLE
from workflows.papers.layout_model import Blank
from workflows.papers.layout_model import CutLine
from workflows.papers.layout_model import Document
from workflows.papers.layout_model import Heading
from workflows.papers.layout_model import Note
from workflows.papers.layout_model import Paragraph
from workflows.papers.layout_model import Signature
from workflows.papers.layout_model import Table

DOCX_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
              "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
HEADING_FONTS = {1: "黑体", 2: "楷体"}  # what Word uses for the 一、 and （一） headings of a .docx
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _font(run, size: float, east_asia: str = fonts.DOCX_FONT) -> None:
    run.font.size = Pt(size)
    run.font.name = east_asia
    fonts_element = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts_element.set(qn("w:eastAsia"), east_asia)


def _paragraph(word, text: str, *, size: float = BODY, align: str = "justify", indent: float = 0,
               right: float = 0, east_asia: str = fonts.DOCX_FONT):
    paragraph = word.add_paragraph()
    form = paragraph.paragraph_format
    form.alignment = DOCX_ALIGN[align]
    form.first_line_indent = Pt(indent) if indent else None
    form.right_indent = Pt(right) if right else None
    form.line_spacing_rule, form.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(size * LEADING / BODY)
    form.space_before = form.space_after = Pt(0)
    _lines(paragraph, text, size, east_asia)
    return paragraph


def _lines(paragraph, text: str, size: float, east_asia: str = fonts.DOCX_FONT) -> None:
    """``text`` as runs of ``paragraph``, a line break where the text has one."""
    for number, line in enumerate(text.replace("\n", LINE_BREAK).split(LINE_BREAK)):
        if number:
            paragraph.runs[-1].add_break()
        _font(paragraph.add_run(line), size, east_asia)


def _border(paragraph, *sides: str) -> None:
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    paragraph._p.get_or_add_pPr().append(borders)


def _docx_table(word, block: Table) -> None:
    columns = max(len(row) for row in block.rows)
    table = word.add_table(rows=len(block.rows), cols=columns)
    table.style, table.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, layout_model.widths(block.rows), strict=True):
        for cell in column.cells:
            cell.width = Pt(width)
    for index, row in enumerate(block.rows):
        for cell, text in zip(table.rows[index].cells, list(row) + [""] * (columns - len(row)), strict=True):
            paragraph = cell.paragraphs[0]
            centred = (block.header and index == 0) or layout_model.short(text)
            paragraph.alignment = DOCX_ALIGN["center" if centred else "left"]
            _lines(paragraph, text, CELL)


def _page_field(word) -> None:
    footer = word.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), SMALL)
    run = footer.add_run()
    _font(run, SMALL)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        element = OxmlElement("w:fldChar" if kind else "w:instrText")
        if kind:
            element.set(qn("w:fldCharType"), kind)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(footer.add_run(" —"), SMALL)


def fixed_zip(data: bytes) -> bytes:
    """The .docx with every member dated 1980-01-01, so the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(zipfile.ZipInfo(member.filename, ZIP_TIME), source.read(member.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def to_docx(document: Document) -> bytes:
    """The paper as a .docx the office can edit (fonts named, not embedded); identical documents, identical bytes."""
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    if document.number:
        _paragraph(word, document.number, align="center")
    _paragraph(word, document.title, size=TITLE, align="center", east_asia=fonts.DOCX_TITLE_FONT)
    _paragraph(word, "")
    notes = [block.text for block in document.blocks if isinstance(block, Note)]
    for block in document.blocks:
        if isinstance(block, Paragraph):
            _paragraph(word, block.text, align=block.align, indent=2 * BODY if block.indent else 0)
        elif isinstance(block, Heading):
            _paragraph(word, block.text, indent=2 * BODY, east_asia=HEADING_FONTS.get(block.level, fonts.DOCX_FONT))
        elif isinstance(block, Table) and block.rows:
            _docx_table(word, block)
        elif isinstance(block, Blank):
            for _ in range(block.lines):
                _border(_paragraph(word, ""), "bottom")
        elif isinstance(block, Signature):
            _paragraph(word, "")
            for line in block.lines:
                _paragraph(word, line, align="right", right=2 * BODY)
        elif isinstance(block, CutLine):
            _paragraph(word, "")
            _paragraph(word, f"- - - - - - - - - -  {block.label}  - - - - - - - - - -", size=CELL, align="center")
    if notes:
        _paragraph(word, "")
        for index, text in enumerate(notes):
            _border(_paragraph(word, text, size=SMALL, indent=SMALL, right=SMALL, align="left"),
                    "top", *(("bottom",) if index == len(notes) - 1 else ()))
    _page_field(word)
    properties = word.core_properties
    stamp = datetime.combine(document.dated or date(2000, 1, 1), datetime.min.time(), tzinfo=UTC)
    properties.title, properties.author, properties.last_modified_by = document.title, document.author, "cadreflow"
    properties.created = properties.modified = stamp
    properties.revision, properties.comments = 1, ""
    out = io.BytesIO()
    word.save(out)
    return fixed_zip(out.getvalue())
