"""The probation year of a selection passes on the injected clock and `cadreflow run-timers` fires it."""

from datetime import timedelta

import pytest

from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from workflows.engine.clock import FixedClock


@pytest.fixture
def clock():
    return FixedClock(START)


def test_run_timers_ends_the_probation_year(app, sessions, clock):
    bureau = Bureau(sessions, clock, ["cadre_selection.bpmn"])
    run = steps.to_vote(bureau)
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    due = run.timers()["probation_year"]
    assert due == beijing("2027-09-21 00:00")
    runner = app.test_cli_runner()
    clock.at = due - timedelta(minutes=1)
    assert "已触发 0 个案件" in runner.invoke(args=["run-timers"]).output
    assert run.pending() == []
    clock.at = due + timedelta(minutes=1)
    assert "已触发 1 个案件" in runner.invoke(args=["run-timers"]).output
    assert run.pending() == ["probation_review"]
    assert run.replays()
