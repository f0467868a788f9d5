"""Rotation by the 转任 rules: an outright refusal recorded when it is said, key posts, and the new post's date."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from tests.procedures import rotation_steps as steps
from tests.procedures.diagram_checks import undrawn
from tests.procedures.diagram_checks import untidy_edges
from tests.procedures.driver import PACKAGED
from tests.procedures.driver import beijing
from workflows.errors import InvalidData
from workflows.registry import cadre_records
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

MODELS = ["rotation_approval.bpmn"]
START = beijing(steps.DAY_ONE)


def completion(bureau, run, bpmn_id: str) -> dict:
    """What the record keeps of the completion of ``bpmn_id`` (the submitted data)."""
    with bureau.sessions() as session:
        payloads = session.scalars(select(AuditEvent.payload).where(
            AuditEvent.case_id == run.id, AuditEvent.type == "task.completed")).all()
    return next(payload["data"] for payload in map(json.loads, payloads) if payload["bpmn_id"] == bpmn_id)


def decided(bureau, staff_no: str = "QP0001", reason: str = "scan_10_years", policy: Policy = DEFAULT_POLICY):
    run = steps.start(bureau, staff_no, reason, policy=policy)
    steps.approved(run, "SJYY", "科长")
    return run


def test_a_refusal_when_notified_goes_to_criticism_and_education_at_once(bureau):
    run = decided(bureau)
    steps.refuse_at_notice(run, "2026-09-28")
    # No handover period is opened: the refusal is on record the day it is said and education follows.
    assert run.pending() == ["criticism_education"]
    assert run.timers() == {}
    data = run.data()
    assert (data["notice_response"], data["refusal_date"], data["refusal_statement"]) == (
        "refuses", "2026-09-28", steps.REFUSAL)
    assert completion(bureau, run, "issue_notice")["refusal_statement"] == steps.REFUSAL
    with pytest.raises(InvalidData) as refused:  # education answers a refusal that happened
        steps.educate(run, "serious", "2026-09-27")
    assert set(refused.value.errors) == {"education_date"}
    steps.educate(run, "serious", "2026-09-29")
    assert run.pending() == ["sanction_proposal"]
    assert run.replays()


def test_a_refusal_during_the_handover_needs_no_deadline_to_pass(bureau):
    run = decided(bureau)
    steps.notify(run, "2026-09-28")
    assert run.timers() == {"handover_overdue": beijing("2026-10-16 00:00")}
    steps.refuse_during_handover(run, "2026-09-30")
    assert bureau.clock.now() < beijing("2026-10-16 00:00")
    assert run.pending() == ["criticism_education"] and run.timers() == {}
    assert completion(bureau, run, "handover")["refusal_date"] == "2026-09-30"
    steps.educate(run, "complied", "2026-10-09")
    # Complied: a new ten working days from the talk, and a clean slate for a later refusal.
    assert (run.data()["handover_from"], run.data()["refusal_date"]) == ("2026-10-09", None)
    steps.hand_over(run, "2026-10-16")
    assert run.ended_at() == "end_rotated" and run.replays()


@pytest.mark.parametrize(("data", "field"), [
    ({"handover_outcome": "refused", "refusal_date": "2026-09-30"}, "refusal_statement"),
    ({"handover_outcome": "refused", "refusal_date": "2026-09-27", "refusal_statement": "不去"}, "refusal_date"),
    ({"handover_outcome": "refused", "refusal_date": "2026-10-20", "refusal_statement": "不去"}, "refusal_date"),
    ({"handover_outcome": "handed_over", "handover_record": "清单", "received_by": "QP0002"}, "handover_date"),
])
def test_the_handover_form_asks_for_what_its_choice_needs(bureau, data, field):
    run = decided(bureau)
    steps.notify(run, "2026-09-28")
    steps.on(run, "2026-10-01 09:00")
    with pytest.raises(InvalidData) as refused:
        run.do("handover", data)
    assert field in refused.value.errors
    assert run.pending() == ["handover"]


def test_a_refusal_when_notified_needs_what_was_said(bureau):
    run = decided(bureau)
    steps.on(run, "2026-09-28 09:00")
    with pytest.raises(InvalidData) as refused:
        run.do("issue_notice", {**steps.NOTICE, "notice_date": "2026-09-28", "notice_response": "refuses",
                                "refusal_date": "2026-09-28"})
    assert set(refused.value.errors) == {"refusal_statement"}


def test_the_new_post_counts_from_the_handover_when_the_policy_says_so(bureau):
    run = decided(bureau, policy=Policy(version="local-handover", rotation_post_counts_from="handover"))
    steps.notify(run, "2026-09-28")
    steps.hand_over(run, "2026-10-14")
    with bureau.sessions() as session:
        post = cadre_records.find_cadre(session, "QP0001").current_post
        assert (post.start_date, post.same_post_start, post.decision_date) == (
            date(2026, 10, 14), date(2026, 10, 14), date(2026, 9, 21))
    data = run.data()
    assert (data["new_post_counts_from"], data["new_post_start"]) == ("handover", "2026-10-14")
    assert data["policy"]["rotation_post_counts_from"] == "handover"


def test_the_ten_year_reason_takes_a_key_post_and_refuses_another_kind(bureau):
    run = steps.start(bureau, steps.key_post(bureau, "QP0005", category="other"))
    with pytest.raises(InvalidData) as refused:
        steps.screen(run)
    assert set(refused.value.errors) == {"screened_on"}
    assert "重点岗位" in refused.value.errors["screened_on"]
    run = steps.start(bureau, steps.key_post(bureau, "QP0006", category="audit"))
    assert run.data()["rotation_key_post"] is True
    steps.screen(run)
    assert run.pending() == ["rotation_plan"]


def test_the_new_post_s_category_goes_into_the_registry(bureau):
    run = steps.start(bureau, steps.key_post(bureau, "QP0006", category="audit"))
    steps.screen(run)
    steps.plan(run, "SJZY", "四级主任科员", category="procurement")
    steps.consult(run)
    steps.decide(run, "2026-09-21")
    steps.notify(run)
    steps.hand_over(run, "2026-10-12")
    with bureau.sessions() as session:
        post = cadre_records.find_cadre(session, "QP0006").current_post
        assert (post.section.code, post.category, post.is_leadership, post.start_date) == (
            "SJZY", "procurement", False, date(2026, 9, 21))


def test_the_drawing_has_every_element_and_no_edge_through_a_shape():
    assert undrawn(PACKAGED / "rotation_approval.bpmn") == []
    assert untidy_edges(PACKAGED / "rotation_approval.bpmn") == []
