"""The 干部任免审批表 as a two-page A4 PDF in the standard layout (papers.md §1), the Chinese font embedded.

Every box shrinks its text (down to 7 pt) and wraps it inside the box. Only the unbounded texts can still be too
long at 7 pt (the 简历, the 奖惩情况, a family beyond what the page holds): what does not fit goes onto a
continuation sheet after page 2 ("简历（续）" …), and the box on the form ends with "（续见附页）"; a normal form
stays exactly two pages. The canvas is invariant (no creation date, a fixed document id), so one form gives the
same bytes every time (the case record keeps their sha256).
"""

import io

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from workflows.papers import pdf_cells as cells
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_pdf_back import continuation
from workflows.papers.approval_pdf_back import page_two
from workflows.papers.approval_pdf_layout import A4
from workflows.papers.approval_pdf_layout import BOTTOM
from workflows.papers.approval_pdf_layout import GRID
from workflows.papers.approval_pdf_layout import LABEL
from workflows.papers.approval_pdf_layout import MORE
from workflows.papers.approval_pdf_layout import SMALL
from workflows.papers.approval_pdf_layout import TOP
from workflows.papers.approval_pdf_layout import VALUE
from workflows.papers.approval_pdf_layout import Carried
from workflows.papers.approval_pdf_layout import Sheet
from workflows.papers.approval_pdf_layout import box
from workflows.papers.approval_pdf_layout import frame
from workflows.papers.fonts import pdf_font
from workflows.papers.pdf_cells import Box


def page_one(sheet: Sheet, form: ApprovalForm) -> None:
    """姓名 … 拟免职务 and the 简历 filling the rest of the page."""
    sheet.title("干部任免审批表")
    g, top, row = GRID, TOP, 36.0
    rows = (
        (("姓  名", form.name), ("性  别", form.gender), ("出生年月\n（岁）", form.birth_with_age)),
        (("民  族", form.ethnicity), ("籍  贯", form.native_place), ("出 生 地", form.birthplace)),
        (("入  党\n时  间", form.party_join), ("参加工作\n时    间", form.work_start), ("健康状况", form.health)),
    )
    for number, triple in enumerate(rows):
        y = top - number * row
        for index, (label, text) in enumerate(triple):
            sheet.pair(label, text, box(g[2 * index], g[2 * index + 1], y, row),
                       box(g[2 * index + 1], g[2 * index + 2], y, row))
    y = top - 3 * row
    sheet.pair("专业技\n术职务", form.professional_title, box(g[0], g[1], y, row), box(g[1], g[3], y, row))
    sheet.pair("熟悉专业\n有何专长", form.expertise, box(g[3], g[4], y, row), box(g[4], g[6], y, row))
    photo_box = box(g[6], g[7], top, 4 * row)
    frame(sheet.canvas, photo_box)
    photo(sheet, form, photo_box)
    y = top - 4 * row
    education(sheet, form, y)
    y -= 2 * 42.0
    for label, text in (("现 任 职 务", form.current_post), ("拟 任 职 务", form.proposed_post),
                        ("拟 免 职 务", form.removed_post)):
        sheet.pair(label, text, box(g[0], g[2], y, 32.0), box(g[2], g[7], y, 32.0), centre=False)
        y -= 32.0
    sheet.label("简\n\n\n\n\n\n历", box(g[0], g[1], y, y - BOTTOM), size=14.0)
    resume(sheet, form, box(g[1], g[7], y, y - BOTTOM))


def education(sheet: Sheet, form: ApprovalForm, top: float) -> None:
    """学历学位: the 全日制教育 row and the 在职教育 row, each 学历·学位 | 毕业院校系及专业."""
    g, row = GRID, 42.0
    sheet.label("学  历\n学  位", box(g[0], g[1], top, 2 * row))
    for number, (kind, level, degree, school, degree_school) in enumerate((
            ("全日制\n教  育", form.ft_education, form.ft_degree, form.ft_school, form.ft_degree_school),
            ("在  职\n教  育", form.pt_education, form.pt_degree, form.pt_school, form.pt_degree_school))):
        y = top - number * row
        sheet.label(kind, box(g[1], g[2], y, row))
        sheet.value("\n".join(part for part in (level, degree) if part), box(g[2], g[4], y, row), SMALL,
                    heading="学历学位（续）")
        sheet.label("毕业院校\n系及专业", box(g[4], g[5], y, row), SMALL)
        schools = school if degree_school in ("", school) else f"{school}\n{degree_school}"
        sheet.value(schools, box(g[5], g[7], y, row), SMALL, heading="毕业院校系及专业（续）")


def photo(sheet: Sheet, form: ApprovalForm, cell: Box) -> None:
    """The photo fitted into the box with its aspect kept, centred; "照片" when there is none."""
    inner = cell.inner(4.0)
    if not form.photo:
        sheet.canvas.setFillColorRGB(0.6, 0.6, 0.6)
        cells.label_cell(sheet.canvas, "照片", sheet.font, cell, LABEL)
        sheet.canvas.setFillColorRGB(0, 0, 0)
        return
    image = ImageReader(io.BytesIO(form.photo))
    width, height = image.getSize()
    scale = min(inner.width / width, inner.height / height)
    drawn_w, drawn_h = width * scale, height * scale
    sheet.canvas.drawImage(image, inner.x + (inner.width - drawn_w) / 2, inner.y + (inner.height - drawn_h) / 2,
                           drawn_w, drawn_h)


def resume_lines(form: ApprovalForm, font: str, size: float, width: float) -> tuple[list[tuple[str, str]], float]:
    """((date prefix or "", text) per printed line, the text's indent): each period wrapped beside its dates."""
    indent = cells.stringWidth("0000.00--0000.00  ", font, size)
    printed = []
    for period in form.resume:
        prefix = f"{period.start}--{period.end}" if period.end else f"{period.start}--"
        for number, line in enumerate(cells.wrap(period.text, font, size, width - indent)):
            printed.append((prefix if number == 0 else "", line))
    return printed, indent


def resume(sheet: Sheet, form: ApprovalForm, cell: Box) -> None:
    """The 简历, largest size down to the floor; at the floor the rest goes to the continuation sheet."""
    frame(sheet.canvas, cell)
    inner = cell.inner(6.0)
    size = VALUE
    while True:
        printed, indent = resume_lines(form, sheet.font, size, inner.width)
        room = int((inner.height + (cells.LEADING - 1) * size) // (size * cells.LEADING))
        if len(printed) <= room or size - cells.STEP < cells.FLOOR:
            break
        size -= cells.STEP
    if len(printed) > room:
        # The last line on the form says where the rest is; the rest starts with the line it replaced.
        printed, rest = printed[:room - 1] + [("", MORE)], printed[room - 1:]
        sheet.overflow.append(Carried("简历（续）", rest, indent, size))
    canvas = sheet.canvas
    canvas.setFont(sheet.font, size)
    for number, (prefix, text) in enumerate(printed):
        baseline = inner.top - number * size * cells.LEADING - size * 0.86
        canvas.drawString(inner.x, baseline, prefix)
        canvas.drawString(inner.x + indent, baseline, text)

def render(form: ApprovalForm) -> bytes:
    """The form as PDF bytes: page 1, page 2, and a continuation sheet only for text too long at 7 pt."""
    out, font = io.BytesIO(), pdf_font()
    # The initial font is the embedded one: reportlab's default (Helvetica) would be listed as a font not embedded.
    canvas = Canvas(out, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font, initialFontSize=VALUE)
    canvas.setTitle(f"干部任免审批表 {form.name}")
    canvas.setAuthor(form.filled_by)
    canvas.setSubject(form.staff_no)
    sheet = Sheet(canvas, font)
    canvas.setLineWidth(0.8)
    page_one(sheet, form)
    canvas.showPage()
    canvas.setLineWidth(0.8)
    page_two(sheet, form)
    continuation(sheet, form)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
