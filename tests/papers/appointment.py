"""A selection walked to its appointment (⑮ done, the probation year running) for the tests of the case's papers."""

from datetime import date

import pytest

from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from workflows.engine.clock import FixedClock
from workflows.papers.bureau import BureauDetails

BUREAU = BureauDetails()
APPOINTEE = "QP0003"  # 崔英
NOTICE_DAY = date(2026, 10, 12)


def walk_to_appointment(bureau: Bureau, *, complaint: bool = True) -> CaseRun:
    """Start to ⑮ (notice, talk, filing): two candidates, all approve, a minor complaint during the publicity.

    Built once per process (tests/snapshots.py) when called right after the bureau was set up.
    """
    return bureau.walked(("walk_to_appointment", complaint), lambda bureau: _walk(bureau, complaint))


def _walk(bureau: Bureau, complaint: bool) -> CaseRun:
    run = steps.to_vote(bureau)
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)
    if complaint:
        steps.complain(run, "minor")
        run.do("reminder_talk", {"reminder_date": "2026-09-30", "reminder_by": "secretary",
                                 "reminder_content": "提醒改进作风"}, by="secretary")
    run.wait_for("publicity_period")
    steps.appoint(run)
    return run


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(sessions, clock):
    return Bureau(sessions, clock, ["cadre_selection.bpmn"])


@pytest.fixture
def appointed(bureau) -> CaseRun:
    return walk_to_appointment(bureau)
