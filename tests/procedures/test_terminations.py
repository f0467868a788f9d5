"""Choices that end a selection: stated explicitly, with a reason and a confirmation, and the end shown as 终止."""

import json

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.procedures import selection_steps as steps
from tests.workflows.test_record_sheet import pdf_text
from workflows.errors import InvalidData
from workflows.record import record_sheet
from workflows.record import verification

MODELS = ["cadre_selection.bpmn"]


def at_motion_consent(bureau):
    run = steps.start(bureau)
    run.do("analysis", steps.ANALYSIS)
    run.do("motion", steps.MOTION)
    return run


def completed_payload(bureau, run) -> dict:
    with bureau.sessions() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.case_id == run.id,
                                                        AuditEvent.type == "case.completed"))
        return json.loads(event.payload)


def test_a_decision_left_out_is_refused_naming_the_field(bureau):
    run = at_motion_consent(bureau)
    with pytest.raises(InvalidData) as refused:
        run.do("motion_consent", {"secretary_opinion_on_motion": "同意启动数据资源科科长选任工作"})
    assert "motion_agreed" in refused.value.errors
    assert run.pending() == ["motion_consent"] and run.status == "running"


def test_a_refusal_without_a_reason_is_refused(bureau):
    run = at_motion_consent(bureau)
    with pytest.raises(InvalidData) as refused:
        run.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动",
                                  "termination_confirmed": True})
    assert "终止理由" in refused.value.errors["termination_reason"]
    assert run.pending() == ["motion_consent"] and run.status == "running"


def test_a_refusal_without_the_confirmation_is_refused(bureau):
    run = at_motion_consent(bureau)
    with pytest.raises(InvalidData) as refused:
        run.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动",
                                  "termination_reason": "本年度职数另有安排"})
    assert "我确认终止本案件" in refused.value.errors["termination_confirmed"]
    assert run.pending() == ["motion_consent"] and run.status == "running"


def test_the_confirmation_is_not_kept_when_the_case_goes_on(bureau):
    run = at_motion_consent(bureau)
    run.do("motion_consent", {"motion_agreed": True, "secretary_opinion_on_motion": "同意启动",
                              "termination_confirmed": True})
    assert "termination_confirmed" not in run.data()
    assert run.case.outcome is None and run.status == "running"


def test_a_secretary_refusing_the_motion_terminates_the_case_with_the_reason_on_record(bureau, tmp_path):
    """The story: the secretary does not agree to start; the case ends as 终止：动议终止 with the reason."""
    run = at_motion_consent(bureau)
    run.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动本次选任",
                              "termination_reason": "本年度职数另有安排，暂不启动", "termination_confirmed": True},
           by="secretary")
    case = run.case
    assert (case.status, case.outcome, case.end_event, case.end_name) == (
        "completed", "terminated", "end_cancelled_at_motion", "动议终止")
    payload = completed_payload(bureau, run)
    assert payload["outcome"] == "terminated" and payload["end_name"] == "动议终止"
    assert payload["reason"] == "本年度职数另有安排，暂不启动"
    assert run.replays()
    with bureau.sessions() as session:
        case = session.get(Case, run.id)
        sheet = pdf_text(record_sheet.render_pdf(session, case, verification.verify_case(session, case, None)),
                         tmp_path)
    assert "状态已终止：动议终止" in sheet and "终止理由本年度职数另有安排，暂不启动" in sheet
    assert "我确认终止本案件" in sheet  # the confirmation is on record with the step


def test_a_case_that_reaches_its_goal_is_completed_with_its_end_named(bureau):
    run = steps.start(bureau)
    run.do("analysis", {**steps.ANALYSIS, "vacancy_exists": False, "termination_reason": "无空缺职数",
                        "termination_confirmed": True})
    assert (run.case.outcome, run.case.end_name) == ("terminated", "无职数空缺，不启动")
