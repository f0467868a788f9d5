"""The start page's news: what arrived since the previous sign-in, what is overdue, the cases of mine that moved."""

import pytest

from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from tests.webapp.conftest import signed_in
from workflows import commands
from workflows.engine.clock import FixedClock
from workflows.queries import notifications


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return Bureau(sessions, clock, ["cadre_selection.bpmn"])


def _digest(bureau, name: str) -> notifications.Digest:
    with bureau.sessions() as session:
        return notifications.digest(session, bureau.people[name], bureau.clock.now())


def test_news_since_the_previous_sign_in(app, bureau, clock, monkeypatch):
    moved, quiet, mine_only = steps.start(bureau), steps.start(bureau), steps.start(bureau)
    first = signed_in(app, "organiser").get("/").get_data(as_text=True)
    assert "自上次登录以来" not in first  # the first sign-in: nothing is "since" yet, nothing overdue
    moved.do("analysis", steps.ANALYSIS)
    moved.do("motion", steps.MOTION)  # the organiser's own steps are no news to them
    mine_only.do("analysis", steps.ANALYSIS)
    moved.do("motion_consent", {"motion_agreed": True, "secretary_opinion_on_motion": "同意启动"})
    with bureau.sessions.begin() as session:  # a refused attempt is not the case moving
        commands.record_access_denied(session, bureau.people["member1"], clock.now(), "GET", "/x", "no",
                                      case_id=quiet.id)
    clock.advance(minutes=5)
    page = signed_in(app, "organiser").get("/").get_data(as_text=True)

    news = _digest(bureau, "organiser")
    assert [(case.id, count) for case, count in news.moved] == [(moved.id, 1)]
    assert [(task.name, title) for task, title in news.new_tasks] == [("②提出动议", mine_only.case.title)]
    assert news.overdue == []
    monkeypatch.setattr(notifications, "FEW_CASES", 2)  # found from the newest heads, as for a starter of many
    assert [(case.id, count) for case, count in _digest(bureau, "organiser").moved] == [(moved.id, 1)]
    assert "自上次登录以来" in page and "您发起的案件有进展" in page and f"/cases/{moved.id}\"" in page
    assert f"/cases/{quiet.id}\"" not in page and f"/cases/{mine_only.id}\"" not in page
    assert "②提出动议" in page and mine_only.case.title in page and moved.case.title in page


def test_overdue_tasks_show_with_their_due_time(app, bureau, clock):
    steps.to_checks(bureau)
    signed_in(app, "discipline")
    clock.at = beijing("2026-09-18 09:00")  # days past the discipline office's deadlines
    news = _digest(bureau, "discipline")
    page = signed_in(app, "discipline").get("/").get_data(as_text=True)
    assert len(news.overdue) == 2 and all(task.due_at < clock.now() for task, _ in news.overdue)
    # Two tasks of one name ("the discipline check") are told apart by their case, in the overdue line itself.
    overdue = page.split('<li class="overdue">', 1)[1].split("</ul>", 1)[0]
    assert "已逾期" in overdue
    # Each task is an item of its own under the heading (they ran on in one line, up to 20 of them).
    items = overdue.split("<li>")[1:]
    assert len(items) == 2 and all(title in item for item, (_, title) in zip(items, news.overdue, strict=True))


def test_a_user_who_started_nothing_has_no_moved_cases(app, bureau):
    run = steps.start(bureau)
    signed_in(app, "secretary")
    steps.to_work_plan(run)
    signed_in(app, "secretary")
    news = _digest(bureau, "secretary")
    assert news.moved == [] and news.since is not None
