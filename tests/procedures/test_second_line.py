"""The retirement-to-second-line approval (bpmn/second_line_approval.bpmn) driven through the command layer."""

from datetime import date

import pytest
from lxml import etree

from tests.procedures import second_line_steps as steps
from tests.procedures.driver import PACKAGED
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from workflows.engine.clock import FixedClock
from workflows.errors import InvalidData
from workflows.registry import cadre_records
from workflows.rules.cadres import second_line_window
from workflows.rules.dates import add_years
from workflows.rules.retirement import statutory_retirement_month

BPMN = "second_line_approval.bpmn"


@pytest.fixture
def clock():
    # A Monday before QP0009's window falls due (2026-09-01), so the deadline lies ahead.
    return FixedClock(beijing("2026-03-02 09:00"))


@pytest.fixture
def bureau(sessions, clock):
    return Bureau(sessions, clock, [BPMN])


# --------------------------------------------------------------------------------------------------
# One function per path; each returns the case it walked.

def exit_with_filing(bureau):
    run = steps.start(bureau)
    steps.exit_all_the_way(run, filing=True)
    return run


def exit_after_adjourned_meeting(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0025"))
    steps.propose_exit(run)
    steps.talk(run)
    steps.meeting(run, present=steps.MEMBERS[:3])  # 4 of 7 present: below two thirds, held again
    steps.meeting(run, day="2026-03-12")
    steps.vote(run)
    steps.leave_post(run, filing=False, decided="2026-03-12")
    return run


def not_in_scope(bureau):
    return steps.start(bureau, "QP0004")  # 四级主任科员: no leadership post


def rejected_then_exit(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0049"))
    steps.propose_retain(run, run.data()["window_due"])
    steps.decide(run, "reject")
    steps.exit_all_the_way(run, day="2026-03-20")
    return run


def retain_refused_then_exit(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0057"))
    steps.propose_retain(run, run.data()["window_due"])
    steps.decide(run)
    steps.consent(run, agreed=False)
    steps.exit_all_the_way(run, day="2026-03-20")
    return run


def retained_until_retirement(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0073"))
    steps.propose_retain(run, run.data()["statutory_retirement_month"])
    steps.decide(run)
    steps.consent(run, agreed=True)
    return run


def retain_recheck_then_exit(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0001"))
    due = run.data()["window_due"]
    steps.propose_retain(run, due)
    steps.decide(run)
    steps.consent(run, agreed=True)
    run.wait_for("recheck_due")
    run.do("recheck_review", {"recheck_opinion": "暂缓期满，请重新提出建议", "decision_deadline": steps.later(due, 60)},
           by="secretary")
    steps.exit_all_the_way(run, day=steps.later(due, 10))
    return run


def retained_by_the_party_group_alone(bureau):
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0065"), policy=steps.PARTY_GROUP_ALONE)
    steps.propose_retain(run, run.data()["statutory_retirement_month"])
    steps.decide(run)
    return run


def escalated(bureau):
    # Born 1969-05: retires 2030-07, the window falls due 2027-07-01 and nobody decides by then.
    run = steps.start(bureau, steps.place_in_window(bureau, "QP0010", date(1969, 5, 15)))
    steps.propose_exit(run)
    due = run.data()["window_due"]
    run.wait_for("decision_overdue")
    run.do("escalate_overdue", {"escalation_directive": "限一个月内提交党组研究",
                                "decision_deadline": steps.later(due, 30)}, by="secretary")
    return run


# Scenarios that move the clock come last, so that in one database the others finish before it moves.
SCENARIOS = {
    "exit_with_filing": exit_with_filing, "exit_after_adjourned_meeting": exit_after_adjourned_meeting,
    "not_in_scope": not_in_scope, "rejected_then_exit": rejected_then_exit,
    "retain_refused_then_exit": retain_refused_then_exit, "retained_until_retirement": retained_until_retirement,
    "retained_by_the_party_group_alone": retained_by_the_party_group_alone,
    "retain_recheck_then_exit": retain_recheck_then_exit, "escalated": escalated,
}
EXPECTED_END = {
    "exit_with_filing": "end_exited", "exit_after_adjourned_meeting": "end_exited", "not_in_scope": "end_not_in_scope",
    "rejected_then_exit": "end_exited", "retain_refused_then_exit": "end_exited",
    "retained_until_retirement": "end_retained_until_retirement", "retain_recheck_then_exit": "end_exited",
    "retained_by_the_party_group_alone": "end_retained_until_retirement", "escalated": None,
}
LEFT_LEADERSHIP = {"exit_with_filing", "exit_after_adjourned_meeting", "rejected_then_exit", "retain_refused_then_exit",
                   "retain_recheck_then_exit"}


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(bureau, name):
    run = SCENARIOS[name](bureau)
    assert run.ended_at() == EXPECTED_END[name]
    assert run.replays()
    snapshot = run.data()["cadre"]
    with bureau.sessions() as session:
        post = cadre_records.find_cadre(session, snapshot["staff_no"]).current_post
        if name in LEFT_LEADERSHIP:
            assert (post.is_leadership, post.appointment_mode, post.title) == (False, "second_line", "专项工作督导")
        else:  # the registry is left as it was
            assert (post.is_leadership, post.title) == (snapshot["is_leadership"], snapshot["post_title"])


def test_every_flow_of_the_model_is_taken(bureau):
    for scenario in SCENARIOS.values():
        scenario(bureau)
    taken, every = bureau.flows("second_line_approval")
    assert sorted(every - taken) == [], f"flows no test takes: {sorted(every - taken)}"


def test_every_end_event_is_reached():
    root = etree.parse(str(PACKAGED / BPMN))
    ends = {node.get("id") for node in root.iterfind(".//{*}process/{*}endEvent")}
    assert ends == set(EXPECTED_END.values()) - {None}


def test_every_flow_element_has_diagram_interchange():
    root = etree.parse(str(PACKAGED / BPMN))
    containers = [root.find(".//{*}process"), *root.iter("{*}subProcess")]
    elements = {node.get("id") for container in containers for node in container
                if node.get("id") and etree.QName(node).localname not in ("laneSet", "dataObject")}  # no DI
    drawn = {node.get("bpmnElement") for node in root.iter("{*}BPMNShape", "{*}BPMNEdge")}
    assert len(elements) >= 50 and sorted(elements - drawn) == []


# --------------------------------------------------------------------------------------------------
# Focused checks.

@pytest.mark.parametrize("staff_no", ["QP0009", "QP0041"])
def test_window_dates_follow_the_2025_retirement_reform(bureau, staff_no):
    """QP0009 is a man born 1968-09 (60 + 12 months), QP0041 a woman cadre born 1972-10 (55 + 12 months)."""
    run = steps.start(bureau, staff_no)
    data = run.data()
    with bureau.sessions() as session:
        cadre = cadre_records.find_cadre(session, staff_no)
        facts = next(f for f in cadre_records.all_facts(session) if f.cadre_id == staff_no)
    retires = statutory_retirement_month(cadre.birth_date, cadre.retirement_category)
    assert data["statutory_retirement_month"] == retires.isoformat()
    assert data["window_open"] == add_years(retires, -5).isoformat()
    assert data["window_due"] == add_years(retires, -3).isoformat()
    window = second_line_window(facts, bureau.clock.now().date())
    assert (window.opens.isoformat(), window.due.isoformat()) == (data["window_open"], data["window_due"])
    if data["window_due"] > bureau.clock.now().date().isoformat():
        assert run.timers() == {"decision_overdue": beijing(f"{data['window_due']} 00:00")}
        assert run.pending() == ["prepare_proposal"]
    else:  # already past its due date: straight to the secretary
        assert run.pending() == ["escalate_overdue"]


def test_the_window_of_a_man_born_1968_09(bureau):
    data = steps.start(bureau).data()
    assert (data["statutory_retirement_month"], data["window_open"], data["window_due"]) == (
        "2029-09-01", "2024-09-01", "2026-09-01")


def test_exit_removes_the_leadership_post_and_keeps_the_rank(bureau):
    with bureau.sessions() as session:
        before = cadre_records.find_cadre(session, steps.IN_WINDOW).current_post
        rank, section = before.civil_service_rank, before.section_id
    assert before.is_leadership and rank == "二级主任科员"
    exit_with_filing(bureau)
    with bureau.sessions() as session:
        cadre = cadre_records.find_cadre(session, steps.IN_WINDOW)
        post = cadre.current_post
        assert (post.title, post.is_leadership, post.level) == ("专项工作督导", False, None)
        assert (post.civil_service_rank, post.section_id) == (rank, section)
        assert (post.start_date, post.appointment_mode) == (date(2026, 3, 16), "second_line")
        old = next(p for p in cadre.posts if p.title == "科长")
        assert old.end_date == date(2026, 3, 16)


def test_escalation_goes_to_the_secretary_when_the_due_date_passes(bureau):
    run = steps.start(bureau)
    steps.propose_exit(run)
    assert run.pending() == ["talk_with_cadre"]
    assert run.wait_for("decision_overdue") == beijing("2026-09-01 00:00")
    rows = run.open_tasks()
    assert [(row.bpmn_id, row.lane) for row in rows] == [("escalate_overdue", "party_secretary")]
    with pytest.raises(InvalidData) as refused:  # the new deadline must lie after the one missed
        run.do("escalate_overdue", {"escalation_directive": "限期研究", "decision_deadline": "2026-08-01"},
               by="secretary")
    assert set(refused.value.errors) == {"decision_deadline"}
    run.do("escalate_overdue", {"escalation_directive": "限期研究", "decision_deadline": "2026-10-09"}, by="secretary")
    assert run.pending() == ["prepare_proposal"]
    assert run.timers() == {"decision_overdue": beijing("2026-10-09 00:00")}
    assert run.data()["escalations"] == 1
    assert run.replays()


def test_a_case_started_after_the_due_date_goes_to_the_secretary_at_once(bureau):
    run = steps.start(bureau, "QP0041")  # woman cadre born 1972-10: due 2025-07-01, already past
    assert run.pending() == ["escalate_overdue"]
    with pytest.raises(InvalidData, match="新的决定期限须晚于已逾期的期限"):
        run.do("escalate_overdue", {"escalation_directive": "限期研究", "decision_deadline": "2025-06-30"},
               by="secretary")
    run.do("escalate_overdue", {"escalation_directive": "限期研究", "decision_deadline": "2026-04-30"}, by="secretary")
    assert run.pending() == ["prepare_proposal"]
    assert run.timers() == {"decision_overdue": beijing("2026-04-30 00:00")}


@pytest.mark.parametrize(("step", "data", "field"), [
    ("prepare_proposal", {"proposal": "exit", "proposal_reasons": "离法定退休年龄已不足五年，按规定退出"},
     "proposed_post_title"),
    ("prepare_proposal", {"proposal": "exit", "proposal_reasons": "离法定退休年龄已不足五年，按规定退出",
                          "proposed_post_title": "科长"}, "proposed_post_title"),
    ("prepare_proposal", {"proposal": "retain", "proposal_reasons": "数据资源整合攻坚任务尚未完成",
                          "retain_reason": "牵头负责全区公共数据平台建设", "retain_until": "2029-10-01"},
     "retain_until"),
    ("prepare_proposal", {"proposal": "retain", "proposal_reasons": "数据资源整合攻坚任务尚未完成",
                          "retain_until": "2026-09-01"}, "retain_reason"),
])
def test_proposal_rules_refuse_bad_input(bureau, step, data, field):
    run = steps.start(bureau)
    with pytest.raises(InvalidData) as refused:
        run.do(step, data)
    assert field in refused.value.errors
    assert run.pending() == ["prepare_proposal"]


def test_the_exit_date_may_not_precede_the_decision(bureau):
    run = steps.start(bureau)
    steps.propose_exit(run)
    steps.decide(run, day="2026-03-10")
    with pytest.raises(InvalidData) as refused:
        run.do("removal_notice", {"removal_document_no": "青数党〔2026〕8号", "notice_date": "2026-03-11",
                                  "exit_date": "2026-03-09", "filing_required": False})
    assert set(refused.value.errors) == {"exit_date"}
    assert "党组会议决定日期" in refused.value.errors["exit_date"]


def test_the_procedure_starts_only_for_a_cadre_of_the_registry(bureau):
    with pytest.raises(InvalidData) as refused:
        bureau.start(steps.PROCESS, {"trigger": "manual"}, title="到龄退二线")
    assert set(refused.value.errors) == {"cadre"}
    with pytest.raises(InvalidData) as refused:  # a scan start says which scan found the cadre
        bureau.start(steps.PROCESS, {"trigger": "window_scan"}, cadre=steps.IN_WINDOW)
    assert set(refused.value.errors) == {"scan_date"}
