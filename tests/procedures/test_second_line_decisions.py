"""到龄退二线 by the rules: the 党组 decides a retention at a recorded meeting, 区委组织部 consents only when the
policy says so, the period's anchor is a recorded policy choice, and the names say 退出领导岗位 / 免去领导职务."""

import json
from datetime import date

import pytest
from lxml import etree

from tests.procedures import second_line_steps as steps
from tests.procedures.diagram_checks import undrawn
from tests.procedures.diagram_checks import untidy_edges
from tests.procedures.driver import PACKAGED
from tests.procedures.driver import beijing
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

MODELS = ["second_line_approval.bpmn"]
START = beijing("2026-03-02 09:00")
BPMN = PACKAGED / "second_line_approval.bpmn"


def retain(bureau, staff_no: str, policy: Policy = DEFAULT_POLICY, *, birth: date = date(1968, 11, 15)):
    run = steps.start(bureau, steps.place_in_window(bureau, staff_no, birth), policy=policy)
    steps.propose_retain(run, run.data()["window_due"])
    steps.talk(run, "2026-03-05")
    steps.meeting(run, day="2026-03-10")
    return run


def test_a_retention_is_the_party_group_s_decision_at_a_recorded_meeting(bureau):
    run = retain(bureau, "QP0025")
    steps.vote(run)
    (decision,) = run.data()["second_line_decisions"]
    assert (decision["meeting_date"], decision["vote_method"], decision["secretary"]) == (
        "2026-03-10", "show_of_hands", "secretary")
    assert (decision["members_due"], decision["members_present_count"], decision["members_present"]) == (
        7, 7, steps.MEMBERS)
    assert (decision["approve_votes"], decision["passed"], decision["proposal"]) == (7, True, "retain")
    assert "应到 7 人" in decision["vote_arithmetic"] and "通过" in decision["vote_arithmetic"]
    assert decision["upper_consent_required"] is True
    # The default policy (能上能下规定 第五条): the 区委组织部 agrees before the retention takes effect.
    assert [(row.bpmn_id, row.lane) for row in run.open_tasks()] == [("upper_consent", "district_org_dept")]
    assert run.replays()


def test_the_secretary_alone_cannot_retain_a_cadre(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0025"))
    steps.propose_retain(run, run.data()["window_due"])
    steps.talk(run, "2026-03-05")
    steps.meeting(run, present=steps.MEMBERS[:4], day="2026-03-10")  # 5 of 7: quorate
    for member in steps.MEMBERS[:4]:
        run.do("cast_ballot", {"ballot": "reject", "opinion": "应按规定退出领导岗位"}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": "approve", "minutes": "会议纪要"}, by="secretary")
    (decision,) = run.data()["second_line_decisions"]
    assert (decision["approve_votes"], decision["reject_votes"], decision["passed"]) == (1, 4, False)
    assert run.pending() == ["prepare_proposal"]  # not retained: a new proposal goes to the party group again
    assert run.replays()


def test_without_the_upper_consent_the_party_group_s_retention_stands(bureau):
    run = retain(bureau, "QP0025", steps.PARTY_GROUP_ALONE)
    steps.vote(run)
    data = run.data()
    assert (data["upper_consent_required"], data["policy"]["second_line_upper_consent"]) == (False, False)
    assert data["second_line_decisions"][-1]["upper_consent_required"] is False
    # Retained until the due date: straight to the re-check, no task for the 区委组织部.
    assert run.pending() == [] and set(run.timers()) == {"recheck_due"}
    assert run.timers()["recheck_due"] == beijing(f"{data['window_due']} 00:00")
    assert run.replays()


def test_with_the_upper_consent_a_refusal_sends_the_proposal_back(bureau):
    run = retain(bureau, "QP0025")
    steps.vote(run)
    steps.consent(run, agreed=False)
    assert run.pending() == ["prepare_proposal"] and run.data()["upper_agreed"] is False


@pytest.mark.parametrize(("anchor", "month", "opens", "due"), [
    ("statutory", "2030-08-01", "2025-08-01", "2027-08-01"),  # born 1969-06: 61 years 2 months after the reform
    ("original", "2029-06-01", "2024-06-01", "2026-06-01"),  # the pre-2025 age of 60
])
def test_the_anchor_is_a_policy_choice_recorded_with_the_case_and_the_decision(bureau, anchor, month, opens, due):
    run = retain(bureau, "QP0025", Policy(version=f"local-{anchor}", second_line_anchor=anchor),
                 birth=date(1969, 6, 15))
    steps.vote(run)
    data = run.data()
    assert data["statutory_retirement_month"] == "2030-08-01"  # the retirement itself is always statutory
    assert (data["window_anchor"], data["window_open"], data["window_due"]) == (anchor, opens, due)
    assert data["anchor_month"] == month
    decision = data["second_line_decisions"][-1]
    assert (decision["window_anchor"], decision["anchor_month"], decision["window_due"]) == (
        anchor, data["anchor_month"], due)
    assert decision["policy_version"] == f"local-{anchor}"


def names(root) -> dict[str, str]:
    return {node.get("id"): node.get("name") for node in root.iter() if node.get("name") and node.get("id")}


def test_names_say_leaving_the_leadership_post_not_a_window():
    named = names(etree.parse(str(BPMN)))
    assert not [name for name in named.values() if "窗口" in name]
    assert named["start"] == "到龄退出领导岗位提示"
    assert named["end_exited"] == "已免去领导职务"
    assert named["removal_notice"] == "发文免去领导职务"
    assert "退出领导岗位" in named["end_retained_until_retirement"]
    for form in sorted((PACKAGED / "forms").glob("second_line_*.json")):
        assert "窗口" not in form.read_text(encoding="utf-8"), form.name
        json.loads(form.read_text(encoding="utf-8"))


def test_the_open_step_names_shown_to_people_use_the_formal_words(bureau):
    run = steps.start(bureau)
    steps.propose_exit(run)
    assert [row.name for row in run.open_tasks()] == ["谈心谈话"]
    steps.decide(run, day="2026-03-10")
    assert [row.name for row in run.open_tasks()] == ["发文免去领导职务"]
    assert date.fromisoformat(run.data()["second_line_decisions"][-1]["meeting_date"]) == date(2026, 3, 10)


def test_the_drawing_has_every_element_and_no_edge_through_a_shape():
    assert undrawn(BPMN) == []
    assert untidy_edges(BPMN) == []
