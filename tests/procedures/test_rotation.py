"""The rotation procedure (bpmn/rotation_approval.bpmn) driven through the command layer, every path of it."""

from datetime import date

import pytest

from tests.procedures import rotation_steps as steps
from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from tests.procedures.driver import beijing
from workflows.engine.clock import FixedClock
from workflows.errors import InvalidData
from workflows.registry import cadre_records

# A 四级主任科员 of 办公室 (no leadership post) whom the tests put in a 财务 post since 2015.
KEY_POST_CADRE = "QP0004"


@pytest.fixture
def clock():
    return FixedClock(beijing(steps.DAY_ONE))


@pytest.fixture
def bureau(sessions, clock):
    return Bureau(sessions, clock, ["rotation_approval.bpmn"])


def scan_rotation(bureau: Bureau) -> CaseRun:
    """Ten years as 办公室科长: screened, planned, consulted, approved, handed over in time, filed."""
    run = steps.start(bureau, "QP0001")
    steps.approved(run, "SJYY", "科长")
    steps.notify(run, "2026-09-28")
    steps.hand_over(run, "2026-10-14")
    return run


def not_transferable(bureau: Bureau) -> CaseRun:
    """Unsuitable for the post but still on probation: not transferable, the case ends."""
    run = steps.start(bureau, "QP0003", "unsuitable")
    steps.screen(run, exclusion="probation")
    return run


def deferred_then_rejected(bureau: Bureau) -> CaseRun:
    """A deferral granted until December, a second one refused; inspection; no quorum once; the vote fails."""
    run = steps.start(bureau, "QP0043")
    steps.screen(run)
    steps.plan(run, "WLAQ", "副科长", defer=True)
    steps.deferral(run, True, "2026-09-08", until="2026-12-01")
    run.wait_for("deferral_period")
    steps.plan(run, "WLAQ", "副科长", defer=True, inspection=True)
    steps.deferral(run, False, "2026-12-03")
    steps.consult(run, "2026-12-07")
    steps.inspect(run)
    steps.meeting(run, "2026-12-14", present=steps.MEMBERS[:3])  # 4 of 7 (with the secretary): no quorum
    steps.meeting(run, "2026-12-15")
    steps.vote(run, {m: "reject" if i < 4 else "approve" for i, m in enumerate(steps.MEMBERS)})
    return run


def late_handover(bureau: Bureau) -> CaseRun:
    """Section penalty: the vote is deferred and the plan revised; the handover is late, education, then done."""
    run = steps.start(bureau, "QP0049", "section_penalty")
    steps.screen(run)
    steps.plan(run, "SJZY", "科长")
    steps.consult(run)
    steps.meeting(run, "2026-09-14")
    steps.vote(run, {m: "defer" if i < 4 else "approve" for i, m in enumerate(steps.MEMBERS)})
    steps.plan(run, "ZCFG", "科长")
    steps.consult(run, "2026-09-16", attitude="objects")
    steps.decide(run, "2026-09-21")
    steps.notify(run, "2026-09-28")
    steps.overdue(run)
    steps.educate(run, "complied", "2026-10-16")
    steps.hand_over(run, "2026-10-20")
    return run


def refusal_demotion(bureau: Bureau) -> CaseRun:
    """Refuses to hand over; a first demotion motion fails, the second passes; referred for a sanction."""
    run = steps.start(bureau, "QP0057")
    steps.approved(run, "JCFW", "科长")
    steps.notify(run, "2026-09-28")
    steps.overdue(run)
    steps.educate(run, "serious", "2026-10-16")
    steps.propose_sanction(run, "demotion", "副科长", "deputy_section_chief", refer=True)
    steps.decide(run, "2026-10-19", ballot="reject")
    steps.educate(run, "serious", "2026-10-20")
    steps.propose_sanction(run, "demotion", "副科长", "deputy_section_chief", refer=True)
    steps.decide(run, "2026-10-22")
    steps.sanction(run, "2026-10-23", refer=True)
    return run


def refusal_removal(bureau: Bureau) -> CaseRun:
    """Unsuitable 副科长 refuses to hand over: removed from the leadership post, not referred."""
    run = steps.start(bureau, "QP0050", "unsuitable")
    steps.approved(run, "SZJJ", "副科长")
    steps.notify(run, "2026-09-28")
    steps.overdue(run)
    steps.educate(run, "serious", "2026-10-16")
    steps.propose_sanction(run, "removal", "一级主任科员", "", refer=False)
    steps.decide(run, "2026-10-19")
    steps.sanction(run, "2026-10-20", refer=False)
    return run


def refused_at_notice(bureau: Bureau) -> CaseRun:
    """Refuses outright when told of the decision: education at once, no waiting for the handover deadline; removed."""
    run = steps.start(bureau, "QP0017", "unsuitable")
    steps.approved(run, "SZJJ", "科长")
    steps.refuse_at_notice(run, "2026-09-28")
    steps.educate(run, "serious", "2026-09-29")
    steps.propose_sanction(run, "removal", "二级主任科员", "", refer=False)
    steps.decide(run, "2026-09-30")
    steps.sanction(run, "2026-10-08", refer=False)
    return run


def refused_during_handover(bureau: Bureau) -> CaseRun:
    """Refuses to hand over a week into the ten working days: education at once, complies, hands over, filed."""
    run = steps.start(bureau, "QP0025", "other")
    steps.approved(run, "XXJS", "科长")
    steps.notify(run, "2026-09-28")
    steps.refuse_during_handover(run, "2026-10-09")
    steps.educate(run, "complied", "2026-10-09")
    steps.hand_over(run, "2026-10-16")
    return run


def key_post_rotation(bureau: Bureau) -> CaseRun:
    """Eleven years in a non-leadership 财务 post: the ten-year scan applies; rotated to a post of another kind."""
    run = steps.start(bureau, steps.key_post(bureau, KEY_POST_CADRE))
    steps.screen(run)
    steps.plan(run, "JCFW", "四级主任科员", category="other")
    steps.consult(run)
    steps.decide(run, "2026-09-21")
    steps.notify(run, "2026-09-28")
    steps.hand_over(run, "2026-10-12")
    return run


SCENARIOS = {
    "scan_rotation": scan_rotation, "not_transferable": not_transferable,
    "deferred_then_rejected": deferred_then_rejected, "late_handover": late_handover,
    "refusal_demotion": refusal_demotion, "refusal_removal": refusal_removal,
    "refused_at_notice": refused_at_notice, "refused_during_handover": refused_during_handover,
    "key_post_rotation": key_post_rotation,
}
EXPECTED_END = {
    "scan_rotation": "end_rotated", "not_transferable": "end_not_transferable",
    "deferred_then_rejected": "end_not_approved", "late_handover": "end_rotated",
    "refusal_demotion": "end_sanctioned", "refusal_removal": "end_sanctioned",
    "refused_at_notice": "end_sanctioned", "refused_during_handover": "end_rotated", "key_post_rotation": "end_rotated",
}
# The registry after the case: (cadre, section, title, level, appointment mode, start of the post); None: unchanged.
# A transfer counts from the party group's decision (the default policy), a demotion from its effective date.
EXPECTED_POST = {
    "scan_rotation": ("QP0001", "SJYY", "科长", "section_chief", "transfer", "2026-09-21"),
    "late_handover": ("QP0049", "ZCFG", "科长", "section_chief", "transfer", "2026-09-21"),
    "refused_at_notice": ("QP0017", "ZCFG", "二级主任科员", None, "demotion", "2026-10-08"),
    "refused_during_handover": ("QP0025", "XXJS", "科长", "section_chief", "transfer", "2026-09-21"),
    "key_post_rotation": (KEY_POST_CADRE, "JCFW", "四级主任科员", None, "transfer", "2026-09-21"),
    "refusal_demotion": ("QP0057", "GGSJ", "副科长", "deputy_section_chief", "demotion", "2026-10-23"),
    "refusal_removal": ("QP0050", "WLAQ", "一级主任科员", None, "demotion", "2026-10-20"),
}


def current_post(bureau: Bureau, staff_no: str):
    with bureau.sessions() as session:
        post = cadre_records.find_cadre(session, staff_no).current_post
        return post, post.section.code


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(bureau, name):
    run = SCENARIOS[name](bureau)
    assert run.ended_at() == EXPECTED_END[name]
    assert run.status == "completed"
    assert run.replays()
    if name in EXPECTED_POST:
        staff_no, section, title, level, mode, started = EXPECTED_POST[name]
        post, code = current_post(bureau, staff_no)
        assert (code, post.title, post.level, post.appointment_mode) == (section, title, level, mode)
        assert post.start_date == post.same_post_start == date.fromisoformat(started)


def test_every_flow_of_the_model_is_taken(bureau):
    runs = [scenario(bureau) for scenario in SCENARIOS.values()]
    assert all(run.replays() for run in runs)
    taken, every = bureau.flows("rotation_approval")
    assert sorted(every - taken) == [], f"flows no test takes: {sorted(every - taken)}"


def test_handover_deadline_counts_working_days_across_national_day(bureau):
    run = steps.start(bureau, "QP0001")
    steps.approved(run, "SJYY", "科长")
    steps.notify(run, "2026-09-28")
    # 9-28..9-30, then 10-8, 10-9, the make-up Saturday 10-10 and 10-12..10-15: ten working days.
    assert run.timers() == {"handover_overdue": beijing("2026-10-16 00:00")}
    data = run.data()
    assert (data["handover_from"], data["handover_due"], data["handover_provisional"]) == (
        "2026-09-28", "2026-10-15", False)
    assert data["calendar_version"].startswith("chinesecalendar")
    with pytest.raises(InvalidData) as refused:
        steps.hand_over(run, "2026-10-16")
    assert set(refused.value.errors) == {"handover_date"}


def test_completed_rotation_writes_the_new_post_from_the_decision_and_resets_the_same_post_date(bureau):
    before, _ = current_post(bureau, "QP0001")
    assert before.same_post_start == date(2015, 11, 1)
    run = scan_rotation(bureau)
    post, code = current_post(bureau, "QP0001")
    # 2014 条例 第四十四条: the term counts from the party group's decision (2026-09-21), not the handover (10-14).
    assert (code, post.title, post.appointment_mode, post.same_post_start, post.start_date) == (
        "SJYY", "科长", "transfer", date(2026, 9, 21), date(2026, 9, 21))
    assert (post.decision_date, post.notice_date) == (date(2026, 9, 21), date(2026, 9, 28))
    assert (run.data()["new_post_counts_from"], run.data()["new_post_start"]) == ("decision", "2026-09-21")
    with bureau.sessions() as session:
        cadre = cadre_records.find_cadre(session, "QP0001")
        old = next(p for p in cadre.posts if p.end_date is not None)
        assert (old.section.code, old.title, old.end_date) == ("BGS", "科长", date(2026, 9, 21))


def test_refusal_ends_in_a_demotion_on_the_registry(bureau):
    run = refusal_demotion(bureau)
    post, code = current_post(bureau, "QP0057")
    assert (code, post.title, post.level, post.is_leadership, post.appointment_mode) == (
        "GGSJ", "副科长", "deputy_section_chief", True, "demotion")
    data = run.data()
    assert (data["agenda"], data["vote_passed"], data["discipline_result"]) == ("sanction", True, "sanctioned")


def test_forms_refuse_what_the_rules_forbid(bureau):
    # QP0002 has held the post since 2018: the 10-year scan cannot be the reason.
    run = steps.start(bureau, "QP0002")
    with pytest.raises(InvalidData) as refused:
        steps.screen(run)
    assert set(refused.value.errors) == {"screened_on"}
    run = steps.start(bureau, "QP0001")
    steps.screen(run)
    with pytest.raises(InvalidData) as refused:
        steps.plan(run, "BGS", "科长")  # the same post is no rotation
    assert set(refused.value.errors) == {"target_title"}
    steps.plan(run, "SJYY", "科长")
    steps.consult(run)
    steps.decide(run, "2026-09-21")
    steps.notify(run)
    steps.overdue(run)
    steps.educate(run, "serious", "2026-10-16")
    with pytest.raises(InvalidData) as refused:  # a 科长 cannot be "demoted" to another 科长 post
        steps.propose_sanction(run, "demotion", "副主任", "section_chief", refer=False)
    assert set(refused.value.errors) == {"demotion_level"}
    assert run.pending() == ["sanction_proposal"]


def test_a_rotation_case_must_concern_a_cadre(bureau):
    with pytest.raises(InvalidData) as refused:
        bureau.start("rotation_approval", {"trigger_reason": "other", "trigger_note": "无对象"}, title="无对象的轮岗")
    assert set(refused.value.errors) == {"cadre"}
