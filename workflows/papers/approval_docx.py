"""The 干部任免审批表 as a .docx the office can edit: the PDF's two pages as two Word tables (python-docx).

The columns and rows follow the PDF's geometry (approval_pdf_layout); rows are "at least" their PDF height, so
text the office adds makes a row grow instead of being cut. Fonts are named (宋体 for East Asian text), not
embedded. The same form gives the same bytes: the core properties are dated by the form's 填表时间 and every
member of the zip is dated 1980-01-01.
"""

import io
from datetime import UTC
from datetime import datetime
from itertools import pairwise

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.enum.text import WD_BREAK
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from workflows.papers import fonts
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_pdf_back import family_values
from workflows.papers.approval_pdf_layout import FAMILY_COLUMNS
from workflows.papers.approval_pdf_layout import FAMILY_ROWS
from workflows.papers.approval_pdf_layout import GRID
from workflows.papers.approval_pdf_layout import LABEL
from workflows.papers.approval_pdf_layout import MARGIN_X
from workflows.papers.approval_pdf_layout import SMALL
from workflows.papers.approval_pdf_layout import VALUE
from workflows.papers.layout_docx import fixed_zip

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
RESUME_HEIGHT = 340.0  # what is left of page 1 in Word, with its own title spacing and a line to spare
PAGE_TWO = (GRID[0], *FAMILY_COLUMNS)  # the columns of page 2: label | 称谓 | 姓名 | 年龄 | 政治面貌 | 单位及职务


def run_font(run, size: float, east_asia: str = fonts.DOCX_FONT) -> None:
    """The run in ``east_asia`` for Chinese (w:eastAsia) and the same name for Latin text, at ``size`` pt."""
    run.font.size = Pt(size)
    run.font.name = east_asia
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def write(cell, text: str, size: float = VALUE, *, align: str = "center", top: bool = False) -> None:
    """``text`` into ``cell``, one paragraph a line, centred or left; the cell centred vertically unless ``top``."""
    cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP if top else WD_ALIGN_VERTICAL.CENTER
    for number, line in enumerate(text.split("\n")):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                               "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        form = paragraph.paragraph_format
        form.space_before = form.space_after = Pt(0)
        if line:
            run_font(paragraph.add_run(line), size)


def table(word, columns: tuple, heights: list[float]):
    """A bordered table of fixed column widths (pt, from the grid offsets) and rows at least ``heights`` tall."""
    widths = [right - left for left, right in pairwise(columns)]
    grid = word.add_table(rows=len(heights), cols=len(widths))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Pt(width)
        for cell in column.cells:
            cell.width = Pt(width)
    for row, height in zip(grid.rows, heights, strict=True):
        row.height, row.height_rule = Pt(height), WD_ROW_HEIGHT_RULE.AT_LEAST
    return grid


def span(grid, row: int, first: int, last: int, bottom: int | None = None):
    """The cell covering columns ``first``..``last`` (and rows ``row``..``bottom``), merged."""
    cell = grid.cell(row, first)
    return cell.merge(grid.cell(bottom if bottom is not None else row, last))


def page_one(word, form: ApprovalForm) -> None:
    grid = table(word, GRID, [36.0] * 4 + [42.0] * 2 + [32.0] * 3 + [RESUME_HEIGHT])
    rows = (
        (("姓  名", form.name), ("性  别", form.gender), ("出生年月\n（岁）", form.birth_with_age)),
        (("民  族", form.ethnicity), ("籍  贯", form.native_place), ("出 生 地", form.birthplace)),
        (("入  党\n时  间", form.party_join), ("参加工作\n时    间", form.work_start), ("健康状况", form.health)),
    )
    for number, triple in enumerate(rows):
        for index, (label, text) in enumerate(triple):
            write(grid.cell(number, 2 * index), label, LABEL)
            write(grid.cell(number, 2 * index + 1), text)
    write(grid.cell(3, 0), "专业技\n术职务", LABEL)
    write(span(grid, 3, 1, 2), form.professional_title)
    write(grid.cell(3, 3), "熟悉专业\n有何专长", LABEL)
    write(span(grid, 3, 4, 5), form.expertise)
    photo(span(grid, 0, 6, 6, bottom=3), form)
    write(span(grid, 4, 0, 0, bottom=5), "学  历\n学  位", LABEL)
    for row, (kind, level, degree, school, degree_school) in (
            (4, ("全日制\n教  育", form.ft_education, form.ft_degree, form.ft_school, form.ft_degree_school)),
            (5, ("在  职\n教  育", form.pt_education, form.pt_degree, form.pt_school, form.pt_degree_school))):
        write(grid.cell(row, 1), kind, LABEL)
        write(span(grid, row, 2, 3), "\n".join(part for part in (level, degree) if part), SMALL)
        write(grid.cell(row, 4), "毕业院校\n系及专业", SMALL)
        write(span(grid, row, 5, 6), school if degree_school in ("", school) else f"{school}\n{degree_school}",
              SMALL)
    for row, (label, text) in enumerate((("现 任 职 务", form.current_post), ("拟 任 职 务", form.proposed_post),
                                         ("拟 免 职 务", form.removed_post)), start=6):
        write(span(grid, row, 0, 1), label, LABEL)
        write(span(grid, row, 2, 6), text, align="left")
    write(grid.cell(9, 0), "简\n\n\n\n\n\n历", 14.0)
    resume = "\n".join(f"{line.start}--{line.end or '       '}  {line.text}" for line in form.resume)
    write(span(grid, 9, 1, 6), resume, SMALL, align="left", top=True)


def photo(cell, form: ApprovalForm) -> None:
    """The photo in its merged cell, fitted into the 2-inch box with its aspect kept."""
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not form.photo:
        return
    image = Image.from_blob(form.photo)
    box_w, box_h = GRID[7] - GRID[6] - 10, 4 * 36.0 - 10
    scale = min(box_w / image.px_width, box_h / image.px_height)
    paragraph.add_run().add_picture(io.BytesIO(form.photo), width=Pt(image.px_width * scale),
                                    height=Pt(image.px_height * scale))


def page_two(word, form: ApprovalForm) -> None:
    members = list(form.family)
    rows = max(FAMILY_ROWS, len(members))
    family_h = 26.0 + 24.0 * rows
    rewards_h = max(716.0 - 50 - 56 - 80 - 120 - family_h - 40, 60.0)
    grid = table(word, PAGE_TWO, [rewards_h, 50.0, 56.0, 26.0] + [24.0] * rows + [80.0, 120.0])
    for row, label, text in ((0, "奖\n惩\n情\n况", form.rewards), (1, "年度考\n核结果", form.assessments),
                             (2, "任免\n理由", form.reason)):
        write(grid.cell(row, 0), label, LABEL)
        write(span(grid, row, 1, 5), text, align="left", top=row == 0)
    write(span(grid, 3, 0, 0, bottom=3 + rows), "家庭\n主要\n成员\n及重\n要社\n会关\n系", LABEL)
    for index, heading in enumerate(("称  谓", "姓  名", "年龄", "政治面貌", "工作单位及职务"), start=1):
        write(grid.cell(3, index), heading, SMALL)
    for number in range(rows):
        values = family_values(form, members[number]) if number < len(members) else ("",) * 5
        for index, text in enumerate(values, start=1):
            write(grid.cell(4 + number, index), text, SMALL, align="center" if index < 5 else "left")
    unit_row = 4 + rows
    write(grid.cell(unit_row, 0), "呈报\n单位", LABEL)
    signed(span(grid, unit_row, 1, 5), form.reporting_unit)
    write(grid.cell(unit_row + 1, 0), "审批\n机关\n意见", LABEL)
    signed(span(grid, unit_row + 1, 1, 3), "")
    write(grid.cell(unit_row + 1, 4), "行政\n机关\n任免\n意见", LABEL)
    signed(grid.cell(unit_row + 1, 5), "")
    footer = word.add_paragraph()
    footer.paragraph_format.space_before = Pt(6)
    footer.paragraph_format.tab_stops.add_tab_stop(Pt((GRID[-1]) / 2))
    run_font(footer.add_run(f"计算年龄时间：{form.age_at}\t填表时间：{form.filled_on}\t填表人：{form.filled_by}"),
             SMALL)


def signed(cell, text: str) -> None:
    """A box signed under a seal: its text at the top, room, then "（盖章）" and the blank date at the right."""
    write(cell, f"{text}\n\n", VALUE, align="left", top=True)
    for line in ("（盖章）", "年    月    日"):
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(10)
        run_font(paragraph.add_run(line), SMALL)


def render(form: ApprovalForm) -> bytes:
    """The form as .docx bytes: two A4 pages, a page break between the tables."""
    word = Document()
    section = word.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Pt(595.28), Pt(841.89)
    section.left_margin = section.right_margin = Pt(MARGIN_X)
    section.top_margin, section.bottom_margin = Pt(48), Pt(40)
    # What the office types into the form is 宋体 too, not the template's Latin-only default.
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = fonts.DOCX_FONT, Pt(VALUE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts.DOCX_FONT)
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(8)
    run_font(title.add_run("干部任免审批表"), 22.0, fonts.DOCX_TITLE_FONT)
    page_one(word, form)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    page_two(word, form)
    properties = word.core_properties
    year, month = (int(part) for part in (form.filled_on or "2000.01").split(".")[:2])
    stamp = datetime(year, month, 1, tzinfo=UTC)
    properties.title, properties.subject = f"干部任免审批表 {form.name}", form.staff_no
    properties.author = properties.last_modified_by = form.filled_by or "cadreflow"
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision, properties.comments, properties.keywords = 1, "", ""
    out = io.BytesIO()
    word.save(out)
    return fixed_zip(out.getvalue())
