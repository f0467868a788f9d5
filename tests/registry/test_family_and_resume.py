"""Family rows replaced as a whole and checked row by row; the 简历 read from the text the form prints, generated
from the post history, stored, and refused whole when a line is wrong."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import FamilyMember
from storage.models import Post
from storage.models import ResumeEntry
from tests.registry.test_registry_edit import ACTOR
from tests.registry.test_registry_edit import build
from workflows.errors import InvalidData
from workflows.papers.approval_form import FamilyRow
from workflows.papers.approval_form import ResumeLine
from workflows.registry import edit
from workflows.registry import family
from workflows.registry import personal
from workflows.registry import resume
from workflows.registry.personal_checks import check_family_rows
from workflows.registry.personal_checks import parse_resume_text

AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
WIFE = {"relation": "妻子", "name": "李华", "birth": "1986.05", "political_status": "中共党员",
        "work_unit_post": "上海市青浦区教育局科员"}
SON = {"relation": "儿子", "name": "张小明", "birth": "2012-09", "political_status": "群众", "work_unit_post": "学生"}


def types(sessions) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent.type).where(AuditEvent.type.startswith("registry."))
                                    .order_by(AuditEvent.seq)))


def test_family_rows_replace_the_list_and_go_on_record(sessions):
    ids = build(sessions)
    blank = dict.fromkeys(WIFE, "")
    with sessions.begin() as session:
        family.set_family(session, ACTOR, AT, ids["QP0001"], [WIFE, blank, SON, blank])
    with sessions() as session:
        assert personal.family_rows(session, session.get(Cadre, ids["QP0001"])) == [
            FamilyRow("妻子", "李华", "1986.05", "中共党员", "上海市青浦区教育局科员"),
            FamilyRow("儿子", "张小明", "2012.09", "群众", "学生")]
    with sessions.begin() as session:  # replaced, not added to; a FamilyRow is accepted as it is
        family.set_family(session, ACTOR, AT, ids["QP0001"], [FamilyRow("父亲", "张大山", "", "中共党员", "已退休")])
    with sessions.begin() as session:  # the same list again records nothing
        family.set_family(session, ACTOR, AT, ids["QP0001"], [FamilyRow("父亲", "张大山", "", "中共党员", "已退休")])
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(FamilyMember)) == 1
        payload = json.loads(session.scalars(select(AuditEvent.payload).order_by(AuditEvent.seq.desc())).first())
    assert payload["before"][0][:3] == ["妻子", "李华", "1986.05"] and payload["after"] == [
        ["父亲", "张大山", "", "中共党员", "已退休"]]
    assert types(sessions) == ["registry.family_updated"] * 2


def test_each_bad_family_row_is_named_and_nothing_is_saved(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        family.set_family(session, ACTOR, AT, ids["QP0001"], [WIFE])
    rows = [SON, {**WIFE, "relation": ""}, {**SON, "birth": "2024.13"}, {**SON, "birth": "十二月"},
            {**SON, "name": "名" * 81}]
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        family.set_family(session, ACTOR, AT, ids["QP0001"], rows)
    assert refused.value.errors == {
        "family.2.relation": "第 2 行「称谓」为必填项",
        "family.3.birth": "第 3 行「出生年月」：“2024.13”的月份应在 01 到 12 之间",
        "family.4.birth": "第 4 行「出生年月」：“十二月”不是年月，应写作 YYYY.MM",
        "family.5.name": "第 5 行「姓名」最多 80 个字符，收到 81 个"}
    with sessions() as session:
        assert [row.name for row in personal.family_rows(session, session.get(Cadre, ids["QP0001"]))] == ["李华"]
    assert types(sessions) == ["registry.family_updated"]


def test_at_most_twenty_family_rows():
    assert check_family_rows([SON] * 20) == {}
    assert check_family_rows([SON] * 21) == {"family": "家庭主要成员及重要社会关系最多 20 行，收到 21 行"}


def test_the_resume_text_reads_as_the_form_prints_it():
    text = ("2003.09--2007.07  华东师范大学计算机科学与技术专业学习\n"
            "2007.07--2015.06  上海市青浦区信息委科员\n"
            "                  （其间：2010.09--2013.06 在职研究生学习）\n"
            "\n"
            "2015.06-- 上海市青浦区数据局办公室副科长")
    assert parse_resume_text(text) == [
        ResumeLine("2003.09", "2007.07", "华东师范大学计算机科学与技术专业学习"),
        ResumeLine("2007.07", "2015.06", "上海市青浦区信息委科员（其间：2010.09--2013.06 在职研究生学习）"),
        ResumeLine("2015.06", "", "上海市青浦区数据局办公室副科长")]
    assert parse_resume_text("2015-06--2016-01\tA科\n2016.1——  B科") == [
        ResumeLine("2015.06", "2016.01", "A科"), ResumeLine("2016.01", "", "B科")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2012.03--2010.05  科员", "第 1 行：终止年月 2010.05 早于起始年月 2012.03"),
    ("2010.01--2024.13  科员", "第 1 行：“2024.13”的月份应在 01 到 12 之间"),
    ("2010.01--  科员\n2015.01--  科长", "第 1 行没有终止年月，但只有最后一段经历可以写到“至今”"),
    ("  续行在前\n2010.01--  科员", "第 1 行以空白开头（续行），但前面没有经历"),
    ("2010.01-2011.01 科员", "第 1 行应写作“YYYY.MM--YYYY.MM  单位及职务”"),
    ("2010.01--2011.01", "第 1 行缺少单位及职务"),
])
def test_a_bad_resume_line_is_named(text, expected):
    with pytest.raises(InvalidData) as refused:
        parse_resume_text(text)
    assert expected in refused.value.errors["resume"]


def test_the_resume_is_generated_from_the_posts_until_one_is_stored(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        edit.appoint(session, ACTOR, AT, ids["QP0003"], {
            "section_id": ids["S2"], "title": "副科长", "level": "deputy_section_chief", "is_leadership": True,
            "start_date": date(2024, 5, 6), "appointment_mode": "promotion"})
    with sessions() as session:
        cadre = session.get(Cadre, ids["QP0003"])
        assert personal.resume_lines(session, cadre) == [
            ResumeLine("2020.03", "2024.05", "测试局S1科一级主任科员"), ResumeLine("2024.05", "", "测试局S2科副科长")]
    with sessions.begin() as session:
        resume.set_resume(session, ACTOR, AT, ids["QP0003"],
                          "2007.07--2020.03  某街道办事处科员\n2020.03--2024.05  测试局S1科一级主任科员\n"
                          "2024.05--  测试局S2科副科长")
    with sessions() as session:
        lines = personal.resume_lines(session, session.get(Cadre, ids["QP0003"]))
        assert lines[0] == ResumeLine("2007.07", "2020.03", "某街道办事处科员") and len(lines) == 3
    with sessions.begin() as session:  # "generate" puts the posts' periods back in place of the stored ones
        resume.generate_resume(session, ACTOR, AT, ids["QP0003"])
    with sessions() as session:
        assert session.scalar(select(func.count()).where(ResumeEntry.cadre_id == ids["QP0003"])) == 2
    with sessions.begin() as session:  # an empty text removes the stored 简历: the posts make it again
        resume.set_resume(session, ACTOR, AT, ids["QP0003"], "  ")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ResumeEntry)) == 0
        assert len(personal.resume_lines(session, session.get(Cadre, ids["QP0003"]))) == 2
    assert types(sessions) == ["registry.appointed", *["registry.resume_updated"] * 3]


def test_a_bad_resume_changes_nothing(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        resume.set_resume(session, ACTOR, AT, ids["QP0001"], "2020.03--  测试局S1科科长")
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        resume.set_resume(session, ACTOR, AT, ids["QP0001"], "2007.07--2020.03  科员\n2020.03--2052.01  科长")
    assert refused.value.errors == {"resume": "第 2 段经历（2020.03--2052.01）晚于本月 2026.11"}
    with sessions() as session:
        assert [line.text for line in personal.resume_lines(session, session.get(Cadre, ids["QP0001"]))] == [
            "测试局S1科科长"]


def test_an_open_post_before_the_last_is_closed_where_the_next_begins(sessions):
    """Posts held at once (a leadership post beside a rank row): the 简历 still has only one open period."""
    ids = build(sessions)
    with sessions.begin() as session:
        session.add(Post(cadre_id=ids["QP0001"], title="兼任某组组长", is_leadership=False, start_date=date(2021, 1, 1),
                         same_post_start=date(2021, 1, 1), appointment_mode="other"))
    with sessions() as session:
        lines = personal.resume_lines(session, session.get(Cadre, ids["QP0001"]))
    assert [(line.start, line.end) for line in lines] == [("2020.03", "2021.01"), ("2021.01", "")]


def test_generating_needs_a_post(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        session.execute(Post.__table__.delete().where(Post.cadre_id == ids["QP0002"]))
    with sessions.begin() as session, pytest.raises(InvalidData, match="没有任职记录"):
        resume.generate_resume(session, ACTOR, AT, ids["QP0002"])
