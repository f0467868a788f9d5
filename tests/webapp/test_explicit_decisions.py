"""Decisions that end a case, through the pages: stated, reasoned, confirmed, and the end listed as 已终止."""

import pytest

from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows.engine.clock import FixedClock

REFUSAL = {"motion_agreed": "false", "secretary_opinion_on_motion": "暂不启动本次选任",
           "termination_reason": "本年度职数另有安排"}


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return Bureau(sessions, clock, ["cadre_selection.bpmn"])




def at_motion_consent(bureau):
    run = steps.start(bureau)
    run.do("analysis", steps.ANALYSIS)
    run.do("motion", steps.MOTION)
    return run, next(row for row in run.open_tasks() if row.bpmn_id == "motion_consent")


def test_the_decision_is_a_radio_with_both_options_and_none_chosen(app, bureau):
    _run, task = at_motion_consent(bureau)
    page = signed_in(app, "secretary").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'type="radio" name="motion_agreed" value="true"' in page
    assert 'type="radio" name="motion_agreed" value="false"' in page
    assert "同意启动" in page and "不同意启动，终止本次选任" in page
    assert 'type="checkbox" id="motion_agreed"' not in page
    assert "checked" not in page.split('name="motion_agreed"')[1][:40]  # no option chosen beforehand
    assert "我确认终止本案件" not in page  # asked for only once the terminating option is chosen


def test_an_unchosen_decision_no_longer_ends_the_case(app, bureau):
    """The observed case: an opinion agreeing in words, the box left unticked, and the case gone."""
    run, task = at_motion_consent(bureau)
    response = signed_in(app, "secretary").post(f"/tasks/{task.id}", data={
        "secretary_opinion_on_motion": "同意启动数据资源科科长选任工作"})
    assert response.status_code == 422
    assert "「同意启动选任」为必填项" in response.get_data(as_text=True)
    assert run.status == "running" and run.pending() == ["motion_consent"]


def test_a_refusal_asks_for_a_reason_then_for_a_confirmation_on_the_page(app, bureau):
    run, task = at_motion_consent(bureau)
    client = signed_in(app, "secretary")
    no_reason = client.post(f"/tasks/{task.id}", data={**REFUSAL, "termination_reason": ""})
    assert no_reason.status_code == 422 and "须写明终止理由" in no_reason.get_data(as_text=True)
    unconfirmed = client.post(f"/tasks/{task.id}", data=REFUSAL)
    page = unconfirmed.get_data(as_text=True)
    assert unconfirmed.status_code == 422 and run.status == "running"
    assert 'name="termination_confirmed"' in page and "我确认终止本案件" in page
    assert "本年度职数另有安排" in page  # what was typed stays on the page
    confirmed = client.post(f"/tasks/{task.id}", data={**REFUSAL, "termination_confirmed": "1"})
    assert confirmed.status_code == 302
    assert (run.status, run.case.outcome, run.case.end_name) == ("completed", "terminated", "动议终止")


def test_a_terminated_case_lists_as_terminated_under_its_filter_in_my_cases(app, bureau):
    run, task = at_motion_consent(bureau)
    signed_in(app, "secretary").post(f"/tasks/{task.id}", data={**REFUSAL, "termination_confirmed": "1"})
    office = signed_in(app, "organiser")
    listed = office.get("/cases?status=terminated").get_data(as_text=True)
    assert f"/cases/{run.id}" in listed and "已终止：动议终止" in listed
    assert f"/cases/{run.id}" not in office.get("/cases?status=completed").get_data(as_text=True)
    assert f"/cases/{run.id}" not in office.get("/cases").get_data(as_text=True)  # 办理中 by default
    assert '<option value="terminated"' in listed
    shown = office.get(f"/cases/{run.id}").get_data(as_text=True)
    assert "已终止：动议终止" in shown and "已办结" not in shown
    token = add_user(app, "api_office", "personnel_office")
    case = office.get(f"/api/v1/cases/{run.id}", headers=bearer(token)).json
    assert (case["status"], case["outcome"], case["end_event"], case["end_name"]) == (
        "completed", "terminated", "end_cancelled_at_motion", "动议终止")
    assert case["status_label"] == "已终止：动议终止"


def test_the_english_pages_say_terminated(app, bureau):
    run, task = at_motion_consent(bureau)
    signed_in(app, "secretary").post(f"/tasks/{task.id}", data={**REFUSAL, "termination_confirmed": "1"})
    office = signed_in(app, "organiser")
    assert office.post("/language/en").status_code == 302
    listed = office.get("/cases?status=terminated").get_data(as_text=True)
    assert "Terminated: 动议终止" in listed and ">Terminated</option>" in listed


def test_the_auditor_finds_terminated_cases_under_their_own_status(app, bureau):
    run, task = at_motion_consent(bureau)
    finished = steps.start(bureau)
    signed_in(app, "secretary").post(f"/tasks/{task.id}", data={**REFUSAL, "termination_confirmed": "1"})
    add_user(app, "auditor1", "auditor")
    auditor = signed_in(app, "auditor1")
    found = auditor.get("/audit?status=terminated").get_data(as_text=True)
    assert f"/audit/cases/{run.id}" in found and "已终止：动议终止" in found
    assert f"/audit/cases/{finished.id}" not in found
    assert f"/audit/cases/{run.id}" not in auditor.get("/audit?status=completed").get_data(as_text=True)
