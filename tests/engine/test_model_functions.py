"""Models call the domain rules: a vote decided by quorum and majority, publicity ended by the calendar."""

from datetime import UTC
from datetime import datetime

import pytest

from storage.models import Case
from tests.conftest import DATA
from tests.conftest import make_actor
from workflows import commands
from workflows.commands import triggers
from workflows.engine.expressions import ExpressionRefused
from workflows.engine.expressions import RestrictedEnvironment
from workflows.processes import deploy
from workflows.record import replay


@pytest.fixture
def secretary(sessions, clock):
    actor = make_actor(sessions, "lihua", "party_secretary")
    with sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "vote_and_publicity.bpmn"]), actor, clock.now())
    return actor


def record_vote(sessions, actor, at, tally: dict) -> dict:
    with sessions.begin() as session:
        case = commands.start_case(session, actor, at, "vote_and_publicity", "表决")
        return commands.complete_task(session, actor, at, case["open_tasks"][0]["id"], tally)


@pytest.mark.parametrize(("present", "approve", "status"), [(6, 5, "running"), (6, 4, "completed"),
                                                            (5, 5, "completed")])
def test_the_gateway_decides_by_quorum_and_majority_of_members_due(sessions, secretary, clock, present, approve,
                                                                    status):
    answer = record_vote(sessions, secretary, clock.now(), {"members_due": 9, "present": present, "approve": approve,
                                                            "publicity_start": "2026-09-28"})
    assert answer["status"] == status  # not passed ends at once; passed waits for the publicity


def test_publicity_before_national_day_ends_on_the_working_day_the_calendar_gives(sessions, secretary):
    started = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)
    answer = record_vote(sessions, secretary, started, {"members_due": 9, "present": 7, "approve": 6,
                                                        "publicity_start": "2026-09-28"})
    case_id = answer["id"]
    last_day = datetime(2026, 10, 9, 15, 59, tzinfo=UTC)  # 23:59 on 10-09, Beijing time
    with sessions.begin() as session:
        assert triggers.due_case_ids(session, last_day) == []
    after = datetime(2026, 10, 9, 16, 0, 1, tzinfo=UTC)  # just after midnight, Beijing time
    with sessions.begin() as session:
        assert triggers.due_case_ids(session, after) == [case_id]
        assert triggers.fire_timers(session, case_id, after)["status"] == "completed"
    with sessions.begin() as session:
        assert replay.replay_case(session, session.get(Case, case_id)).ok


def test_model_functions_are_allow_listed_and_nothing_else_is():
    env = RestrictedEnvironment()
    assert env.evaluate("count_of(ballots, 'approve')", {"ballots": ["approve", "defer", "approve"]}) == 2
    assert env.evaluate("working_days_end('2025-09-26', 5)", {}) == "2025-10-09"
    assert env.evaluate("retirement_month('1970-06-15', 'male')", {}) == "2031-11-01"
    with pytest.raises(ExpressionRefused):
        env.evaluate("working_days_end.__globals__", {})
