"""Exporting the registry as the workbook the importer reads (or its 干部 sheet as CSV), and the blank template."""

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from storage.models import AnnualAssessment
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from storage.models import SectionAssessment
from storage.models import Unit
from workflows.registry import headcount
from workflows.registry.workbook import file_sheets
from workflows.registry.workbook import personal_sheets
from workflows.registry.workbook.cells import Day
from workflows.registry.workbook.cells import Whole
from workflows.registry.workbook.cells import csv_escaped
from workflows.registry.workbook.sheets import ASSESSMENTS
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import GUIDE_SHEET
from workflows.registry.workbook.sheets import PERSON_FIELDS
from workflows.registry.workbook.sheets import POST_FIELDS
from workflows.registry.workbook.sheets import SANCTIONS
from workflows.registry.workbook.sheets import SECTION_ASSESSMENTS
from workflows.registry.workbook.sheets import SECTIONS
from workflows.registry.workbook.sheets import SHEETS
from workflows.registry.workbook.sheets import Sheet

LAST_ROW = 1048576  # Excel's last row: dropdowns and formats cover every row a user may fill
REQUIRED_FONT = Font(bold=True, color="C00000")
GUIDE_NOTES = (
    "每个工作表的第一行是列名，请勿修改；从第二行起每行填一条记录。红色列名为必填列。",
    "导入时先检查整个文件：只要有一处错误，整个文件都不导入，并列出每处错误所在的工作表、行和列。",
    "干部编号在系统中已有的，更新其信息；现任职务（科室代码、现任职务、职务层次、是否实职、任现职日期）有变化时，"
    "原任职务在新的任现职日期结束，并新增一条任职记录。",
    "任职各列全部留空的行不改动该干部的任职记录；整列删去的可选列，系统中的相应信息保持不变。",
    "年度考核按干部编号和年度、科室考核按科室代码和年度更新；处分已有完全相同的一条时不重复添加。",
    "职数按科室代码和职务层次更新核定职数；文件中没有的科室、职务层次，系统中的核定职数保持不变。",
    "日期填 YYYY-MM-DD（如 1985-03-01），也可以用 Excel 的日期格式。",
    "谈心谈话、备案已有完全相同的一条时不重复添加；请假按干部编号和起止日期更新类别和备注，同一干部的请假期间不得重叠。",
    "家庭成员、简历：文件中有某干部的行时，按文件中的顺序替换该干部的全部家庭成员或简历；奖励已有完全相同的一条时不重复添加。"
    "公民身份号码和家庭成员是个人信息，请妥善保管本文件。",
    f"本“{GUIDE_SHEET}”工作表在导入时被忽略。",
)


def registry_rows(session: Session) -> dict[str, list[dict]]:
    """Every sheet's rows as {field: value}, sorted in Python so both databases give the same order."""
    cadres = session.scalars(select(Cadre).options(selectinload(Cadre.posts).selectinload(Post.section))).all()
    staff_no = {cadre.id: cadre.staff_no for cadre in cadres}
    people = []
    for cadre in sorted(cadres, key=lambda cadre: cadre.staff_no):
        values = {name: getattr(cadre, name) for name in PERSON_FIELDS}
        post = cadre.current_post
        if post is not None:
            values |= {name: getattr(post, name) for name in POST_FIELDS - {"section_code"}}
            values["section_code"] = post.section.code if post.section else None
        people.append(values)
    assessments = [{"staff_no": staff_no[row.cadre_id], "year": row.year, "grade": row.grade, "scheme": row.scheme}
                   for row in session.scalars(select(AnnualAssessment))]
    sanctions = [{"staff_no": staff_no[row.cadre_id], "kind": row.kind, "decided_on": row.decided_on,
                  "impact_until": row.impact_until} for row in session.scalars(select(Sanction))]
    sections = [{"code": section.code, "name": section.name, "unit_code": unit.code, "unit_name": unit.name,
                 "leader_staff_no": staff_no.get(section.leader_in_charge_id)}
                for section, unit in session.execute(select(Section, Unit).join(Unit, Section.unit_id == Unit.id))]
    section_assessments = [{"section_code": code, "year": row.year, "grade": row.grade, "rank": row.rank}
                           for code, row in session.execute(select(Section.code, SectionAssessment).join(
                               SectionAssessment, SectionAssessment.section_id == Section.id))]
    return {
        CADRES.name: people,
        ASSESSMENTS.name: sorted(assessments, key=lambda row: (row["staff_no"], row["year"])),
        SANCTIONS.name: sorted(sanctions, key=lambda row: (row["staff_no"], row["decided_on"], row["kind"])),
        SECTIONS.name: sorted(sections, key=lambda row: row["code"]),
        SECTION_ASSESSMENTS.name: sorted(section_assessments, key=lambda row: (row["section_code"], row["year"])),
        **file_sheets.export_rows(session, staff_no),
        **personal_sheets.export_rows(session, staff_no),
        **headcount.export_rows(session),
    }


def export_workbook(session: Session) -> bytes:
    """The whole registry as an .xlsx of every sheet; importing it again changes nothing."""
    book = Workbook()
    book.remove(book.active)
    rows = registry_rows(session)
    for sheet in SHEETS:
        _write_sheet(book.create_sheet(sheet.name), sheet, rows[sheet.name])
    return _save(book)


def export_csv(session: Session) -> bytes:
    """The 干部 sheet as CSV, UTF-8 with a BOM so that Excel opens the Chinese correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.header for column in CADRES.columns])
    for values in registry_rows(session)[CADRES.name]:
        cells = [column.parser.render(values.get(column.field)) for column in CADRES.columns]
        writer.writerow(["" if cell is None else cell.isoformat() if isinstance(cell, date)
                         else csv_escaped(cell) if isinstance(cell, str) else cell for cell in cells])
    return out.getvalue().encode("utf-8-sig")


def template_workbook() -> bytes:
    """Every sheet with headers and dropdowns only, and a 填写说明 sheet with the rules and an example."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    _write_guide(guide)
    for sheet in SHEETS:
        _write_sheet(book.create_sheet(sheet.name), sheet, [])
    return _save(book)


def _write_sheet(ws: Worksheet, sheet: Sheet, rows: list[dict]) -> None:
    ws.append([column.header for column in sheet.columns])
    for values in rows:
        ws.append([column.parser.render(values.get(column.field)) for column in sheet.columns])
        for cell in ws[ws.max_row]:
            # openpyxl makes "=…" a formula (and "#N/A" an error): what a user typed is written as text.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.cell(1, index).font = REQUIRED_FONT if column.required else Font(bold=True)
        ws.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4)
        # Text columns typed as text keep leading zeros (干部编号 0012); date columns read typed dates as dates.
        if isinstance(column.parser, Day):
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif not isinstance(column.parser, Whole):
            ws.column_dimensions[letter].number_format = "@"
        if column.parser.choices:
            dropdown = DataValidation(type="list", formula1=f'"{",".join(column.parser.choices)}"',
                                      allow_blank=True, showErrorMessage=True, errorTitle="无效的值",
                                      error=column.parser.hint)
            dropdown.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(dropdown)


def _write_guide(ws: Worksheet) -> None:
    ws.append(["干部信息导入模板：填写说明"])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for number, note in enumerate(GUIDE_NOTES, start=1):
        ws.append([f"{number}. {note}"])
    ws.append([])
    ws.append(["工作表", "列名", "是否必填", "填写要求", "示例"])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        for column in sheet.columns:
            required = ("有任职信息时必填" if column.field in sheet.group else "必填") if column.required else "选填"
            hint = column.parser.hint + (f"；{column.note}" if column.note else "")
            ws.append([sheet.name, column.header, required, hint, column.example])
    for letter, width in zip("ABCDE", (12, 18, 18, 70, 22), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=header_row + 1, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
