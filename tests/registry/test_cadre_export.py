"""Registry export and template: an export re-imports unchanged, CSV encodings, unreadable files."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.registry.sheets import cadre
from tests.registry.sheets import counts
from tests.registry.sheets import import_file
from tests.registry.sheets import person
from tests.registry.sheets import snapshot
from tests.registry.sheets import table
from tests.registry.sheets import workbook
from workflows.registry.demo import seed_registry
from workflows.registry.workbook.cells import Choice
from workflows.registry.workbook.cells import YesNo
from workflows.registry.workbook.exporting import export_csv
from workflows.registry.workbook.exporting import export_workbook
from workflows.registry.workbook.exporting import registry_rows
from workflows.registry.workbook.exporting import template_workbook
from workflows.registry.workbook.importing import CadreImportError
from workflows.registry.workbook.importing import import_cadres
from workflows.registry.workbook.importing import read_workbook
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import GUIDE_SHEET
from workflows.registry.workbook.sheets import SECTIONS
from workflows.registry.workbook.sheets import SHEETS


def test_an_export_re_imports_unchanged(sessions, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
    import_file(sessions, workbook({CADRES.name: table(CADRES, person("QP0001", "改任者", {
        "科室代码": "SJZY", "现任职务": "科长", "职务层次": "正科", "任现职日期": clock.now().date()}))}))
    with sessions() as session:
        before, rows = snapshot(session), registry_rows(session)
        data, csv_data = export_workbook(session), export_csv(session)
    assert len(before["post"]) == len(before["cadre"]) - 4 + 1  # the leaders hold no post; one was re-appointed
    summary = import_file(sessions, data)
    assert not summary.changed
    assert counts(summary) == {"干部": (0, 0, 84), "年度考核": (0, 0, 800), "处分": (0, 0, 2), "科室": (0, 0, 10),
                               "科室考核": (0, 0, 30),
                               "谈心谈话": (0, 0, 0), "备案": (0, 0, 0), "请假": (0, 0, 0),
                               "职数": (0, 0, 0), "家庭成员": (0, 0, 309), "简历": (0, 0, 0), "奖励": (0, 0, 14)}
    assert not import_file(sessions, csv_data, "registry.csv").changed
    with sessions() as session:
        assert snapshot(session) == before
        assert registry_rows(session) == rows
    assert csv_data.startswith(b"\xef\xbb\xbf" + "干部编号,姓名,性别".encode())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(sessions, encoding):
    import_file(sessions, workbook({SECTIONS.name: table(SECTIONS, {
        "科室代码": "BGS", "科室名称": "办公室", "单位代码": "QPSJJ", "单位名称": "上海市青浦区数据局"})}))
    rows = table(CADRES, person("QP0301", "欧阳明", {"民族": "回族", "出生日期": "1985/3/1", "毕业院校": "复旦大学"}))
    text = "\r\n".join(",".join("" if cell is None else str(cell) for cell in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # so the fallback is what reads it
    summary = import_file(sessions, data, "干部名单.CSV")
    assert counts(summary)["干部"] == (1, 0, 0)
    with sessions() as session:
        row = cadre(session, "QP0301")
        assert (row.name, row.ethnicity, row.birth_date, row.ft_school, row.current_post.section.code) == (
            "欧阳明", "回族", date(1985, 3, 1), "复旦大学", "BGS")


def test_the_template_has_dropdowns_and_imports_as_empty(sessions):
    data = template_workbook()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [GUIDE_SHEET, *(sheet.name for sheet in SHEETS)]
    for sheet in SHEETS:
        ws = book[sheet.name]
        assert [cell.value for cell in ws[1]] == [column.header for column in sheet.columns]
        assert ws.max_row == 1
        lists = {str(rule.sqref).split(":")[0][:-1]: rule.formula1 for rule in ws.data_validations.dataValidation}
        wanted = {ws.cell(1, index).column_letter: f'"{",".join(column.parser.choices)}"'
                  for index, column in enumerate(sheet.columns, start=1)
                  if isinstance(column.parser, Choice | YesNo)}
        assert lists == wanted
    assert book["干部"].data_validations.dataValidation[0].formula1 == '"男,女"'
    guide = [row for row in book[GUIDE_SHEET].iter_rows(values_only=True) if row[0] == "干部"]
    assert ("干部", "出生日期", "必填", "日期，格式 YYYY-MM-DD，也可以是 Excel 日期单元格；以档案认定的为准",
            "1985-03-01") in guide
    summary = import_file(sessions, data, "模板.xlsx")
    assert not summary.changed and all(c == (0, 0, 0) for c in counts(summary).values())


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"x", "registry.xls", "只能导入 .xlsx 或 .csv 文件，收到“registry.xls”（.xls 请先在 Excel 中另存为 .xlsx）"),
    (b"not a zip", "registry.xlsx", "无法作为 .xlsx 文件读取，请在 Excel 中打开后另存为 .xlsx"),
    (b"\xff\xfe\x00", "registry.csv", "无法识别 CSV 文件的编码，请另存为“CSV UTF-8”"),
], ids=["xls", "not-a-zip", "unknown-encoding"])
def test_an_unreadable_file_is_refused(data, filename, message):
    with pytest.raises(CadreImportError) as raised:
        read_workbook(data, filename)
    assert [str(error) for error in raised.value.cell_errors] == [message]


def test_a_workbook_without_known_sheets_is_refused(sessions):
    with sessions() as session, pytest.raises(CadreImportError) as raised:
        import_cadres(session, read_workbook(workbook({"Sheet1": []}), "empty.xlsx"))
    assert [str(error) for error in raised.value.cell_errors] == [
        "文件中没有可导入的工作表，应有：干部、年度考核、处分、科室、科室考核、谈心谈话、备案、请假、职数、家庭成员、简历、奖励"]
