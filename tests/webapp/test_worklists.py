"""The inbox by tab with deadlines, and the organiser's cases, through the test client."""


import pytest
from sqlalchemy import event
from sqlalchemy import select

from storage.models import User
from tests.conftest import make_actor
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from tests.webapp.conftest import signed_in
from workflows import accounts
from workflows.engine.clock import FixedClock
from workflows.queries import worklists


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return Bureau(sessions, clock, ["cadre_selection.bpmn"])


def test_a_member_finds_their_own_ballot_under_assigned_to_me(app, bureau):
    steps.to_vote(bureau)
    client = signed_in(app, "member1")
    everything = client.get("/inbox").get_data(as_text=True)
    assert everything.count("党组成员逐一表态") == 1  # their ballot, not the other five
    assert "/inbox?tab=mine" in everything and "/inbox?tab=party_group" in everything
    mine = client.get("/inbox?tab=mine").get_data(as_text=True)
    assert "党组成员逐一表态" in mine
    lane = client.get("/inbox?tab=party_group").get_data(as_text=True)
    assert "党组成员逐一表态" not in lane  # per-person tasks are not the whole lane's


def test_deadlines_show_and_overdue_rows_stand_out(app, bureau, clock):
    steps.to_checks(bureau)
    client = signed_in(app, "discipline")
    page = client.get("/inbox").get_data(as_text=True)
    assert "2026-09-18 00:00" in page and 'class="overdue"' not in page
    clock.at = beijing("2026-09-18 09:00")
    client = signed_in(app, "discipline")  # days later: the earlier sign-in went idle long ago
    page = client.get("/inbox?sort=due").get_data(as_text=True)
    assert page.count('class="overdue"') == 2  # the discipline opinion and the complaint check
    assert 'My inbox' in page or "我的待办" in page


def test_the_organisers_cases_show_where_each_stands(app, bureau, clock):
    first = steps.start(bureau)
    steps.to_work_plan(first)
    second = steps.start(bureau)
    clock.advance(days=3)
    client = signed_in(app, "organiser")
    page = client.get("/cases").get_data(as_text=True)
    assert f"/cases/{first.id}" in page and f"/cases/{second.id}" in page
    assert "③酝酿形成工作方案" in page and "①分析研判" in page and "党组书记" in page
    assert "<td>3</td>" in page  # days open
    assert f"/cases/{first.id}" not in client.get("/cases?q=nothing-like-this").get_data(as_text=True)
    assert f"/cases/{first.id}" not in client.get("/cases?status=completed").get_data(as_text=True)
    assert signed_in(app, "member1").get("/cases").status_code == 403


def test_the_navigation_counts_what_waits(app, bureau):
    steps.start(bureau)
    steps.start(bureau)
    page = signed_in(app, "organiser").get("/").get_data(as_text=True)
    assert '<span class="count">2</span></a>' in page


def test_the_inbox_counts_its_tabs_and_the_navigation_in_two_statements(app, bureau):
    # A member's own ballot (assigned) and the party group's lane: the navigation counts both, the lane's tab one.
    steps.to_vote(bureau)
    client = signed_in(app, "member1")
    engine = app.extensions["cadreflow.engine"]
    counts = []

    def note(_connection, _cursor, sql, _parameters, _context, _many):
        if "count(" in sql.lower():
            counts.append(sql)

    event.listen(engine, "before_cursor_execute", note)
    try:
        page = client.get("/inbox").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(counts) == 2, counts  # the lanes' and the total in one, "mine" apart (was three)
    with app.extensions["cadreflow.read_sessions"]() as session:
        actor = accounts.actor_for(session.scalar(select(User).where(User.username == "member1")))
        total, tabs = worklists.inbox_count(session, actor), worklists.tab_counts(session, actor)
    assert total == 1 + tabs["party_group"] and tabs["mine"] == 1
    assert f'<span class="count">{total}</span></a>' in page


def test_the_case_page_draws_the_diagram_beside_the_record(app, bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    page = signed_in(app, "organiser").get(f"/cases/{run.id}").get_data(as_text=True)
    assert "<svg" in page and 'data-element="motion_consent"' in page
    assert page.count("completed") >= 3 and 'data-element="f_motion"' in page
    assert "②书记同意动议" in page and "同意启动" in page  # the record, with the secretary's opinion


def test_withdrawing_needs_a_reason_and_goes_on_record(app, bureau):
    run = steps.start(bureau)
    client = signed_in(app, "organiser")
    refused = client.post(f"/cases/{run.id}/withdraw", data={"reason": " ", "confirm": "1"})
    assert refused.status_code == 422 and "撤销原因为必填项" in refused.get_data(as_text=True)
    withdrawn = client.post(f"/cases/{run.id}/withdraw", data={"reason": "岗位调整，暂停选任", "confirm": "1"})
    assert withdrawn.status_code == 302
    assert run.status == "cancelled" and run.pending() == []
    page = client.get(f"/cases/{run.id}").get_data(as_text=True)
    assert "撤销案件" in page and "岗位调整，暂停选任" in page and "Withdraw the case" not in page


def test_the_secretary_follows_the_vote_and_others_cannot_open_the_case(app, bureau, sessions):
    run = steps.to_vote(bureau, recused=["member6"])
    run.do("cast_ballot", {"ballot": "approve"}, by="member1")
    run.do("cast_ballot", {"ballot": "defer", "opinion": "再了解"}, by="member2")
    page = signed_in(app, "secretary").get(f"/cases/{run.id}").get_data(as_text=True)
    assert "member1、member2" in page and "member3、member4、member5" in page
    assert "1 / 0 / 1" in page and "应到 7 人，实到 7 人（含回避 1 人" in page
    assert "1 / 0 / 1" not in signed_in(app, "member1").get(f"/cases/{run.id}").get_data(as_text=True)
    make_actor(sessions, "member7", "party_group")  # in the party group, but not at this meeting
    assert signed_in(app, "member7").get(f"/cases/{run.id}").status_code == 403


def test_a_complaint_during_publicity_is_recorded_from_the_case_page(app, bureau):
    run = steps.to_vote(bureau)
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)
    client = signed_in(app, "organiser")
    page = client.get(f"/cases/{run.id}").get_data(as_text=True)
    assert "公示期间收到举报" in page and f"/cases/{run.id}/messages/complaint" in page
    refused = client.post(f"/cases/{run.id}/messages/complaint", data={"summary": ""})
    assert refused.status_code == 422 and "内容摘要" in refused.get_data(as_text=True)
    assert client.post(f"/cases/{run.id}/messages/complaint",
                       data={"summary": "反映拟任人选工作作风问题", "source": "来信"}).status_code == 302
    assert run.pending() == ["verify_complaint"]
    assert "/messages/complaint" not in client.get(f"/cases/{run.id}").get_data(as_text=True)  # no longer waiting


def test_the_start_page_tells_what_arrived_since_the_last_sign_in(app, bureau, clock):
    run = steps.start(bureau)
    signed_in(app, "organiser")  # a first sign-in: nothing is "new" yet
    signed_in(app, "secretary")
    clock.advance(hours=2)
    steps.to_work_plan(run)  # the office's motion reaches the secretary; the secretary consents
    secretary = signed_in(app, "secretary").get("/").get_data(as_text=True)
    assert "③酝酿形成工作方案" in secretary and "/tasks/" in secretary
    organiser = signed_in(app, "organiser").get("/").get_data(as_text=True)
    assert f'/cases/{run.id}"' in organiser and "（1）" in organiser  # the secretary's consent
