"""A task's page through the test client: the form its schema gives, inline errors, 403, 409 and CSRF."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import signed_in
from workflows.engine.clock import FixedClock


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False  # one test below turns it back on
    return Bureau(sessions, clock, ["cadre_selection.bpmn"])




def open_task(run, bpmn_id):
    return next(row for row in run.open_tasks() if row.bpmn_id == bpmn_id)


def test_the_inbox_links_to_a_page_with_the_form_of_the_task(app, bureau):
    run = steps.start(bureau)
    client = signed_in(app, "organiser")
    task = open_task(run, "analysis")
    assert f"/tasks/{task.id}" in client.get("/inbox").get_data(as_text=True)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "①分析研判" in page and 'name="vacancy_exists"' in page and 'name="analysis"' in page
    assert "发起案件" in page and "数据资源科" in page  # the start is on record with the post chosen


def test_bad_input_is_shown_beside_its_field_and_nothing_changes(app, bureau):
    run = steps.start(bureau)
    version = run.case.version
    task = open_task(run, "analysis")
    response = signed_in(app, "organiser").post(f"/tasks/{task.id}", data={"vacancy_exists": "true",
                                                                           "headcount_note": "有空缺"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「研判意见」为必填项" in page and "有 1 处需要修改" in page and "有空缺" in page
    assert run.case.version == version and run.pending() == ["analysis"]


def test_a_completed_form_moves_the_case_on(app, bureau):
    run = steps.start(bureau)
    task = open_task(run, "analysis")
    response = signed_in(app, "organiser").post(f"/tasks/{task.id}", data={
        "vacancy_exists": "1", "headcount_note": "核定 1 名，空缺 1 名", "analysis": "原科长轮岗后空缺，需选拔"})
    assert response.status_code == 302 and response.location.endswith("/inbox")
    assert run.pending() == ["motion"]
    assert run.data()["vacancy_exists"] is True


def test_lists_of_rows_and_users_are_read_from_the_form(app, bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    run.do("work_plan", steps.WORK_PLAN)
    run.do("eligibility_screening", steps.screening())
    run.do("interview_recommendation", steps.interview(run.data()["eligible_candidates"], ("QP0003", "QP0010")))
    task = open_task(run, "meeting_recommendation")
    client = signed_in(app, "organiser")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    # One row per reference candidate, named, the staff number carried in the form: no blank rows to fill.
    assert 'name="tally.0.staff_no" value="QP0003"' in page and 'name="tally.1.staff_no" value="QP0010"' in page
    assert 'name="tally.2.staff_no"' not in page and "崔英" in page
    response = client.post(f"/tasks/{task.id}", data={
        "meeting_date": "2026-09-04", "range_size": "30", "attended": "25", "ballots_issued": "25",
        "ballots_returned": "25", "valid_leaders": "3", "valid_middle": "10", "valid_other": "12",
        "tally.0.staff_no": "QP0003", "tally.0.votes_leaders": "3", "tally.0.votes_middle": "8",
        "tally.0.votes_other": "10", "tally.1.staff_no": "QP0010", "tally.1.votes_leaders": "0",
        "tally.1.votes_middle": "2", "tally.1.votes_other": "2", "counted_by": ["organiser", "inspector"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    data = run.data()
    assert data["tally"] == [{"staff_no": "QP0003", "votes_leaders": 3, "votes_middle": 8, "votes_other": 10},
                             {"staff_no": "QP0010", "votes_leaders": 0, "votes_middle": 2, "votes_other": 2}]
    assert data["recommendation_ranking"][0] == {"staff_no": "QP0003", "votes": 21, "share": "84.0%"}
    assert data["counted_by"] == ["organiser", "inspector"]


def test_another_roles_task_is_a_403_on_record(app, bureau, sessions):
    run = steps.start(bureau)
    task = open_task(run, "analysis")
    client = signed_in(app, "inspector")
    assert client.get(f"/tasks/{task.id}").status_code == 403
    assert client.post(f"/tasks/{task.id}", data={"analysis": "x"}).status_code == 403
    with sessions() as session:
        denied = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.type == "access.denied"))
    assert denied == 2 and run.pending() == ["analysis"]


def test_someone_else_completing_first_gets_a_clear_409(app, bureau):
    run = steps.start(bureau)
    task = open_task(run, "analysis")
    form = {"vacancy_exists": "1", "headcount_note": "核定 1 名", "analysis": "原科长轮岗后空缺，需选拔"}
    first, second = signed_in(app, "organiser"), signed_in(app, "organiser")
    assert second.get(f"/tasks/{task.id}").status_code == 200
    assert first.post(f"/tasks/{task.id}", data=form).status_code == 302
    response = second.post(f"/tasks/{task.id}", data=form)
    assert response.status_code == 409 and "已被办理" in response.get_data(as_text=True)


def test_claim_and_release_keep_others_off_and_let_them_back(app, bureau, sessions):
    from tests.conftest import make_actor

    make_actor(sessions, "organiser2", "personnel_office")
    run = steps.start(bureau)
    task = open_task(run, "analysis")
    mine, other = signed_in(app, "organiser"), signed_in(app, "organiser2")
    assert mine.post(f"/tasks/{task.id}/claim").status_code == 302
    assert "由我认领" in mine.get(f"/tasks/{task.id}").get_data(as_text=True)
    refused = other.post(f"/tasks/{task.id}/claim")
    assert refused.status_code == 409 and "已被他人认领" in refused.get_data(as_text=True)
    assert mine.post(f"/tasks/{task.id}/release").status_code == 302
    assert other.post(f"/tasks/{task.id}/claim").status_code == 302


def test_a_post_without_its_csrf_token_is_refused(app, bureau):
    run = steps.start(bureau)
    task = open_task(run, "analysis")
    client = signed_in(app, "organiser")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/tasks/{task.id}", data={"vacancy_exists": "1", "headcount_note": "核定 1 名",
                                                      "analysis": "原科长轮岗后空缺，需选拔"})
    assert response.status_code == 400 and run.pending() == ["analysis"]


def test_the_task_page_speaks_english_when_asked(app, bureau):
    run = steps.start(bureau)
    task = open_task(run, "analysis")
    client = signed_in(app, "organiser")
    assert "提交" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    client.post("/language/en", data={"next": f"/tasks/{task.id}"})
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert ">Submit</button>" in page and ">Record</h2>" in page and "提交" not in page
