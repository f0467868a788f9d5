"""What a case waits for (a timer, a message) is shown with its end: case page, lists and API (issue 11, point 8)."""

import pytest

from tests.conftest import make_actor
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows import accounts
from workflows.engine.clock import FixedClock

NOTICE = {"notice_date": "2026-09-09", "notice_working_days": 3, "inspection_team": ["inspector", "organiser"],
          "hotline": "021-59700000", "notice_text": "预告"}
# 2026-09-09 (Wed) is the first of three working days: the notice period runs to Friday 09-11.
NOTICE_WAIT = "等待预告期满，至 2026-09-11（第 3 个工作日）"


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])


def in_notice_period(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    steps.determine(run)
    run.do("inspection_notice", NOTICE)
    assert run.pending() == []
    return run


def token(app, username: str) -> str:
    with app.extensions["cadreflow.sessions"].begin() as session:
        return accounts.create_token(session, accounts.find_user(session, username))


def test_a_case_in_its_notice_period_says_what_it_waits_for_and_until_when(app, bureau):
    run = in_notice_period(bureau)
    client = signed_in(app, "organiser")
    page = client.get(f"/cases/{run.id}").get_data(as_text=True)
    assert NOTICE_WAIT in page
    assert NOTICE_WAIT in client.get("/cases").get_data(as_text=True)
    api = app.test_client()
    answer = api.get(f"/api/v1/cases/{run.id}", headers=bearer(token(app, "organiser"))).get_json()
    [wait] = answer["waiting"]
    assert wait["kind"] == "timer" and wait["name"] == "预告期满" and wait["until"] == "2026-09-11"
    assert wait["working_days"] == 3 and wait["provisional"] is False and wait["text"] == NOTICE_WAIT
    listing = api.get("/api/v1/cases", headers=bearer(token(app, "organiser"))).get_json()
    assert [case["waiting"][0]["text"] for case in listing["items"] if case["id"] == run.id] == [NOTICE_WAIT]
    # Once the period has run out the case moves on and waits for nothing.
    run.wait_for("notice_period")
    assert NOTICE_WAIT not in client.get(f"/cases/{run.id}").get_data(as_text=True)
    assert api.get(f"/api/v1/cases/{run.id}", headers=bearer(token(app, "organiser"))).get_json()["waiting"] == []


def test_publicity_shows_its_last_working_day_and_the_complaint_it_may_receive(app, bureau):
    run = steps.to_vote(bureau)
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)  # from Monday 2026-09-28: three days, the National Day holiday, then 10-08 and 10-09
    client = signed_in(app, "organiser")
    page = client.get(f"/cases/{run.id}").get_data(as_text=True)
    assert "⑭任前公示期，至 2026-10-09（第 5 个工作日）" in page
    assert "可接收「公示期间收到举报」" in page
    assert "⑭任前公示期，至 2026-10-09（第 5 个工作日）" in client.get("/cases").get_data(as_text=True)


def test_the_auditors_search_list_shows_the_wait_too(app, bureau):
    run = in_notice_period(bureau)
    make_actor(app.extensions["cadreflow.sessions"], "zhouting", "auditor")
    page = signed_in(app, "zhouting").get("/audit").get_data(as_text=True)
    assert f"/audit/cases/{run.id}" in page and NOTICE_WAIT in page
