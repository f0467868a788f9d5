"""The workbook's 谈心谈话, 备案 and 请假 sheets: imported, exported and re-imported unchanged; bad rows named."""

from datetime import date

import pytest
from sqlalchemy import select

from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import TalkRecord
from tests.registry.sheets import cadre
from tests.registry.sheets import counts
from tests.registry.sheets import import_file
from tests.registry.sheets import snapshot
from tests.registry.sheets import table
from tests.registry.sheets import valid_sheets
from tests.registry.sheets import workbook
from workflows.registry.workbook.exporting import export_workbook
from workflows.registry.workbook.exporting import registry_rows
from workflows.registry.workbook.exporting import template_workbook
from workflows.registry.workbook.importing import CadreImportError
from workflows.registry.workbook.sheets import FILINGS
from workflows.registry.workbook.sheets import LEAVES
from workflows.registry.workbook.sheets import TALKS

FILE_TABLES = (TalkRecord, Filing, LeavePeriod)


def file_sheets() -> dict[str, list[list]]:
    return {
        TALKS.name: table(
            TALKS, {"干部编号": "QP0101", "谈话日期": "2025-06-10", "谈话类型": "谈心谈话", "谈话人": "郑晓燕",
                    "谈话内容": "肯定成绩，指出不足"},
            {"干部编号": "QP0102", "谈话日期": date(2025, 7, 1), "谈话类型": "诫勉谈话", "谈话人": "郑晓燕、王敏",
             "谈话内容": "就迟到早退问题诫勉"}),
        FILINGS.name: table(
            FILINGS, {"干部编号": "QP0101", "备案类别": "学历教育", "备案日期": "2025-03-01",
                      "备案内容": "在职攻读公共管理硕士", "文号": "青数〔2025〕3号"},
            {"干部编号": "QP0103", "备案类别": "荣誉称号", "备案日期": "2024-12-20", "备案内容": "区优秀共产党员"}),
        LEAVES.name: table(
            LEAVES, {"干部编号": "QP0102", "请假类别": "产假", "起始日期": "2025-01-06", "结束日期": "2025-06-30"},
            {"干部编号": "QP0102", "请假类别": "病假", "起始日期": "2025-07-01", "结束日期": "2025-07-10",
             "备注": "住院"}),
    }


def test_the_three_sheets_import_and_an_export_reimports_unchanged(sessions):
    summary = import_file(sessions, workbook({**valid_sheets(), **file_sheets()}))
    assert {name: value for name, value in counts(summary).items() if name in ("谈心谈话", "备案", "请假")} == {
        "谈心谈话": (2, 0, 0), "备案": (2, 0, 0), "请假": (2, 0, 0)}
    with sessions() as session:
        li = cadre(session, "QP0102")
        talk = session.scalar(select(TalkRecord).where(TalkRecord.cadre_id == li.id))
        assert (talk.held_on, talk.kind, talk.talkers, talk.case_id) == (date(2025, 7, 1), "admonition",
                                                                         "郑晓燕、王敏", None)
        filings = {row.kind: (row.filed_on, row.document_no) for row in session.scalars(select(Filing))}
        assert filings == {"education": (date(2025, 3, 1), "青数〔2025〕3号"), "honour": (date(2024, 12, 20), None)}
        assert [(row.kind, row.start_date, row.end_date, row.note) for row in session.scalars(
            select(LeavePeriod).order_by(LeavePeriod.start_date))] == [
            ("maternity", date(2025, 1, 6), date(2025, 6, 30), ""),
            ("sick", date(2025, 7, 1), date(2025, 7, 10), "住院")]
        rows = registry_rows(session)
        assert rows["请假"][0] == {"staff_no": "QP0102", "kind": "maternity", "start_date": date(2025, 1, 6),
                                   "end_date": date(2025, 6, 30), "note": ""}
        before, data = snapshot(session), export_workbook(session)
    again = import_file(sessions, data)
    assert not again.changed
    assert {name: value for name, value in counts(again).items() if name in ("谈心谈话", "备案", "请假")} == {
        "谈心谈话": (0, 0, 2), "备案": (0, 0, 2), "请假": (0, 0, 2)}
    with sessions() as session:
        assert snapshot(session) == before
        assert sum(len(session.scalars(select(model)).all()) for model in FILE_TABLES) == 6


def test_a_leave_row_for_a_recorded_period_corrects_its_kind_and_note(sessions):
    import_file(sessions, workbook({**valid_sheets(), **file_sheets()}))
    summary = import_file(sessions, workbook({LEAVES.name: table(
        LEAVES, {"干部编号": "QP0102", "请假类别": "工伤假", "起始日期": "2025-07-01", "结束日期": "2025-07-10"},
        drop=("备注",))}))
    assert counts(summary)["请假"] == (0, 1, 0)
    with sessions() as session:
        leave = session.scalar(select(LeavePeriod).where(LeavePeriod.start_date == date(2025, 7, 1)))
        assert (leave.kind, leave.note) == ("work_injury", "住院")  # no 备注 column: the note stays


def test_bad_rows_name_sheet_row_and_column_and_nothing_is_written(sessions):
    import_file(sessions, workbook({**valid_sheets(), **file_sheets()}))
    with sessions() as session:
        before = snapshot(session), [len(session.scalars(select(model)).all()) for model in FILE_TABLES]
    bad = {
        TALKS.name: table(
            TALKS, {"干部编号": "QP9999", "谈话日期": "2025-06-31", "谈话类型": "聊天", "谈话人": "郑晓燕",
                    "谈话内容": "x"},
            {"干部编号": "QP0101", "谈话日期": "2025-06-10", "谈话类型": "谈心谈话", "谈话人": "郑晓燕"}),
        FILINGS.name: table(FILINGS, {"干部编号": "QP0101", "备案类别": "其他事项", "备案日期": "2025-03-01",
                                      "备案内容": "y"}, drop=("文号", "备案内容"), extra=("备注",)),
        LEAVES.name: table(
            LEAVES, {"干部编号": "QP0101", "请假类别": "病假", "起始日期": "2025-03-10", "结束日期": "2025-03-01"},
            {"干部编号": "QP0101", "请假类别": "事假", "起始日期": "2025-04-01", "结束日期": "2025-04-05"},
            {"干部编号": "QP0101", "请假类别": "事假", "起始日期": "2025-04-05", "结束日期": "2025-04-06"},
            {"干部编号": "QP0102", "请假类别": "病假", "起始日期": "2025-06-01", "结束日期": "2025-07-02"}),
    }
    with pytest.raises(CadreImportError) as refused:
        import_file(sessions, workbook(bad))
    assert [str(error) for error in refused.value.cell_errors] == [
        "谈心谈话表第 2 行「干部编号」：干部编号“QP9999”不存在：文件的干部表和系统中都没有",
        "谈心谈话表第 2 行「谈话日期」：日期格式应为 YYYY-MM-DD，收到“2025-06-31”",
        "谈心谈话表第 2 行「谈话类型」：只能填 谈心谈话、任职谈话、提醒谈话、诫勉谈话、廉政谈话、转任谈话、"
        "退出领导岗位谈话、其他谈话，收到“聊天”",
        "谈心谈话表第 3 行「谈话内容」：必填，不能为空",
        "备案表「备案内容」列：缺少必填列",
        "备案表第 1 行「备注」：无法识别的列名，可用的列名见模板",
        "请假表第 2 行「结束日期」：不能早于「起始日期」2025-03-10",
        "请假表第 4 行「起始日期」：与第 3 行的请假期间 2025-04-01 至 2025-04-05 重叠",
        "请假表第 5 行「起始日期」：与已登记的产假 2025-01-06 至 2025-06-30 重叠"
        "（同一期间请写相同的起始和结束日期以更正）",
    ]
    with sessions() as session:
        assert (snapshot(session), [len(session.scalars(select(model)).all()) for model in FILE_TABLES]) == before


def test_the_template_explains_the_three_sheets():
    from io import BytesIO

    from openpyxl import load_workbook
    book = load_workbook(BytesIO(template_workbook()))
    assert {"谈心谈话", "备案", "请假"} <= set(book.sheetnames)
    assert [cell.value for cell in book["请假"][1]] == ["干部编号", "请假类别", "起始日期", "结束日期", "备注"]
    guide = [row[0] for row in book["填写说明"].iter_rows(values_only=True) if row and row[0]]
    assert any("请假期间不得重叠" in str(line) for line in guide)


def test_a_row_over_two_recorded_leaves_names_the_earlier_whatever_order_they_were_stored_in(sessions):
    # The recorded leaves were read in the table's own order: the message named whichever came first on disk
    # (on PostgreSQL it changed from one run to the next).
    sheets = file_sheets()
    later_first = table(LEAVES, {"干部编号": "QP0102", "请假类别": "病假", "起始日期": "2025-07-01",
                                 "结束日期": "2025-07-10", "备注": "住院"},
                        {"干部编号": "QP0102", "请假类别": "产假", "起始日期": "2025-01-06", "结束日期": "2025-06-30"})
    import_file(sessions, workbook({**valid_sheets(), **sheets, LEAVES.name: later_first}))
    over_both = table(LEAVES, {"干部编号": "QP0102", "请假类别": "病假", "起始日期": "2025-06-01",
                               "结束日期": "2025-07-02"})
    with pytest.raises(CadreImportError) as refused:
        import_file(sessions, workbook({LEAVES.name: over_both}))
    assert [str(error) for error in refused.value.cell_errors] == [
        "请假表第 2 行「起始日期」：与已登记的产假 2025-01-06 至 2025-06-30 重叠"
        "（同一期间请写相同的起始和结束日期以更正）"]
