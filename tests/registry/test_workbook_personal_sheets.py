"""The workbook's 干部任免审批表 parts: identity numbers and texts on the 干部 sheet; the 家庭成员, 简历, 奖励
sheets; an export re-imports to the same registry, and every bad cell is named with nothing imported."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from storage.models import Award
from storage.models import Cadre
from storage.models import FamilyMember
from storage.models import ResumeEntry
from tests.registry.sheets import counts
from tests.registry.sheets import import_file
from tests.registry.sheets import person
from tests.registry.sheets import table
from tests.registry.sheets import workbook
from tests.registry.test_registry_edit import ACTOR
from workflows.papers.approval_form import ResumeLine
from workflows.registry import personal
from workflows.registry import resume
from workflows.registry.demo import seed_registry
from workflows.registry.identity_no import check_character
from workflows.registry.workbook.exporting import export_workbook
from workflows.registry.workbook.exporting import template_workbook
from workflows.registry.workbook.importing import CadreImportError
from workflows.registry.workbook.sheets import AWARDS
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import FAMILY
from workflows.registry.workbook.sheets import RESUME
from workflows.registry.workbook.sheets import SECTIONS

PERSONAL_COLUMNS = ("identity_no", "native_place", "birthplace", "health", "professional_title", "expertise",
                    "ft_degree_school", "pt_school", "pt_major", "pt_degree_school", "post_text", "rewards_text",
                    "assessment_text")
BGS = table(SECTIONS, {"科室代码": "BGS", "科室名称": "办公室", "单位代码": "QPSJJ", "单位名称": "上海市青浦区数据局"})


def number(birth: str = "19850301", sequence: str = "001") -> str:
    return f"310229{birth}{sequence}" + check_character(f"310229{birth}{sequence}")


def personal_state(session) -> dict:
    cadres = session.scalars(select(Cadre).order_by(Cadre.staff_no)).all()
    return {cadre.staff_no: ({name: getattr(cadre, name) for name in PERSONAL_COLUMNS},
                             personal.family_rows(session, cadre), personal.stored_resume(session, cadre),
                             [(a.awarded_on, a.title, a.granted_by) for a in personal.awards_of(session, cadre.id)])
            for cadre in cadres}


def test_an_export_puts_back_every_personal_field_list_and_award(sessions, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        qp1 = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0001"))
        qp1.rewards_text, qp1.assessment_text, qp1.pt_school = "2020年获嘉奖。", "近三年均称职。", "复旦大学"
        resume.set_resume(session, ACTOR, clock.now(), qp1.id,
                          "2003.09--2007.07  华东师范大学学习\n2007.07--  上海市青浦区数据局科员")
    with sessions() as session:
        before, data = personal_state(session), export_workbook(session)
    assert before["QP0001"][2][1] == ResumeLine("2007.07", "", "上海市青浦区数据局科员")
    assert sum(len(state[1]) for state in before.values()) > 150 and any(state[3] for state in before.values())
    with sessions.begin() as session:  # the personal data gone: the import must bring all of it back
        for model in (FamilyMember, ResumeEntry, Award):
            session.execute(delete(model))
        session.execute(update(Cadre).values(dict.fromkeys(PERSONAL_COLUMNS)))
    summary = import_file(sessions, data)
    assert counts(summary)["家庭成员"][0] == sum(len(state[1]) for state in before.values())
    assert counts(summary)["简历"] == (2, 0, 0)
    with sessions() as session:
        assert personal_state(session) == before
    again = import_file(sessions, data)
    assert not again.changed


def test_the_template_has_the_new_sheets_and_columns():
    book = load_workbook(io.BytesIO(template_workbook()))
    assert {"家庭成员", "简历", "奖励"} <= set(book.sheetnames)
    assert [cell.value for cell in book["简历"][1]] == ["干部编号", "起始年月", "终止年月", "单位及职务"]
    headers = [cell.value for cell in book["干部"][1]]
    assert {"公民身份号码", "籍贯", "出生地", "健康状况", "奖惩情况（手写）"} <= set(headers)


def test_family_resume_and_awards_import_in_the_file_s_order(sessions):
    data = workbook({
        CADRES.name: table(CADRES, person("QP0101", "张三", {"公民身份号码": number().lower(), "籍贯": "江苏苏州"})),
        SECTIONS.name: BGS,
        FAMILY.name: table(FAMILY, {"干部编号": "QP0101", "称谓": "妻子", "姓名": "李华", "出生年月": "1986.05"},
                           {"干部编号": "QP0101", "称谓": "儿子", "姓名": "张明", "出生年月": date(2014, 9, 1),
                            "政治面貌": "群众", "工作单位及职务": "学生"}),
        RESUME.name: table(RESUME, {"干部编号": "QP0101", "起始年月": "2007-07", "终止年月": "2023.03",
                                    "单位及职务": "某镇科员"},
                           {"干部编号": "QP0101", "起始年月": "2023.03",
                            "单位及职务": "上海市青浦区数据局办公室副科长"}),
        AWARDS.name: table(AWARDS, {"干部编号": "QP0101", "日期": "2021-12-20", "名称": "记三等功"})})
    summary = import_file(sessions, data)
    assert (counts(summary)["家庭成员"], counts(summary)["简历"], counts(summary)["奖励"]) == (
        (2, 0, 0), (2, 0, 0), (1, 0, 0))
    with sessions() as session:
        cadre = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0101"))
        assert (cadre.identity_no, cadre.native_place) == (number(), "江苏苏州")
        assert [(row.relation, row.birth) for row in personal.family_rows(session, cadre)] == [
            ("妻子", "1986.05"), ("儿子", "2014.09")]
        assert personal.resume_lines(session, cadre) == [ResumeLine("2007.07", "2023.03", "某镇科员"),
                                                         ResumeLine("2023.03", "", "上海市青浦区数据局办公室副科长")]
        assert personal.rewards_text(session, cadre) == "记三等功（2021.12）。"
    again = import_file(sessions, data)
    assert not again.changed


def test_every_bad_personal_cell_is_named_and_nothing_is_imported(sessions, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        holder = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0002"))
        taken = holder.identity_no
        holder.birth_date, holder.gender = date(1985, 3, 1), "male"
        holder.identity_no = taken = number(sequence="003")
    wrong_digit = number()[:17] + ("0" if number()[17] != "0" else "1")
    data = workbook({
        CADRES.name: table(
            CADRES, person("QP0101", "张三", {"公民身份号码": wrong_digit}),
            person("QP0102", "李四", {"公民身份号码": number("19850302")}),
            person("QP0103", "王五", {"公民身份号码": number(sequence="002")}),
            person("QP0104", "赵六", {"公民身份号码": number()}), person("QP0105", "钱七", {"公民身份号码": number()}),
            person("QP0106", "孙八", {"公民身份号码": taken})),
        SECTIONS.name: BGS,
        FAMILY.name: table(FAMILY, {"干部编号": "QP0104", "称谓": "妻子", "姓名": "李华", "出生年月": "2024.13"},
                           {"干部编号": "QP9999", "称谓": "妻子", "姓名": "李华"},
                           *({"干部编号": "QP0105", "称谓": "亲属", "姓名": f"亲属{n}"} for n in range(21))),
        RESUME.name: table(RESUME, {"干部编号": "QP0104", "起始年月": "2012.03", "终止年月": "2010.05",
                                    "单位及职务": "甲"},
                           {"干部编号": "QP0105", "起始年月": "2010.01", "单位及职务": "乙"},
                           {"干部编号": "QP0105", "起始年月": "2015.01", "单位及职务": "丙"}),
        AWARDS.name: table(AWARDS, {"干部编号": "QP0104", "日期": "2021-12-20", "名称": ""})})
    with sessions() as session:
        cadres_before = session.scalar(select(Cadre.id).order_by(Cadre.id.desc()).limit(1))
    with pytest.raises(CadreImportError) as raised:
        import_file(sessions, data)
    messages = [str(cell) for cell in raised.value.cell_errors]
    expected = [
        f"干部表第 2 行「公民身份号码」：公民身份号码校验位不符：应为 {number()[17]}",
        "干部表第 3 行「公民身份号码」：号码中的出生日期 1985-03-02 与「出生日期」1985-03-01 不一致",
        "干部表第 4 行「公民身份号码」：号码第 17 位表示性别为女，与「性别」男不一致",
        "干部表第 6 行「公民身份号码」：与第 5 行的公民身份号码重复",
        "干部表第 7 行「公民身份号码」：已登记在干部 QP0002 名下",
        "家庭成员表第 2 行「出生年月」：“2024.13”的月份应在 01 到 12 之间",
        "家庭成员表第 3 行「干部编号」：干部编号“QP9999”不存在：文件的干部表和系统中都没有",
        "家庭成员表第 24 行「干部编号」：干部编号 QP0105 的家庭成员最多 20 行，文件中有 21 行",
        "简历表第 2 行「终止年月」：不能早于「起始年月」2012.03",
        "简历表第 3 行「终止年月」：只有该干部的最后一段简历可以留空（至今），其后还有第 4 行",
        "奖励表第 2 行「名称」：必填，不能为空",
    ]
    assert messages == expected
    with sessions() as session:
        assert session.scalar(select(Cadre.id).order_by(Cadre.id.desc()).limit(1)) == cadres_before
