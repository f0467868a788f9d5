"""The 职数 table: posts held counted from the registry, edits checked cell by cell and recorded, the workbook's
职数 sheet imported all or nothing (a bad row named by sheet, row and column) and exported to re-import."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import PostHeadcount
from tests.conftest import make_actor
from tests.conftest import organiser_of_a_registry
from tests.registry.sheets import counts
from tests.registry.sheets import import_file
from tests.registry.sheets import table
from tests.registry.sheets import workbook
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.registry import cadre_records
from workflows.registry import edit
from workflows.registry import headcount
from workflows.registry.workbook.exporting import export_workbook
from workflows.registry.workbook.importing import CadreImportError
from workflows.registry.workbook.sheets import HEADCOUNT
from workflows.registry.workbook.sheets import SECTIONS

NEW_SECTION = {"科室代码": "SJAQ", "科室名称": "数据安全科", "单位代码": "QPSJJ", "单位名称": "上海市青浦区数据局"}


@pytest.fixture
def organiser(sessions, clock):
    return organiser_of_a_registry(sessions, clock)


def table_of(sessions) -> dict[tuple[str, str], tuple]:
    with sessions() as session:
        return {(row.section_code, row.level): (row.approved, row.occupied, row.vacancies, row.excess)
                for row in headcount.overview(session)}


def test_posts_held_count_active_cadres_in_current_leadership_posts(sessions, organiser, clock):
    with sessions.begin() as session:
        headcount.save_table(session, organiser, clock.now(), {("SJZY", "section_chief"): 1,
                                                               ("SJZY", "deputy_section_chief"): "3"})
    view = table_of(sessions)
    assert view["SJZY", "section_chief"] == (1, 1, 0, 0) and view["SJZY", "deputy_section_chief"] == (3, 2, 1, 0)
    assert view["BGS", "section_chief"] == (None, 1, 0, 0)  # no entry: nothing approved, nothing vacant
    with sessions.begin() as session:  # a deputy leaves the pool, another becomes a second 科长 of SJZY
        deputies = [c for c in cadre_records.search(session, cadre_records.CadreFilter(level="deputy_section_chief"))[0]
                    if c.current_post.section.code == "SJZY"]
        deputies[0].active = False
        edit.appoint(session, organiser, clock.now(), deputies[1].id, {
            "section_id": deputies[1].current_post.section_id, "title": "科长", "level": "section_chief",
            "is_leadership": True, "start_date": date(2026, 3, 1), "appointment_mode": "promotion"})
    view = table_of(sessions)
    assert view["SJZY", "section_chief"] == (1, 2, 0, 1)  # 超职数 1, never a vacancy of -1
    assert view["SJZY", "deputy_section_chief"] == (3, 0, 3, 0)


def test_an_edit_is_checked_cell_by_cell_saved_whole_and_on_record(sessions, organiser, clock):
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        headcount.save_table(session, organiser, clock.now(), {
            ("SJZY", "section_chief"): "1", ("BGS", "section_chief"): "-1", ("BGS", "deputy_section_chief"): "两",
            ("ZZ99", "section_chief"): "1"})
    assert refused.value.errors == {
        "BGS:section_chief": "「办公室正科核定职数」应为 0 到 99 之间的整数，或留空表示未核定；收到“-1”",
        "BGS:deputy_section_chief": "「办公室副科核定职数」应为 0 到 99 之间的整数，或留空表示未核定；收到“两”",
        "ZZ99:section_chief": "科室代码“ZZ99”不存在"}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PostHeadcount)) == 0  # SJZY was not saved either
    with sessions.begin() as session:
        assert headcount.save_table(session, organiser, clock.now(), {("SJZY", "section_chief"): "1"}) == 1
    with sessions.begin() as session:
        assert headcount.save_table(session, organiser, clock.now(), {("SJZY", "section_chief"): "1"}) == 0
        assert headcount.save_table(session, organiser, clock.now(), {("SJZY", "section_chief"): ""}) == 1
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "registry.headcount_changed")).all()
        assert [audit.payload_of(event)["changes"] for event in events] == [
            [{"section": "SJZY", "level": "section_chief", "before": None, "after": 1}],
            [{"section": "SJZY", "level": "section_chief", "before": 1, "after": None}]]


def test_only_the_registry_editors_may_change_the_table(sessions, organiser, clock):
    auditor = make_actor(sessions, "zhouting", "auditor")
    with pytest.raises(Forbidden), sessions.begin() as session:
        headcount.save_table(session, auditor, clock.now(), {("SJZY", "section_chief"): 1})


def test_the_sheet_imports_with_a_new_section_and_exports_to_re_import_unchanged(sessions, organiser):
    summary = import_file(sessions, workbook({
        SECTIONS.name: table(SECTIONS, NEW_SECTION),
        HEADCOUNT.name: table(HEADCOUNT, {"科室代码": "SJZY", "职务层次": "正科", "核定职数": 1},
                              {"科室代码": "SJZY", "职务层次": "副科", "核定职数": "2"},
                              {"科室代码": "SJAQ", "职务层次": "副科", "核定职数": 0})}))
    assert counts(summary)["职数"] == (3, 0, 0)
    assert table_of(sessions)["SJAQ", "deputy_section_chief"] == (0, 0, 0, 0)
    with sessions() as session:
        data = export_workbook(session)
    rows = list(load_workbook(io.BytesIO(data))["职数"].iter_rows(values_only=True))
    assert rows == [("科室代码", "职务层次", "核定职数"), ("SJAQ", "副科", 0), ("SJZY", "正科", 1), ("SJZY", "副科", 2)]
    again = import_file(sessions, data)
    assert counts(again)["职数"] == (0, 0, 3) and not again.changed
    changed = import_file(sessions, workbook({HEADCOUNT.name: table(
        HEADCOUNT, {"科室代码": "SJZY", "职务层次": "正科", "核定职数": 2})}))
    assert counts(changed)["职数"] == (0, 1, 0) and table_of(sessions)["SJZY", "section_chief"][0] == 2


def test_a_bad_sheet_names_each_row_and_column_and_imports_nothing(sessions, organiser):
    data = workbook({
        SECTIONS.name: table(SECTIONS, NEW_SECTION),
        HEADCOUNT.name: table(HEADCOUNT, {"科室代码": "SJZY", "职务层次": "正科", "核定职数": 1},
                              {"科室代码": "ZZ99", "职务层次": "副科", "核定职数": 1},
                              {"科室代码": "BGS", "职务层次": "处级", "核定职数": -1},
                              {"科室代码": "SJZY", "职务层次": "正科", "核定职数": 2})})
    with pytest.raises(CadreImportError) as raised:
        import_file(sessions, data)
    assert [str(error) for error in raised.value.cell_errors] == [
        "职数表第 2 行「科室代码」：“SJZY”的正科核定职数在文件中重复（第 2、5 行）",
        "职数表第 3 行「科室代码」：科室代码“ZZ99”不存在：文件的科室表和系统中都没有",
        "职数表第 4 行「职务层次」：只能填 正科、副科，收到“处级”",
        "职数表第 4 行「核定职数」：应为 0 到 99 之间的整数，收到“-1”",
        "职数表第 5 行「科室代码」：“SJZY”的正科核定职数在文件中重复（第 2、5 行）"]
    with sessions() as session:  # nothing half-saved: not the new section, not the good rows
        assert session.scalar(select(func.count()).select_from(PostHeadcount)) == 0
        assert "SJAQ" not in {row.section_code for row in headcount.overview(session)}
        assert session.scalar(select(func.count()).select_from(Cadre)) == 84
