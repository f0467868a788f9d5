"""One sixteen-step selection from the start to the confirmed appointment, done by its people in Chromium.

The organiser, the party secretary, five party-group members, the inspection team, discipline
inspection and the district department each sign in and work from their inbox; only the timers
are the scheduler's (`cadreflow run-timers` on the app's clock).
"""

import pytest

from tests.browser.journey import FEWER_VOTES
from tests.browser.journey import THREE
from tests.browser.journey import VOTES
from tests.browser.journey import Journey
from tests.browser.journey import both
from tests.browser.journey import dossier_rows
from tests.browser.journey import per_candidate
from tests.browser.journey import picks
from tests.browser.journey import run_timers
from tests.browser.journey import selection_site
from tests.browser.journey import start_to_work_plan
from tests.browser.journey import texts
from tests.procedures.driver import beijing


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with selection_site(tmp_path_factory.mktemp("journey")) as served:
        yield served


def start_and_recommend(journey: Journey) -> None:
    start_to_work_plan(journey)
    journey.task("organiser", "④发布职位与资格审查",
                 both(texts(announced_on="2026-09-02", announcement="公布职位及条件"),
                      picks(roster=[*THREE, "QP0011"])),
                 shot="screening")
    journey.task("organiser", "⑤谈话调研推荐",
                 both(texts(talks_leaders="3", talks_middle="10", talks_other="7", talk_summary="谈话调研 20 人"),
                      per_candidate("mentions", {staff_no: {"mentions": "9", "listed": "true"} for staff_no in THREE})),
                 shot="interview")

    def recommendation(attended: str, valid: tuple[str, str, str], votes: dict):
        def fill(page):
            texts(meeting_date="2026-09-04", range_size="30", attended=attended, ballots_issued=attended,
                  ballots_returned=attended, **dict(zip(("valid_leaders", "valid_middle", "valid_other"), valid,
                                                        strict=True)))(page)
            picks(counted_by=["organiser", "inspector"])(page)
            per_candidate("tally", {staff_no: dict(zip(("votes_leaders", "votes_middle", "votes_other"), counts,
                                                       strict=True)) for staff_no, counts in votes.items()})(page)
        return fill
    # Fifteen of thirty is below two thirds: the recommendation meeting is held again.
    journey.task("organiser", "⑥会议推荐", recommendation("15", ("3", "6", "6"), FEWER_VOTES),
                 shot="recommendation_no_quorum")
    journey.task("organiser", "⑥会议推荐", recommendation("25", ("3", "10", "12"), VOTES), shot="recommendation")

    def study(page):
        texts(study_date="2026-09-08", determination_reasons="综合推荐情况和一贯表现，差额考察")(page)
        picks(inspection_candidates=list(THREE), members_present=[f"member{n}" for n in range(1, 7)])(page)
    journey.task("secretary", "⑦确定考察对象", study, shot="candidates")
    journey.task("organiser", "⑧考察预告", both(texts(notice_date="2026-09-09", notice_working_days="1",
                                                      hotline="021-59700000",
                                                      notice_text="拟对崔英、严桂秀、孔浩俊进行考察"),
                                                picks(inspection_team=["inspector", "organiser"])), shot="notice")


def inspect_and_check(journey: Journey, app) -> None:
    passing = {"evaluation_excellent": "18", "evaluation_competent": "6", "evaluation_basic": "1",
               "evaluation_incompetent": "0", "talk_summary": "个别谈话反映较好", "recommendation": "recommend"}
    rows = {staff_no: dict(passing) for staff_no in THREE}
    rows["QP0003"].update(evaluation_excellent="5", evaluation_basic="14", talk_summary="个别谈话反映群众基础较弱",
                          recommendation="not_recommend", reason="群众公认度不高")
    journey.task("inspector", "⑨组织考察",
                 both(texts(talks_count="25", inspection_findings="考察组按程序完成三名考察对象的考察"),
                      picks(signed_by=["inspector", "organiser"]), per_candidate("candidate_inspections", rows)),
                 shot="inspection")
    journey.task("organiser", "⑩干部档案审核", per_candidate("dossier_checks", dossier_rows(app, THREE)),
                 shot="dossier")
    journey.task("district", "⑪个人有关事项查核",
                 per_candidate("personal_matters_checks",
                               {staff_no: {"personal_matters_result": "consistent"} for staff_no in THREE}),
                 shot="personal_matters")

    def discipline(page):
        per_candidate("discipline_checks", {staff_no: {"discipline_result": "clear",
                                                       "integrity_conclusion": "廉洁自律情况良好"}
                                            for staff_no in THREE})(page)
        page.check("#signed_by_secretary_and_head")
    journey.task("discipline", "⑫纪检监察意见", discipline, shot="discipline")
    journey.task("discipline", "⑫信访举报核查",
                 per_candidate("complaint_checks", {staff_no: {"complaints_received": "0", "complaints_result": "none"}
                                                    for staff_no in THREE}),
                 shot="complaints")

    def conclusion(page):
        page.check("input[name=proposal_ready][value=true]")
        texts(conclusion_summary="综合考察情况，建议任命孔浩俊为数据资源科科长")(page)
        picks(appointee="QP0018")(page)
    journey.task("organiser", "综合分析提出任用建议", conclusion, shot="conclusion")


def decide(journey: Journey) -> None:
    page = journey.page

    def meeting(page):
        page.check("input[name=vote_method][value=show_of_hands]")
        texts(meeting_date="2026-09-21", recusal_reason="与拟任人选有亲属关系",
              briefing="介绍推荐、考察情况和任职理由")(page)
        for n in range(1, 7):
            page.check(f"input[name=members_present][value=member{n}]")
        page.check("input[name=recused][value=member6]")
    journey.task("secretary", "⑬党组会议：出席与回避", meeting, shot="meeting")
    journey.as_("member6")  # recused: no ballot of theirs
    page.goto(f"{journey.base}/inbox")
    assert "党组成员逐一表态" not in page.inner_text("main")
    for n in range(1, 6):
        journey.task(f"member{n}", "党组成员逐一表态",
                     lambda page: page.check("input[name=ballot][value=approve]"), shot=f"ballot_member{n}")

    def closing(page):
        board = page.inner_text("section.board")
        assert "5 / 0 / 0" in board and "应到 7 人，实到 7 人（含回避 1 人" in board
        page.check("input[name=secretary_ballot][value=approve]")
        page.fill("#minutes", "会议同意任命孔浩俊为数据资源科科长")
    journey.task("secretary", "书记最后表态", closing, shot="secretary_closes")


def test_a_selection_from_motion_to_confirmed_appointment_through_the_pages(page, site):
    base, app, clock = site
    journey = Journey(page, base)
    start_and_recommend(journey)
    run_timers(app, clock, beijing("2026-09-10 00:00"))  # the notice period ends
    inspect_and_check(journey, app)
    decide(journey)
    journey.task("organiser", "⑭发布任前公示",
                 texts(publicity_start="2026-09-28", publicity_scope="局机关",
                       publicity_content="孔浩俊，拟任数据资源科科长"),
                 shot="publicity")
    journey.as_("organiser")  # a letter arrives during the publicity
    page.goto(f"{base}/cases")
    page.click("table.tasks a >> nth=0")
    case_url = page.url
    page.fill("#summary-complaint", "来信反映拟任人选工作作风问题")
    page.fill("#source-complaint", "来信")
    journey.shot("complaint")
    page.click("button:text-is('登记')")
    assert "已登记" in page.inner_text("main")

    def verify(page):
        texts(complaint_summary="反映工作作风问题", verification="经核查属一般性问题", concluded_on="2026-09-30")(page)
        page.check("input[name=complaint_outcome][value=minor]")
    journey.task("discipline", "举报核查", verify, shot="verify_complaint")
    journey.task("secretary", "提醒谈话", both(texts(reminder_date="2026-09-30", reminder_content="提醒改进工作作风"),
                                               picks(reminder_by="secretary")), shot="reminder")
    run_timers(app, clock, beijing("2026-10-10 00:00"))  # five working days past the National Day holiday
    journey.task("organiser", "⑮发文任职", texts(document_no="青数任〔2026〕5号", notice_date="2026-10-12"),
                 shot="appointment_notice")
    journey.task("secretary", "⑮任职谈话", both(texts(talk_date="2026-10-13", talk_content="提出要求"),
                                                 picks(talked_by="secretary")),
                 shot="appointment_talk")
    journey.task("district", "⑮报区委组织部备案",
                 texts(filed_on="2026-10-14", filing_materials="请示、任免审批表、考察材料"),
                 shot="filing")
    run_timers(app, clock, beijing("2027-09-21 00:00"))  # the probation year

    def review(page):
        texts(probation_excellent="20", probation_competent="5", probation_basic="0", probation_incompetent="0",
              probation_assessment="试用期表现良好")(page)
        picks(probationer="QP0018")(page)
        page.check("input[name=probation_proposal][value=confirm]")
    journey.task("organiser", "⑯试用期满考核", review, shot="probation_review")
    journey.as_("inspector")  # the team saw the case, but the party group's decision is not theirs
    page.goto(case_url)
    page.click("main ul a:text-is('⑯党组决定是否正式任职')")
    assert "403" in page.inner_text("main")
    journey.shot("forbidden")

    def confirm(page):
        page.check("input[name=probation_result][value=confirmed]")
        texts(probation_decided_on="2027-09-22", probation_opinion="胜任，正式任职")(page)
    journey.task("secretary", "⑯党组决定是否正式任职", confirm, shot="probation_decision")

    journey.as_("organiser")
    page.goto(case_url)
    assert "已办结" in page.inner_text("main")
    assert page.locator("svg.bpmn-diagram g[data-element='end_appointed_confirmed'].completed").count() == 1
    # the recommendation meeting was held twice
    assert "×2" in page.locator("svg.bpmn-diagram g[data-element='meeting_recommendation']").inner_html()
    # Where each candidate stands, with their recommendation votes and why two of them did not go on.
    standing = page.inner_text("section.candidates")
    assert "崔英" in standing and "群众公认度不高" in standing and "23（92.0%）" in standing
    assert "未确定为拟任人选" in standing and "孔浩俊" in standing
    journey.shot("case_completed")
