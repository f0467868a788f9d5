"""Each notice of a driven selection, as PDF and .docx, read back: the record's values, the registry's, the bureau's."""

import re
from datetime import date

import pytest

from storage.models import Case
from tests.papers import paper_text
from tests.papers.notice_case import DEGREE
from tests.papers.notice_case import NATIVE_PLACE
from tests.papers.notice_case import driven  # noqa: F401 - fixture
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.errors import Unavailable
from workflows.papers import notices
from workflows.papers.bureau import BureauDetails
from workflows.queries import case_reads
from workflows.rules.calendar import working_day_deadline

TODAY = date(2026, 10, 20)
BUREAU = BureauDetails.from_settings({"BUREAU_PHONE": "021-69990001", "BUREAU_ADDRESS": "上海市青浦区华青路8号",
                                      "BUREAU_EMAIL": "renshi@example.org", "BUREAU_NAME": "上海市青浦区示例局"})


def paper(driven, kind, fmt="pdf", staff_no=None, case_id=None, bureau=BUREAU, number=None):  # noqa: F811
    with driven.sessions() as session:
        case = session.get(Case, case_id or driven.case_id)
        return notices.render(session, case, kind, fmt=fmt, staff_no=staff_no, bureau=bureau, number=number,
                              today=TODAY)


def both(driven, kind, staff_no=None, **options):  # noqa: F811
    """The paper's text from the PDF and from the .docx (spaces taken out); the two must say the same."""
    pdf = paper(driven, kind, "pdf", staff_no, **options)
    docx = paper(driven, kind, "docx", staff_no, **options)
    return paper_text.pdf_text(pdf), paper_text.docx_text(docx)


def assert_in(texts, *expected):
    for text in texts:
        for value in expected:
            assert re.sub(r"\s+", "", value) in text, value


def test_a_finished_selection_offers_every_paper_in_the_order_of_the_procedure(driven):  # noqa: F811
    with driven.sessions() as session:
        offered = [(ref.kind, ref.staff_no, ref.title) for ref in notices.available(
            session, session.get(Case, driven.case_id))]
        waiting = [(ref.kind, ref.staff_no) for ref in notices.available(session, session.get(Case,
                                                                                              driven.waiting_id))]
        started = notices.available(session, session.get(Case, driven.started_id))
    assert offered == [
        ("inspection_notice", None, "考察预告"), ("recommendation", None, "民主推荐情况"),
        ("inspection_material", "QP0003", "考察材料（崔英）"), ("inspection_material", "QP0010", "考察材料（严桂秀）"),
        ("discipline_letter", "QP0003", "征求党风廉政意见函（崔英）"),
        ("discipline_letter", "QP0010", "征求党风廉政意见函（严桂秀）"),
        ("meeting_minutes", None, "党组会议纪要（摘要）"), ("publicity", None, "任前公示"),
        ("appointment_notice", None, "任职通知"), ("removal_notice", None, "免职通知")]
    # At the checks the letters are out (their step is open) and nothing after them is.
    assert waiting == [("inspection_notice", None), ("recommendation", None), ("discipline_letter", "QP0003"),
                       ("discipline_letter", "QP0010")]
    assert started == []


def test_inspection_notice_names_the_candidates_team_period_and_hotline_of_its_own_step(driven):  # noqa: F811
    texts = both(driven, "inspection_notice")
    assert_in(texts, "干部考察预告", "崔英", "严桂秀", "办公室副科长", "组织人事科副科长", "数据资源科科长",
              "预告期为2026年9月9日（1 个工作日）", "考察组成员：赵磊、王敏", "021-59700000",
              "上海市青浦区华青路8号", "renshi@example.org", "上海市青浦区示例局", "青数〔2026〕　号")
    # The case data's notice_date is ⑮'s by now; the notice reads ⑧'s own submission.
    with driven.sessions() as session:
        assert case_reads.case_data(session.get(Case, driven.case_id))["notice_date"] == "2026-10-12"
    assert "2026年10月12日" not in texts[0]


def test_recommendation_gives_votes_and_shares_by_voter_category(driven):  # noqa: F811
    texts = both(driven, "recommendation")
    assert_in(texts, "数据资源科科长民主推荐情况", "确定参加推荐人员 30 名，实到 25 名，到会率 83.3%",
              "发出推荐票 25 张，收回 25 张，其中有效票 25 张",
              "（领导班子成员 3 张，中层干部 10 张，其他人员 12 张），无效票 0 张",
              "参加范围：局机关全体干部", "计票人：王敏、赵磊", "推荐结果有效期至2027年9月4日")
    # 崔英: 3/3 leaders, 8/10 middle, 12/12 others, 23/25 in all; 严桂秀: 0, 2, 8, 10 (40.0%).
    assert_in(texts, "1崔英办公室副科长3票100.0%8票80.0%12票100.0%23票92.0%",
              "2严桂秀组织人事科副科长0票0.0%2票20.0%8票66.7%10票40.0%")


def test_inspection_material_has_the_registry_facts_the_evaluation_and_the_team(driven):  # noqa: F811
    texts = both(driven, "inspection_material", "QP0003")
    assert_in(texts, "关于崔英同志的考察材料",
              "崔英，男，汉族，1984年11月生，上海青浦人，"
              "硕士研究生学历、管理学硕士学位，2006年7月参加工作，群众，现任办公室副科长。",
              "个别谈话 25 人，参加民主测评 25 人",
              "考察组综合情况：政治素质好，工作实绩突出", "个别谈话情况：个别谈话反映政治素质好",
              "（一）德", "（五）廉", "纪检监察机构意见：廉洁自律情况良好", "三、主要缺点和不足",
              "测评等次优秀称职基本称职不称职合计", "票数186102 5", "占比72.0%24.0%4.0%0.0%100%",
              "评价为“优秀”“称职”的占 96.0%", "符合数据资源科科长的任职条件，建议任用",
              "考察组成员（签名）：赵磊　王敏", "2026年9月10日")
    assert NATIVE_PLACE in texts[0] and DEGREE in texts[1]
    other = both(driven, "inspection_material", "QP0010")
    assert_in(other, "关于严桂秀同志的考察材料", "现任组织人事科副科长")
    assert "崔英" not in other[0]


def test_discipline_letter_goes_to_the_discipline_body_with_its_reply_when_there_is_one(driven):  # noqa: F811
    texts = both(driven, "discipline_letter", "QP0010")
    assert_in(texts, "关于征求严桂秀同志党风廉政意见的函", "区纪委监委派驻区数据局纪检监察组：",
              "严桂秀同志已确定为数据资源科科长考察对象", "回　复", "关于严桂秀同志党风廉政情况的回复意见",
              "经核查，严桂秀同志无影响使用的问题。廉洁自律情况良好", "021-69990001")
    asked = both(driven, "discipline_letter", "QP0003", case_id=driven.waiting_id)
    assert_in(asked, "关于征求崔英同志党风廉政意见的函", "（盖章）", "年　　月　　日")
    assert "经核查" not in asked[0] and "经核查" not in asked[1]


def test_meeting_minutes_give_the_members_due_present_recused_the_method_and_the_arithmetic(driven):  # noqa: F811
    texts = both(driven, "meeting_minutes")
    with driven.sessions() as session:
        data = case_reads.case_data(session.get(Case, driven.case_id))
    # The party group is the bureau's: the settings name another bureau, so the demo's 党组 must not appear.
    assert_in(texts, "中共上海市青浦区示例局党组会议纪要", "2026年9月21日，李华同志主持召开局党组会议",
              "出席：李华、张强、陈静、黄涛、周杰、吴芳、郑凯", "回避：郑凯（回避事由：与拟任人选有亲属关系）",
              "研究数据资源科科长拟任人选：崔英同志，现任办公室副科长", "介绍推荐、考察情况和任职理由",
              "应到会成员 7 人，实到 7 人，其中回避 1 人，不参加本议题表决", "表决方式：举手表决",
              "表决结果：同意 5 票，不同意 1 票，缓议 0 票", data["vote_arithmetic"],
              "会议同意崔英同志任数据资源科科长（试用期一年）", "会议记录：会议纪要")
    assert "缺席" not in texts[0]


def test_publicity_has_the_fields_the_working_day_period_and_the_bureau_contacts(driven):  # noqa: F811
    end = working_day_deadline(date(2026, 9, 28), 5).end  # the National Day holidays fall inside
    assert end == date(2026, 10, 9)
    texts = both(driven, "publicity")
    assert_in(texts, "上海市青浦区示例局干部任前公示", "经局党组研究，拟任用以下同志，现予以公示：",
              f"公示期：2026年9月28日 至 {end.year}年{end.month}月{end.day}日（5 个工作日）",
              "向局人事组织部门反映公示对象的有关问题", "提倡署真实姓名并提供联系方式",
              "联系电话：021-69990001", "来信地址：上海市青浦区华青路8号", "电子邮箱：renshi@example.org")
    rows = ["姓名崔英性别男", "民族汉族出生年月1984年11月", f"籍贯{NATIVE_PLACE}学历学位硕士研究生学历、{DEGREE}学位",
            "入党时间群众参加工作时间2006年7月", "现任职务办公室副科长拟任职务数据资源科科长（试用期一年）"]
    assert_in(texts[1:], *rows)  # the .docx's cells in order; the PDF's table read line by line
    assert set(rows) <= {re.sub(r"\s+", "", line) for line in paper_text.pdf_lines(paper(driven, "publicity"))}


def test_appointment_and_removal_notices_carry_the_number_given_and_the_decision(driven):  # noqa: F811
    texts = both(driven, "appointment_notice", number="青数〔2026〕18号")
    assert_in(texts, "青数〔2026〕18号", "关于崔英同志任职的通知", "局机关各科室、各直属单位：",
              "经2026年9月21日局党组会议研究决定", "任命崔英同志为数据资源科科长（试用期一年）。", "特此通知",
              "2026年10月12日", "抄送：中共上海市青浦区委组织部")
    removal = both(driven, "removal_notice")
    assert_in(removal, "青数〔2026〕　号", "关于崔英同志免职的通知", "免去崔英同志办公室副科长职务")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_same_record_and_day_give_the_same_bytes(driven, fmt):  # noqa: F811
    assert paper(driven, "publicity", fmt) == paper(driven, "publicity", fmt)
    assert paper(driven, "publicity", fmt) != paper(driven, "publicity", fmt, number="青数〔2026〕19号")


def test_every_paper_embeds_its_font_and_its_first_page_is_kept_as_a_png(driven, tmp_path):  # noqa: F811
    with driven.sessions() as session:
        refs = notices.available(session, session.get(Case, driven.case_id))
    for ref in refs:
        pdf = paper(driven, ref.kind, staff_no=ref.staff_no)
        fonts = paper_text.pdf_fonts(pdf, tmp_path)
        assert fonts and all(embedded == "yes" for _name, embedded in fonts), (ref.kind, fonts)
        # No line of Chinese text starts with a full-width comma or colon (kinsoku).
        assert not [line for line in paper_text.pdf_lines(pdf) if line[0] in "，：；。、）"], ref.kind
        name = f"notice-{ref.kind}{'-' + ref.staff_no if ref.staff_no else ''}"
        assert paper_text.first_page_png(pdf, name, tmp_path).stat().st_size > 1000


def test_unknown_kinds_steps_not_reached_and_strangers_are_refused_in_chinese(driven):  # noqa: F811
    with pytest.raises(NotFound, match="没有这种文书：pamphlet"):
        paper(driven, "pamphlet")
    with pytest.raises(InvalidData, match=f"案件 {driven.started_id} 尚未办理到出具任前公示的环节"):
        paper(driven, "publicity", case_id=driven.started_id)
    with pytest.raises(InvalidData, match=f"案件 {driven.waiting_id} 尚未办理到出具考察材料的环节"):
        paper(driven, "inspection_material", staff_no="QP0003", case_id=driven.waiting_id)
    with pytest.raises(InvalidData, match="QP0018 不是本案件考察材料的考察对象") as stranger:
        paper(driven, "inspection_material", staff_no="QP0018")
    assert set(stranger.value.errors) == {"staff_no"}
    with pytest.raises(InvalidData, match="征求党风廉政意见函须指明考察对象"):
        paper(driven, "discipline_letter")
    with pytest.raises(InvalidData, match="文书格式只能是 pdf 或 docx"):
        paper(driven, "publicity", fmt="odt")


def test_the_bureaus_own_templates_are_used_and_a_broken_one_is_named(driven, tmp_path):  # noqa: F811
    (tmp_path / "publicity.j2").write_text(
        "# {{ bureau.short_name }}任前公示（本局格式）\n{{ appointee.name }}，拟任{{ post }}。\n"
        "公示期：{{ period.start }} 至 {{ period.end }}（{{ period.days }} 个工作日）\n", encoding="utf-8")
    own = BureauDetails.from_settings({"PAPER_TEMPLATES": str(tmp_path)})
    text = paper_text.pdf_text(paper(driven, "publicity", bureau=own))
    assert "区数据局任前公示（本局格式）崔英，拟任数据资源科科长。" in text
    assert "公示期：2026年9月28日至2026年10月9日（5个工作日）" in text
    assert "关于崔英同志任职的通知" in paper_text.pdf_text(paper(driven, "appointment_notice", bureau=own))
    (tmp_path / "publicity.j2").write_text("# 公示\n{{ appointee.nmae }}\n", encoding="utf-8")
    with pytest.raises(Unavailable, match=r"publicity\.j2 第 2 行有误"):
        paper(driven, "publicity", bureau=own)
