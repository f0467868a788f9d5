"""The selection from the motion to the party-group vote in Chromium: three candidates picked by name, a recusal,
ballots the other members cannot read before the tally, the secretary last, and the tally page."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.journey import Journey
from tests.browser.journey import both
from tests.browser.journey import dossier_rows
from tests.browser.journey import per_candidate
from tests.browser.journey import run_timers
from tests.browser.journey import selection_site
from tests.browser.journey import start_to_work_plan
from tests.browser.journey import texts
from tests.procedures.driver import beijing

CANDIDATES = ("崔英", "严桂秀", "曾欣")  # QP0003, QP0010, QP0004 of the demo registry
STAFF_NOS = ("QP0003", "QP0010", "QP0004")
OPINION = "对该人选的群众基础有保留意见"  # member1's reason: the others must not read it before the tally


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with selection_site(tmp_path_factory.mktemp("vote")) as served:
        yield served


def tick_by_name(page, field: str, *names: str) -> None:
    """Tick the boxes of ``field`` whose label starts with each name (the pickers read "姓名（科室 职务，年龄）")."""
    for name in names:
        page.locator(f"label:has(input[name='{field}'])", has_text=f"{name}（").first.locator("input").check()


def choose_by_name(page, selector: str, name: str) -> None:
    """Pick the option of a cadre picker whose label starts with ``name``."""
    label = page.locator(f"{selector} option", has_text=f"{name}（").first.inner_text()
    page.select_option(selector, label=label)


def motion_to_candidates(journey: Journey) -> None:
    start_to_work_plan(journey, "vote_")

    def screening(page):
        texts(announced_on="2026-09-02", announcement="公布职位及条件")(page)
        tick_by_name(page, "roster", *CANDIDATES)
    journey.task("organiser", "④发布职位与资格审查", screening, shot="vote_screening")

    journey.task("organiser", "⑤谈话调研推荐", both(
        texts(talks_leaders="3", talks_middle="10", talks_other="7", talk_summary="谈话调研 20 人"),
        per_candidate("mentions", {staff_no: {"mentions": "8", "listed": "true"} for staff_no in STAFF_NOS})),
        shot="vote_interview")

    def recommendation(page):
        texts(meeting_date="2026-09-04", range_size="30", attended="25", ballots_issued="25",
              ballots_returned="25", valid_leaders="3", valid_middle="10", valid_other="12")(page)
        page.check("input[name=counted_by][value=organiser]")
        page.check("input[name=counted_by][value=inspector]")
        per_candidate("tally", {staff_no: {"votes_leaders": "2", "votes_middle": "5", "votes_other": votes}
                                for staff_no, votes in zip(STAFF_NOS, ("7", "1", "0"), strict=True)})(page)
    journey.task("organiser", "⑥会议推荐", recommendation, shot="vote_recommendation")

    def determine(page):
        texts(study_date="2026-09-08", determination_reasons="综合推荐情况和一贯表现，差额考察")(page)
        tick_by_name(page, "inspection_candidates", *CANDIDATES)
        for n in range(1, 7):
            page.check(f"input[name=members_present][value=member{n}]")
    journey.task("secretary", "⑦确定考察对象", determine, shot="vote_three_candidates")
    journey.task("organiser", "⑧考察预告", lambda page: (
        texts(notice_date="2026-09-09", notice_working_days="1", hotline="021-59700000",
              notice_text="拟对崔英、严桂秀、曾欣进行考察")(page),
        page.check("input[name=inspection_team][value=inspector]"),
        page.check("input[name=inspection_team][value=organiser]")), shot="vote_notice")


def checks_and_proposal(journey: Journey, app) -> None:
    def inspection(page):
        texts(talks_count="25", inspection_findings="政治素质好，工作实绩突出")(page)
        page.check("input[name=signed_by][value=inspector]")
        page.check("input[name=signed_by][value=organiser]")
        per_candidate("candidate_inspections", {staff_no: {
            "evaluation_excellent": "18", "evaluation_competent": "6", "evaluation_basic": "1",
            "evaluation_incompetent": "0", "talk_summary": "反映较好", "recommendation": "recommend"}
            for staff_no in STAFF_NOS})(page)
    journey.task("inspector", "⑨组织考察", inspection, shot="vote_inspection")
    journey.task("organiser", "⑩干部档案审核", per_candidate("dossier_checks", dossier_rows(app, STAFF_NOS)),
                 shot="vote_dossier")
    journey.task("district", "⑪个人有关事项查核", per_candidate("personal_matters_checks", {
        staff_no: {"personal_matters_result": "consistent"} for staff_no in STAFF_NOS}), shot="vote_personal")
    journey.task("discipline", "⑫纪检监察意见", both(per_candidate("discipline_checks", {
        staff_no: {"discipline_result": "clear", "integrity_conclusion": "良好"} for staff_no in STAFF_NOS}),
        lambda page: page.check("#signed_by_secretary_and_head")), shot="vote_discipline")
    journey.task("discipline", "⑫信访举报核查", per_candidate("complaint_checks", {
        staff_no: {"complaints_received": "0", "complaints_result": "none"} for staff_no in STAFF_NOS}),
        shot="vote_complaints")

    def conclusion(page):
        page.check("input[name=proposal_ready][value=true]")
        texts(conclusion_summary="建议任命崔英为数据资源科科长")(page)
        choose_by_name(page, "#appointee", "崔英")
    journey.task("organiser", "综合分析提出任用建议", conclusion, shot="vote_conclusion")


def test_the_vote_through_the_pages_keeps_ballots_secret_until_the_secretary_closes_it(page, site):
    base, app, clock = site
    journey = Journey(page, base)
    motion_to_candidates(journey)
    run_timers(app, clock, beijing("2026-09-10 00:00"))
    checks_and_proposal(journey, app)

    def meeting(page):
        offered = page.locator("input[name=members_present]").evaluate_all("boxes => boxes.map(b => b.value)")
        assert "secretary" not in offered and sorted(offered) == [f"member{n}" for n in range(1, 7)]
        assert "书记本人自动计入" in page.inner_text("main") and "填写用户名" not in page.inner_text("main")
        page.check("input[name=vote_method][value=named_ballot]")
        texts(meeting_date="2026-09-21", recusal_reason="与拟任人选有亲属关系", briefing="介绍三名考察对象情况")(page)
        for n in range(1, 7):
            page.check(f"input[name=members_present][value=member{n}]")
        page.check("input[name=recused][value=member6]")
    journey.task("secretary", "⑬党组会议：出席与回避", meeting, shot="vote_meeting")

    def against(page):
        assert "崔英" in page.inner_text("main") and "科长" in page.inner_text("main")  # who and what is voted on
        page.check("input[name=ballot][value=reject]")
        page.fill("#opinion", OPINION)
    journey.task("member1", "党组成员逐一表态", against, shot="vote_member1_against")

    # member2, with their own ballot still open, reads neither member1's choice nor their reason anywhere.
    journey.as_("member2")
    page.goto(f"{base}/inbox")
    page.click("table.tasks a:text-is('党组成员逐一表态')")
    ballot_page = page.inner_text("main")
    assert OPINION not in ballot_page and "已表决，表决结束前保密" in ballot_page
    journey.shot("vote_member2_sees_sealed")
    page.goto(f"{base}/cases/1")
    assert OPINION not in page.inner_text("main") and "已表决，表决结束前保密" in page.inner_text("main")
    for n in range(2, 6):
        journey.task(f"member{n}", "党组成员逐一表态",
                     lambda page: page.check("input[name=ballot][value=approve]"), shot=f"vote_member{n}")
    journey.as_("member6")  # recused: no ballot
    page.goto(f"{base}/inbox")
    assert "党组成员逐一表态" not in page.inner_text("main")

    def closing(page):
        board = page.inner_text("section.board")
        assert "4 / 1 / 0" in board and "应到 7 人，实到 7 人（含回避 1 人：member6）" in board
        page.check("input[name=secretary_ballot][value=approve]")
        page.fill("#minutes", "会议同意任命崔英为数据资源科科长")
    journey.task("secretary", "书记最后表态", closing, shot="vote_secretary_last")

    journey.as_("organiser")  # the tally: every ballot, the secretary last, the arithmetic
    page.goto(f"{base}/cases/1")
    tally = page.inner_text("main")
    assert OPINION in tally and "5 / 1 / 0" in tally
    assert "同意 5 票 > 7/2=3.5，通过" in tally
    screenshot(page, "vote_tally")
    journey.as_("member2")
    page.goto(f"{base}/cases/1")
    assert OPINION not in page.inner_text("main")  # a member reads only their own ballot, after the tally too
