"""Page 2 of the 干部任免审批表 PDF (奖惩 … 填表人) and the continuation sheet for text too long for the form."""

from workflows.papers import pdf_cells as cells
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_pdf_layout import BOTTOM
from workflows.papers.approval_pdf_layout import FAMILY_COLUMNS
from workflows.papers.approval_pdf_layout import FAMILY_ROW_MIN
from workflows.papers.approval_pdf_layout import FAMILY_ROWS
from workflows.papers.approval_pdf_layout import GRID
from workflows.papers.approval_pdf_layout import MARGIN_X
from workflows.papers.approval_pdf_layout import REWARDS_MIN
from workflows.papers.approval_pdf_layout import SMALL
from workflows.papers.approval_pdf_layout import TOP
from workflows.papers.approval_pdf_layout import VALUE
from workflows.papers.approval_pdf_layout import WIDTH
from workflows.papers.approval_pdf_layout import Carried
from workflows.papers.approval_pdf_layout import Sheet
from workflows.papers.approval_pdf_layout import box
from workflows.papers.approval_pdf_layout import frame
from workflows.papers.pdf_cells import Box


def page_two(sheet: Sheet, form: ApprovalForm) -> None:
    """奖惩情况 … 审批机关意见, the family table as tall as its rows need, 奖惩 taking the rest; 填表人 below."""
    g = GRID
    assessment_h, reason_h, unit_h, opinion_h, head_h = 50.0, 56.0, 80.0, 120.0, 26.0
    rows = max(FAMILY_ROWS, len(form.family))
    room = TOP - BOTTOM - assessment_h - reason_h - unit_h - opinion_h - REWARDS_MIN - head_h
    # 24 pt a row while they fit; more rows share the room, never below a row of the floor size.
    row_h = max(min(24.0, room / rows), FAMILY_ROW_MIN)
    shown = min(rows, int(room // row_h))
    rewards_h = TOP - BOTTOM - assessment_h - reason_h - unit_h - opinion_h - head_h - shown * row_h
    y = TOP
    sheet.pair("奖\n惩\n情\n况", form.rewards, box(g[0], g[1], y, rewards_h), box(g[1], g[7], y, rewards_h),
               centre=False, middle=False)
    y -= rewards_h
    sheet.pair("年度考\n核结果", form.assessments, box(g[0], g[1], y, assessment_h), box(g[1], g[7], y, assessment_h),
               centre=False)
    y -= assessment_h
    sheet.pair("任免\n理由", form.reason, box(g[0], g[1], y, reason_h), box(g[1], g[7], y, reason_h), centre=False)
    y -= reason_h
    family(sheet, form, y, head_h, row_h, shown)
    y -= head_h + shown * row_h
    sheet.label("呈报\n单位", box(g[0], g[1], y, unit_h))
    signed(sheet, form.reporting_unit, box(g[1], g[7], y, unit_h))
    y -= unit_h
    sheet.label("审批\n机关\n意见", box(g[0], g[1], y, opinion_h))
    c = FAMILY_COLUMNS
    signed(sheet, "", box(c[0], c[3], y, opinion_h))
    sheet.label("行政\n机关\n任免\n意见", box(c[3], c[4], y, opinion_h))
    signed(sheet, "", box(c[4], c[5], y, opinion_h))
    canvas = sheet.canvas
    canvas.setFont(sheet.font, SMALL)
    footer = BOTTOM - 18
    canvas.drawString(MARGIN_X, footer, f"计算年龄时间：{form.age_at}")
    canvas.drawCentredString(MARGIN_X + WIDTH / 2, footer, f"填表时间：{form.filled_on}")
    canvas.drawRightString(MARGIN_X + WIDTH, footer, f"填表人：{form.filled_by}")


def signed(sheet: Sheet, text: str, cell: Box) -> None:
    """A box signed under a seal: its text at the top, "（盖章）" and the blank date at the bottom right."""
    sheet.value(text, Box(cell.x, cell.y + 34, cell.width, cell.height - 34), VALUE, centre=False, middle=False,
                heading="呈报单位（续）", framed=False)
    frame(sheet.canvas, cell)
    canvas = sheet.canvas
    canvas.setFont(sheet.font, SMALL)
    right = cell.x + cell.width - 14
    canvas.drawRightString(right, cell.y + 24, "（盖章）")
    canvas.drawRightString(right, cell.y + 8, "年    月    日")


def family(sheet: Sheet, form: ApprovalForm, top: float, head_h: float, row_h: float, shown: int) -> None:
    """家庭主要成员及重要社会关系: the header and ``shown`` rows (blank rows up to seven); the rest continued."""
    c = FAMILY_COLUMNS
    sheet.label("家庭\n主要\n成员\n及重\n要社\n会关\n系", box(GRID[0], c[0], top, head_h + shown * row_h))
    for index, heading in enumerate(("称  谓", "姓  名", "年龄", "政治面貌", "工作单位及职务")):
        sheet.label(heading, box(c[index], c[index + 1], top, head_h), SMALL)
    members = list(form.family)
    for number in range(shown):
        y = top - head_h - number * row_h
        values = family_values(form, members[number]) if number < len(members) else ("",) * 5
        for index, text in enumerate(values):
            sheet.value(text, box(c[index], c[index + 1], y, row_h), SMALL, centre=index < 4,
                        heading="家庭主要成员及重要社会关系（续）")
    if len(members) > shown:
        sheet.overflow.append(Carried("家庭主要成员及重要社会关系（续）", [
            ("", "  ".join(part for part in family_values(form, member) if part)) for member in members[shown:]],
            0.0, SMALL))


def family_values(form: ApprovalForm, member) -> tuple[str, ...]:
    age = form.age(member.birth)
    return (member.relation, member.name, "" if age is None else str(age), member.political_status,
            member.work_unit_post)


def continuation(sheet: Sheet, form: ApprovalForm) -> None:
    """The continuation sheet(s): each carried text under its heading, as many pages as it takes."""
    pending = [(carried, list(carried.lines)) for carried in sheet.overflow]
    sheet.overflow = []
    while pending:
        sheet.canvas.showPage()
        sheet.title(f"干部任免审批表（续页）  {form.name}", 16.0)
        y = TOP
        while pending and y - BOTTOM > 30:
            carried, lines = pending[0]
            leading = carried.size * cells.LEADING
            room = int((y - BOTTOM - 12 + (cells.LEADING - 1) * carried.size) // leading)
            here, lines = lines[:room], lines[room:]
            height = len(here) * leading + 12
            sheet.label(carried.heading, box(GRID[0], GRID[1], y, height), SMALL)
            cell = box(GRID[1], GRID[7], y, height)
            frame(sheet.canvas, cell)
            sheet.canvas.setFont(sheet.font, carried.size)
            for number, (prefix, text) in enumerate(here):
                baseline = cell.top - 6 - number * leading - carried.size * 0.86
                sheet.canvas.drawString(cell.x + 6, baseline, prefix)
                sheet.canvas.drawString(cell.x + 6 + carried.indent, baseline, text)
            y -= height
            if lines:
                pending[0] = (carried, lines)
            else:
                pending.pop(0)
