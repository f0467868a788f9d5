"""Registry import: all or nothing, every bad cell reported with its row and column."""

from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AnnualAssessment
from storage.models import Sanction
from storage.models import Section
from storage.models import SectionAssessment
from tests.registry.sheets import TABLES
from tests.registry.sheets import cadre
from tests.registry.sheets import counts
from tests.registry.sheets import import_file
from tests.registry.sheets import person
from tests.registry.sheets import table
from tests.registry.sheets import valid_sheets
from tests.registry.sheets import workbook
from workflows.errors import InvalidData
from workflows.registry.workbook.importing import CadreImportError
from workflows.registry.workbook.importing import import_cadres
from workflows.registry.workbook.importing import read_workbook
from workflows.registry.workbook.sheets import ASSESSMENTS
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import SANCTIONS
from workflows.registry.workbook.sheets import SECTION_ASSESSMENTS
from workflows.registry.workbook.sheets import SECTIONS


def test_a_valid_workbook_imports_every_sheet(sessions):
    steps = []
    summary = import_file(sessions, workbook(valid_sheets()), on_progress=lambda done, total: steps.append(done))
    assert counts(summary) == {"干部": (4, 0, 0), "年度考核": (3, 0, 0), "处分": (1, 0, 0), "科室": (2, 0, 0),
                               "科室考核": (2, 0, 0),
                               "谈心谈话": (0, 0, 0), "备案": (0, 0, 0), "请假": (0, 0, 0),
                               "职数": (0, 0, 0), "家庭成员": (0, 0, 0), "简历": (0, 0, 0), "奖励": (0, 0, 0)}
    assert (summary.units.created, summary.posts_closed, summary.changed) == (1, 0, True)
    assert steps == list(range(1, 13))
    assert str(summary) == ("干部：新增 4，更新 0，未变 0；年度考核：新增 3，更新 0，未变 0；"
                            "处分：新增 1，更新 0，未变 0；科室：新增 2，更新 0，未变 0；"
                            "科室考核：新增 2，更新 0，未变 0；谈心谈话：新增 0，更新 0，未变 0；"
                            "备案：新增 0，更新 0，未变 0；请假：新增 0，更新 0，未变 0；"
                            "职数：新增 0，更新 0，未变 0；家庭成员：新增 0，更新 0，未变 0；"
                            "简历：新增 0，更新 0，未变 0；奖励：新增 0，更新 0，未变 0；结束原任职务 0 条")
    with sessions() as session:
        zhang = cadre(session, "QP0101")
        assert (zhang.name, zhang.gender, zhang.birth_date, zhang.party_join_date, zhang.work_start_date) == (
            "张三", "male", date(1985, 3, 1), date(2008, 6, 1), date(2007, 7, 1))
        assert (zhang.political_affiliation, zhang.staff_category, zhang.retirement_category) == (
            "cpc_member", "civil_servant", "male")
        assert (zhang.ft_education_level, zhang.ft_degree, zhang.ft_school, zhang.pt_education_level) == (
            "bachelor", "学士", "华东师范大学", None)
        assert (zhang.under_investigation, zhang.active) == (False, True)
        post = zhang.current_post
        assert (post.section.code, post.title, post.level, post.is_leadership, post.civil_service_rank) == (
            "BGS", "副科长", "deputy_section_chief", True, "四级主任科员")
        assert (post.decision_date, post.notice_date, post.start_date, post.same_post_start) == (
            date(2023, 2, 20), date(2023, 2, 24), date(2023, 3, 1), date(2020, 3, 1))
        assert (post.appointment_mode, post.probation_start, post.probation_end, post.probation_result) == (
            "promotion", date(2023, 3, 1), date(2024, 2, 29), "passed")
        li = cadre(session, "QP0102")
        # Blank 退休类别: a woman in a worker post retires as 女职工; blank 同一职位起始日期 is the start.
        assert (li.retirement_category, li.under_investigation) == ("female_worker", True)
        assert (li.current_post.is_leadership, li.current_post.level, li.current_post.same_post_start) == (
            False, None, date(2023, 3, 1))
        leader = cadre(session, "L002")
        assert (leader.retirement_category, leader.posts) == ("female_cadre", [])
        assert sorted((a.cadre_id, a.year, a.grade, a.scheme) for a in session.scalars(select(AnnualAssessment))) \
            == [(zhang.id, 2023, "competent", "civil_servant"), (zhang.id, 2024, "excellent", "civil_servant"),
                (li.id, 2024, "competent", "institution")]
        assert [(s.cadre_id, s.kind, s.decided_on, s.impact_until) for s in session.scalars(select(Sanction))] == [
            (li.id, "诫勉", date(2025, 1, 15), date(2025, 7, 15))]
        sections = {s.code: s for s in session.scalars(select(Section))}
        assert (sections["BGS"].name, sections["BGS"].unit.name, sections["BGS"].leader_in_charge_id) == (
            "办公室", "上海市青浦区数据局", leader.id)
        assert sections["SJZY"].leader_in_charge_id is None
        assert sorted((s.section_id, s.year, s.grade, s.rank) for s in session.scalars(select(SectionAssessment))) \
            == sorted([(sections["BGS"].id, 2024, "good", 3), (sections["SJZY"].id, 2024, "excellent", None)])


def test_a_changed_post_closes_the_old_one(sessions):
    import_file(sessions, workbook(valid_sheets()))
    # No 科室 sheet (sections are found in the database), and no 毕业院校 column.
    summary = import_file(sessions, workbook({
        CADRES.name: table(
            CADRES, person("QP0101", "张三", {"现任职务": "科长", "职务层次": "正科", "任现职日期": "2025-03-01"}),
            person("QP0102", "李四", {"性别": "女", "出生日期": "1990-07-15", "人员类别": "工勤", "科室代码": "SJZY",
                                     "现任职务": "一级主任科员", "职务层次": None, "是否实职": "否",
                                     "任职方式": "其他", "任现职日期": "2024-09-01", "是否正在接受审查": "是"}),
            person("QP0103", "王五", {"科室代码": "SJZY", "职级": "二级主任科员"}),
            person("QP0104", "赵六", post=None), drop=("毕业院校",)),
        ASSESSMENTS.name: table(
            ASSESSMENTS, {"干部编号": "QP0101", "年度": 2024, "等次": "称职", "考核类别": "公务员考核"},
            {"干部编号": "QP0104", "年度": 2024, "等次": "优秀", "考核类别": "公务员考核"},
            {"干部编号": "QP0102", "年度": 2024, "等次": "合格", "考核类别": "事业单位考核"}),
        SANCTIONS.name: valid_sheets()[SANCTIONS.name],
        SECTION_ASSESSMENTS.name: table(SECTION_ASSESSMENTS, {"科室代码": "BGS", "年度": 2024, "等次": "良好"},
                                        drop=("名次",)),
    }))
    assert counts(summary) == {"干部": (1, 3, 0), "年度考核": (1, 1, 1), "处分": (0, 0, 1), "科室": (0, 0, 0),
                               "科室考核": (0, 0, 1),
                               "谈心谈话": (0, 0, 0), "备案": (0, 0, 0), "请假": (0, 0, 0),
                               "职数": (0, 0, 0), "家庭成员": (0, 0, 0), "简历": (0, 0, 0), "奖励": (0, 0, 0)}
    assert summary.posts_closed == 2
    with sessions() as session:
        zhang = cadre(session, "QP0101")
        old, new = zhang.posts
        assert (old.title, old.end_date, old.end_reason) == ("副科长", date(2025, 3, 1), "改任科长（导入）")
        assert (new.title, new.level, new.start_date, new.same_post_start, new.end_date) == (
            "科长", "section_chief", date(2025, 3, 1), date(2025, 3, 1), None)
        assert zhang.current_post is new
        assert zhang.ft_school == "华东师范大学"  # the column was left out, so the stored value stays
        li = cadre(session, "QP0102")
        # Same section and title again: the rotation rule keeps counting from the first start.
        assert [(p.start_date, p.same_post_start, p.end_date) for p in li.posts] == [
            (date(2023, 3, 1), date(2023, 3, 1), date(2024, 9, 1)), (date(2024, 9, 1), date(2023, 3, 1), None)]
        wang = cadre(session, "QP0103")
        assert [(p.civil_service_rank, p.end_date) for p in wang.posts] == [("二级主任科员", None)]
        assert session.scalars(select(AnnualAssessment.grade).where(
            AnnualAssessment.cadre_id == zhang.id, AnnualAssessment.year == 2024)).all() == ["competent"]
        # Without the 名次 column the stored rank stays.
        assert session.scalars(select(SectionAssessment.rank).where(SectionAssessment.grade == "good")).all() == [3]
    with pytest.raises(CadreImportError) as raised:
        import_file(sessions, workbook({CADRES.name: table(CADRES, person("QP0101", "张三", {
            "现任职务": "副科长", "任现职日期": "2025-03-01"}))}))
    assert [str(error) for error in raised.value.cell_errors] == [
        "干部表第 2 行「任现职日期」：现任职务“科长”自 2025-03-01 起，新任职务的任现职日期应晚于此日"
        "（职务有变化时，导入会结束现任职务并新增一条任职记录）"]


def test_a_bad_workbook_imports_nothing_and_names_every_bad_cell(sessions):
    probation = {"试用期起": "2024-03-01", "试用期止": "2023-03-01"}
    data = workbook({
        CADRES.name: table(
            CADRES, person("QP0201", "甲", {"出生日期": "1985/13/01"}),
            person("QP0202", "乙", {"性别": "M", "政治面貌": "党员"}),
            {},
            person("QP0201", "丙", {"科室代码": "ZZ99"}),
            person("QP0203", "丁", {"出生日期": "2010-05-01", **probation}),
            person("QP0204", None, {"是否实职": "Y", "任现职日期": None, "备注": "x"}),
            person("QP0205", "戊", post=None), extra=("备注",)),
        ASSESSMENTS.name: table(ASSESSMENTS, {"干部编号": "QP9999", "年度": "24", "等次": "优秀"},
                                {"干部编号": "QP0205", "年度": 2024, "等次": "良"}, drop=("考核类别",)),
        SANCTIONS.name: table(SANCTIONS, {"干部编号": "QP0205", "类别": "诫勉", "决定日期": "2025-01-15",
                                          "影响期至": "2024-07-15"}),
        SECTIONS.name: table(SECTIONS, {"科室代码": "BGS", "科室名称": "办公室", "单位代码": "QPSJJ",
                                        "单位名称": "上海市青浦区数据局"}),
        "Sheet2": [["whatever"]],
    })
    with sessions() as session:
        with pytest.raises(CadreImportError) as raised:
            import_cadres(session, read_workbook(data, "bad.xlsx"))
        assert not session.new and not session.dirty
        assert [session.scalar(select(func.count()).select_from(model)) for model in TABLES] == [0] * len(TABLES)
    expected = [
        "干部表第 1 行「备注」：无法识别的列名，可用的列名见模板",
        "干部表第 2 行「干部编号」：「干部编号」“QP0201”在文件中重复（第 2、5 行）",
        "干部表第 2 行「出生日期」：日期格式应为 YYYY-MM-DD，收到“1985/13/01”",
        "干部表第 3 行「性别」：只能填 男、女，收到“M”",
        "干部表第 3 行「政治面貌」：只能填 中共党员、中共预备党员、民主党派、无党派人士、群众，收到“党员”",
        "干部表第 5 行「干部编号」：「干部编号」“QP0201”在文件中重复（第 2、5 行）",
        "干部表第 5 行「科室代码」：科室代码“ZZ99”不存在：文件的科室表和系统中都没有",
        "干部表第 6 行「任现职日期」：不能早于年满 16 周岁之日 2026-05-01",
        "干部表第 6 行「试用期止」：不能早于「试用期起」2024-03-01",
        "干部表第 7 行「姓名」：必填，不能为空",
        "干部表第 7 行「是否实职」：只能填 是 或 否，收到“Y”",
        "干部表第 7 行「任现职日期」：必填，不能为空",
        "年度考核表「考核类别」列：缺少必填列",
        "年度考核表第 2 行「干部编号」：干部编号“QP9999”不存在：文件的干部表和系统中都没有",
        "年度考核表第 2 行「年度」：应为 1950 到 2100 之间的整数，收到“24”",
        "年度考核表第 3 行「等次」：只能填 优秀、称职、基本称职、不称职、不定等次、合格、基本合格、不合格，收到“良”",
        "处分表第 2 行「影响期至」：不能早于「决定日期」2025-01-15",
        "Sheet2表：无法识别的工作表，工作表名称只能是：干部、年度考核、处分、科室、科室考核、谈心谈话、备案、请假、职数、家庭成员、简历、奖励",
    ]
    error = raised.value
    assert [str(cell) for cell in error.cell_errors] == expected
    assert isinstance(error, InvalidData) and list(error.errors.values()) == expected
    assert error.message == "导入失败：文件中有 18 处错误，没有导入任何数据"
