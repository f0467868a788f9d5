"""① 分析研判 reads the 职数 table: a full section ends the case, a vacancy goes on, no entry asks the organiser;
the facts used are in the record of the submission, so a later change of the table does not change the replay."""

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.procedures import selection_steps as steps
from workflows.errors import InvalidData
from workflows.queries import case_history
from workflows.record import audit
from workflows.registry import headcount

MODELS = ["cadre_selection.bpmn"]
# 数据资源科 (SJZY) has one 科长 and two 副科长 in the demo registry; the case selects its 科长.
PLAN = {"headcount_note": "", "analysis": "原科长交流轮岗后空缺，需从副科级干部中选拔"}


def approve(bureau, number) -> None:
    with bureau.sessions.begin() as session:
        headcount.save_table(session, bureau.people["organiser"], bureau.clock.now(),
                             {("SJZY", "section_chief"): number})


def analysis_payload(bureau, run) -> dict:
    with bureau.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == run.id,
                                                          AuditEvent.type == "task.completed"))
        return next(audit.payload_of(event)["data"] for event in events
                    if audit.payload_of(event)["bpmn_id"] == "analysis")


def test_a_full_section_ends_at_no_vacancy_with_the_facts_on_record(bureau):
    approve(bureau, 1)
    run = steps.start(bureau)
    with pytest.raises(InvalidData) as refused:  # ending the case needs the organiser's confirmation
        run.do("analysis", PLAN)
    assert set(refused.value.errors) == {"termination_confirmed"}
    run.do("analysis", {**PLAN, "termination_confirmed": True})
    assert run.ended_at() == "end_no_vacancy" and run.case.outcome == "terminated"
    data = analysis_payload(bureau, run)
    assert data["headcount"] == {"section_code": "SJZY", "section_name": "数据资源科", "level": "section_chief",
                                 "approved": 1, "occupied": 1, "vacancies": 0, "excess": 0, "has_entry": True}
    assert data["headcount_status"] == "数据资源科正科：核定职数 1 名，现有实职 1 名，无空缺"
    assert "无职数空缺" in data["termination_reason"] and run.case.end_name == "无职数空缺，不启动"
    with bureau.sessions() as session:  # the record reads the facts in words, under their own label
        step = next(step for step in case_history.steps(session, session.get(Case, run.id)) if step.name == "①分析研判")
        assert ("职数表核定与空缺（提交时）", data["headcount_status"]) in step.fields
        assert "headcount" not in {label for label, _ in step.fields}
    approve(bureau, 3)  # the table changes later: the replay reads the facts the submission recorded
    assert run.replays()


def test_a_vacancy_in_the_table_lets_the_selection_go_on(bureau):
    approve(bureau, 2)
    run = steps.start(bureau)
    run.do("analysis", PLAN)
    assert run.pending() == ["motion"]
    assert run.data()["headcount"]["vacancies"] == 1 and run.data()["vacancy_exists"] is None
    assert run.replays()


def test_the_table_decides_and_a_contradicting_statement_is_refused(bureau):
    approve(bureau, 1)
    run = steps.start(bureau)
    with pytest.raises(InvalidData) as refused:
        run.do("analysis", steps.ANALYSIS)  # states a vacancy the table does not have
    assert "以职数表为准" in refused.value.errors["vacancy_exists"]
    assert run.pending() == ["analysis"]


def test_without_an_entry_the_organiser_must_state_the_vacancy(bureau):
    run = steps.start(bureau)
    with pytest.raises(InvalidData) as refused:
        run.do("analysis", PLAN)
    assert set(refused.value.errors) == {"vacancy_exists"}
    assert "职数表中没有核定职数" in refused.value.errors["vacancy_exists"]
    run.do("analysis", steps.ANALYSIS)  # the organiser states it: the existing step data still works
    assert run.pending() == ["motion"] and run.data()["headcount"]["has_entry"] is False
    assert run.replays()


def test_without_an_entry_a_stated_lack_of_vacancy_ends_the_case(bureau):
    run = steps.start(bureau)
    run.do("analysis", {**steps.ANALYSIS, "vacancy_exists": False, **steps.terminating("核定职数已满")})
    assert run.ended_at() == "end_no_vacancy"
