"""The auditor's case search: each filter alone, combined, the Beijing calendar day, and paging."""

from datetime import date

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import User
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from workflows import commands
from workflows.engine.clock import FixedClock
from workflows.queries import case_search
from workflows.queries.case_search import Criteria


@pytest.fixture
def clock():
    return FixedClock(beijing("2026-09-01 09:00"))


@pytest.fixture
def cases(sessions, clock):
    """A selection ended for want of a vacancy, one past its screening, a cadre's rotation withdrawn."""
    bureau = Bureau(sessions, clock, ["cadre_selection.bpmn", "rotation_approval.bpmn"])
    vacant = steps.start(bureau)
    vacant.do("analysis", {**steps.ANALYSIS, "vacancy_exists": False, **steps.terminating("无空缺")})
    clock.at = beijing("2026-09-05 07:00")  # still 4 September in UTC
    screened = steps.start(bureau)
    steps.to_work_plan(screened)
    screened.do("work_plan", steps.WORK_PLAN)
    screened.do("eligibility_screening", steps.screening(["QP0003", "QP0010"]))
    clock.at = beijing("2026-10-08 10:00")
    rotation = bureau.start("rotation_approval", {"trigger_reason": "other", "trigger_note": "人事组织部门提出"},
                            cadre="QP0001")
    with sessions.begin() as session:
        commands.cancel_case(session, bureau.people["organiser"], clock.now(), rotation.id, "人选调整")
        # A refused attempt is not acting in a case.
        commands.record_access_denied(session, bureau.people["inspector"], clock.now(), "POST", "/x", "拒绝",
                                      case_id=vacant.id)
        session.scalar(select(User).where(User.username == "secretary")).display_name = "吴建国"
        names = {row.staff_no: row.name for row in session.scalars(select(Cadre).where(
            Cadre.staff_no.in_(["QP0001", "QP0003"])))}
    return {"vacant": vacant.id, "screened": screened.id, "rotation": rotation.id, "names": names}


def found(sessions, cases, page=1, **criteria) -> list[str]:
    by_id = {case_id: name for name, case_id in cases.items() if name != "names"}
    with sessions() as session:
        hits, total = case_search.search(session, Criteria(**criteria), page)
    assert total >= len(hits)
    return [by_id[hit.case.id] for hit in hits]


def test_no_criteria_finds_every_case_newest_first(sessions, cases):
    assert found(sessions, cases) == ["rotation", "screened", "vacant"]


def test_by_cadre_name_or_staff_number_concerned_or_named_in_the_record(sessions, cases):
    assert found(sessions, cases, cadre="QP0001") == ["rotation"]
    assert found(sessions, cases, cadre=cases["names"]["QP0001"]) == ["rotation"]
    assert found(sessions, cases, cadre="QP0003") == ["screened"]  # on the screened roster
    assert found(sessions, cases, cadre=cases["names"]["QP0003"]) == ["screened"]
    assert found(sessions, cases, cadre="没有这个人") == []
    assert found(sessions, cases, cadre="%") == []  # a LIKE wildcard is taken literally


def test_by_process_and_status(sessions, cases):
    assert found(sessions, cases, process="rotation_approval") == ["rotation"]
    assert found(sessions, cases, process="cadre_selection") == ["screened", "vacant"]
    # 无职数空缺 ends the case by a refusal: it is found as terminated, not among the finished ones.
    assert found(sessions, cases, status="terminated") == ["vacant"]
    assert found(sessions, cases, status="completed") == []
    assert found(sessions, cases, status="cancelled") == ["rotation"]
    assert found(sessions, cases, process="cadre_selection", status="running") == ["screened"]


def test_by_period_in_beijing_days(sessions, cases):
    assert found(sessions, cases, started_from=date(2026, 9, 5), started_to=date(2026, 9, 5)) == ["screened"]
    assert found(sessions, cases, started_to=date(2026, 9, 4)) == ["vacant"]
    assert found(sessions, cases, started_from=date(2026, 9, 2)) == ["rotation", "screened"]


def test_by_step_name_or_bpmn_id(sessions, cases):
    assert found(sessions, cases, step="eligibility_screening") == ["screened"]
    assert found(sessions, cases, step="分析研判") == ["screened", "vacant"]
    assert found(sessions, cases, step="提出动议") == ["screened"]
    assert found(sessions, cases, step="rotation_screening") == []  # never reached
    assert found(sessions, cases, step="screening") == []  # a BPMN id is matched whole


def test_by_actor_username_or_display_name(sessions, cases):
    assert found(sessions, cases, actor="secretary") == ["screened"]
    assert found(sessions, cases, actor="吴建国") == ["screened"]
    assert found(sessions, cases, actor="organiser") == ["rotation", "screened", "vacant"]
    assert found(sessions, cases, actor="inspector") == []  # only refused


def test_pages_of_the_results(sessions, cases, monkeypatch):
    monkeypatch.setattr(case_search, "PAGE_SIZE", 2)
    with sessions() as session:
        first, total = case_search.search(session, Criteria(), 1)
        second, _ = case_search.search(session, Criteria(), 2)
    assert total == 3 and len(first) == 2 and [hit.case.id for hit in second] == [cases["vacant"]]
    assert first[0].process_name and first[0].cadre_staff_no == "QP0001" and second[0].cadre_name is None
