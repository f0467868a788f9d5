"""A tired clerk on the per-candidate pages in Chromium: an impossible count or a dossier date that differs from the
registry is refused beside that candidate's row, what was typed stays, and nothing is saved until it is right."""

import pytest

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

CATEGORIES = ("votes_leaders", "votes_middle", "votes_other")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with selection_site(tmp_path_factory.mktemp("candidates")) as served:
        yield served


def submit_refused(journey: Journey, name: str) -> str:
    """Submit the open form, expect it back with errors; the errors' text."""
    page = journey.page
    with page.expect_navigation():
        page.click("section.form form.grid button[type=submit]")
    assert page.url != f"{journey.base}/inbox", f"{name} was accepted"
    return " ".join(page.locator(".field-error, .flash.error").all_inner_texts())


def open_task(journey: Journey, username: str, name: str) -> None:
    journey.as_(username)
    journey.page.goto(f"{journey.base}/inbox")
    journey.page.click(f"table.tasks a:text-is('{name}')")


def test_mistakes_on_the_per_candidate_pages_are_named_beside_the_candidate(page, site):
    base, app, clock = site
    journey = Journey(page, base)
    start_to_work_plan(journey, "rows_")
    journey.task("organiser", "④发布职位与资格审查", both(
        texts(announced_on="2026-09-02", announcement="公布职位及条件"), picks(roster=list(THREE))), shot="rows_roster")
    journey.task("organiser", "⑤谈话调研推荐", both(
        texts(talks_leaders="3", talks_middle="10", talks_other="7", talk_summary="谈话调研 20 人"),
        per_candidate("mentions", {staff_no: {"mentions": "9", "listed": "true"} for staff_no in THREE})),
        shot="rows_interview")

    # ⑥: 30 votes from the category "其他" for 崔英 when that category returned 12 valid ballots.
    open_task(journey, "organiser", "⑥会议推荐")
    texts(meeting_date="2026-09-04", range_size="30", attended="25", ballots_issued="25", ballots_returned="25",
          valid_leaders="3", valid_middle="10", valid_other="12")(page)
    picks(counted_by=["organiser", "inspector"])(page)
    votes = {staff_no: dict(zip(CATEGORIES, counts, strict=True)) for staff_no, counts in VOTES.items()}
    per_candidate("tally", {**votes, "QP0003": {**votes["QP0003"], "votes_other": "30"}})(page)
    errors = submit_refused(journey, "⑥会议推荐")
    journey.shot("rows_too_many_votes")
    assert "崔英" in errors and "不得多于该类有效票数（12）" in errors
    # What was typed is still there; the clerk corrects the one cell.
    assert page.locator("[name='valid_other']").input_value() == "12"
    per_candidate("tally", {"QP0003": {"votes_other": "12"}})(page)
    with page.expect_navigation():
        page.click("section.form form.grid button[type=submit]")
    assert page.url == f"{base}/inbox"

    def study(page):
        texts(study_date="2026-09-08", determination_reasons="差额考察")(page)
        picks(inspection_candidates=list(THREE), members_present=[f"member{n}" for n in range(1, 7)])(page)
    journey.task("secretary", "⑦确定考察对象", study, shot="rows_study")
    journey.task("organiser", "⑧考察预告", both(texts(notice_date="2026-09-09", notice_working_days="1",
                                                      hotline="021-59700000", notice_text="预告"),
                                                picks(inspection_team=["inspector", "organiser"])), shot="rows_notice")
    run_timers(app, clock, beijing("2026-09-10 00:00"))

    # ⑩: the dossier of 严桂秀 typed with a wrong birth date, passed as 审核无问题.
    open_task(journey, "organiser", "⑩干部档案审核")
    rows = dossier_rows(app, THREE)
    per_candidate("dossier_checks", {**rows, "QP0010": {**rows["QP0010"], "birth_date": "1990-01-01"}})(page)
    errors = submit_refused(journey, "⑩干部档案审核")
    journey.shot("rows_dossier_mismatch")
    assert "严桂秀" in errors and "出生日期（1990-01-01）与干部信息库不一致" in errors
    assert "崔英" not in errors
