"""The sixteen-step selection (bpmn/cadre_selection.bpmn) driven through the command layer, every path of it."""

from datetime import date

import pytest

from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from workflows.registry import cadre_file
from workflows.registry import cadre_records
from workflows.registry import edit

MEMBERS = steps.MEMBERS
ALL_APPROVE = {member: "approve" for member in MEMBERS}


MODELS = ["cadre_selection.bpmn"]


def appointed_and_confirmed(bureau):
    """Upper report, a recommendation below 2/3 held again, a recused member, a minor complaint, confirmation."""
    run = steps.start(bureau)
    steps.to_work_plan(run, upper_report=True)
    steps.to_candidates(run, exceptional=True, attended_first=15)
    steps.determine(run)
    steps.inspect(run)
    steps.propose(run)
    steps.meeting(run, recused=["member6"])
    steps.vote(run, {member: "approve" for member in MEMBERS[:5]})
    steps.publish(run)
    steps.complain(run, "minor")
    run.do("reminder_talk", {"reminder_date": "2026-09-30", "reminder_by": "secretary",
                             "reminder_content": "提醒改进作风"}, by="secretary")
    run.wait_for("publicity_period")
    steps.appoint(run)
    steps.probation(run, "confirmed")
    return run


def no_vacancy(bureau):
    run = steps.start(bureau)
    run.do("analysis", {**steps.ANALYSIS, "vacancy_exists": False, **steps.terminating("核定职数已满，无空缺")})
    return run


def motion_declined(bureau):
    run = steps.start(bureau)
    run.do("analysis", steps.ANALYSIS)
    run.do("motion", steps.MOTION)
    run.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动",
                              **steps.terminating("本年度职数另有安排")}, by="secretary")
    return run


def upper_level_refuses(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run, upper_report=True, upper_agreed=False)
    return run


def nobody_eligible(bureau):
    """Everyone on the roster is excluded by the registry; the plan is revised once, then the case ends."""
    run = steps.start(bureau)
    steps.to_work_plan(run)
    run.do("work_plan", steps.WORK_PLAN)
    run.do("eligibility_screening", steps.screening(["QP0011", "QP0037"]))
    run.do("no_candidate_decision", {"no_candidate_decision": "revise_plan", "no_candidate_opinion": "扩大推荐范围"},
           by="secretary")
    run.do("work_plan", steps.WORK_PLAN)
    run.do("eligibility_screening", steps.screening(["QP0011"]))
    run.do("no_candidate_decision", {"no_candidate_decision": "terminate", "no_candidate_opinion": "终止",
                                     **steps.terminating("无合格人选")},
           by="secretary")
    return run


def candidate_sanctioned_after_recommendation(bureau):
    """A sanction entered after the recommendation excludes the only inspection candidate when it is fixed."""
    run = steps.start(bureau, policy=steps.SINGLE_CANDIDATE_ALLOWED)
    steps.to_work_plan(run)
    steps.to_candidates(run, reference=("QP0003", "QP0012"))
    with bureau.sessions.begin() as session:
        cadre = cadre_records.find_cadre(session, "QP0012")
        edit.record_sanction(session, bureau.people["organiser"], bureau.clock.now(), cadre.id, "诫勉",
                                      date(2026, 9, 7), date(2027, 3, 7))
    steps.determine(run, candidates=["QP0012"])
    run.do("no_candidate_decision", {"no_candidate_decision": "terminate", "no_candidate_opinion": "终止",
                                     **steps.terminating("无合格人选")},
           by="secretary")
    return run


def not_passed(bureau):
    """A candidate leaves at the dossier check, no proposal, a meeting without quorum, then a vote that fails."""
    run = steps.start(bureau, policy=steps.SINGLE_CANDIDATE_ALLOWED)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    steps.determine(run)
    steps.inspect(run, rows={"dossier_review": {"QP0010": steps.dossier_row(run, "QP0010", "issue")}})
    run.do("inspection_conclusion", {"proposal_ready": False, "conclusion_summary": "档案存在问题，重新研究"})
    steps.determine(run, candidates=["QP0003"], day="2026-09-15")  # one candidate: this bureau allows it
    steps.inspect(run, notice_date="2026-09-16")
    steps.propose(run)
    steps.meeting(run, present=MEMBERS[:3])
    steps.meeting(run, day="2026-09-24")
    steps.vote(run, {**ALL_APPROVE, "member1": "reject", "member2": "reject", "member3": "reject",
                     "member4": "reject"}, secretary="reject")
    return run


def deferred_then_rejected_after_publicity(bureau):
    run = steps.to_vote(bureau)
    steps.vote(run, {**ALL_APPROVE, "member1": "defer", "member2": "defer", "member3": "defer"}, secretary="defer")
    run.do("deferral_review", {"additional_findings": "补充了解了工作实绩"})
    steps.meeting(run, day="2026-09-25")
    steps.vote(run, ALL_APPROVE)
    steps.publish(run, "2026-09-29")
    steps.complain(run, "serious")
    return run


def suspended(bureau) -> steps.CaseRun:
    """Approved, published, and a complaint that cannot be verified quickly suspends the appointment."""
    run = steps.to_vote(bureau, appointee="QP0010")  # not QP0003, whom an earlier story of a shared registry appoints
    steps.vote(run, ALL_APPROVE)
    steps.publish(run)
    steps.complain(run, "unverified")
    return run


def suspended_then_cleared(bureau):
    """A suspension cleared by the check, decided again, appointed, then the probation fails."""
    run = suspended(bureau)
    run.do("suspension_review", {"suspension_findings": "经查反映不实"}, by="discipline", hours=24 * 20)
    steps.meeting(run, day="2026-10-26")
    steps.vote(run, ALL_APPROVE)
    steps.publish(run, "2026-10-27")
    steps.complain(run, "unfounded", concluded_on="2026-10-28")
    run.wait_for("publicity_period")  # the second publicity ends on 2026-11-02
    steps.appoint(run, ("2026-11-03", "2026-11-04", "2026-11-05"))
    steps.probation(run, "failed", decided_on="2027-10-27", return_date="2027-10-28")  # a year from 2026-10-26
    return run


def suspension_runs_out(bureau):
    """Three months of suspension pass without a conclusion: the case goes back to the party group."""
    run = suspended(bureau)
    run.wait_for("suspension_limit")
    assert run.pending() == ["party_group_meeting"]
    return run


def deferred_past_a_year(bureau):
    """A deferral reviewed more than a year after the recommendation: the recommendation is held again."""
    run = steps.to_vote(bureau)
    steps.vote(run, {**ALL_APPROVE, "member1": "defer", "member2": "defer", "member3": "defer"}, secretary="defer")
    run.do("deferral_review", {"additional_findings": "长期未能补充材料"}, hours=24 * 370)
    assert run.pending() == ["interview_recommendation"]
    return run


def three_candidates(bureau):
    """Three inspection candidates for one post: one leaves at 考察 (不建议任用), one is not chosen, one appointed.

    Not simply by votes: the party group proposes 孔浩俊 (QP0018), third in the recommendation.
    """
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run, reference=steps.THREE)
    steps.determine(run, candidates=steps.THREE, present=MEMBERS[:2])  # 3 of 7 present: held again
    steps.determine(run, candidates=steps.THREE, day="2026-09-09")
    steps.inspect(run, notice_date="2026-09-10", rows={"organizational_inspection": {
        "QP0003": {**steps.PASSING["organizational_inspection"]("QP0003"), "recommendation": "not_recommend",
                   "reason": "群众公认度不高"}}})
    steps.propose(run, appointee="QP0018")
    steps.meeting(run)
    steps.vote(run, ALL_APPROVE)
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    steps.probation(run, "confirmed")
    return run


def lateral_appointment(bureau):
    """A 正科 section head appointed to another 科长 post: no probation year."""
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run, reference=("QP0009", "QP0010"))
    steps.determine(run, candidates=("QP0009", "QP0010"))
    steps.inspect(run)
    steps.propose(run, appointee="QP0009")
    steps.meeting(run)
    steps.vote(run, ALL_APPROVE)
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    return run


def competitive(bureau):
    """竞争上岗: registration, screening of the applicants, written and interview scores, then ⑦."""
    run = steps.start(bureau)
    steps.to_work_plan(run, method="competitive")
    steps.compete(run, applicants=steps.THREE)
    steps.determine(run, candidates=steps.THREE[:2], day="2026-09-10")
    return run


def everyone_leaves_at_the_checks(bureau):
    """Both inspection candidates fail a check: the party group picks another recommended cadre."""
    run = steps.start(bureau, policy=steps.SINGLE_CANDIDATE_ALLOWED)
    steps.to_work_plan(run)
    steps.to_candidates(run, reference=steps.THREE)
    steps.determine(run, candidates=("QP0003", "QP0010"))
    steps.inspect(run, rows={"complaint_check": {
        staff_no: {"staff_no": staff_no, "complaints_received": 1, "complaints_result": "serious",
                   "complaints_note": "反映的问题查实"} for staff_no in ("QP0003", "QP0010")}})
    run.do("no_candidate_decision", {"no_candidate_decision": "redetermine", "no_candidate_opinion": "另行确定"},
           by="secretary")
    steps.determine(run, candidates=("QP0018",), day="2026-09-25")
    return run


def probation_extended_by_leave(bureau):
    """Eight months of sick leave in the probation year: the year is extended by the leave, then confirmed."""
    run = steps.to_vote(bureau, appointee="QP0026", reference=("QP0026", "QP0010"))
    steps.vote(run, ALL_APPROVE)
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    with bureau.sessions.begin() as session:
        cadre = cadre_records.find_cadre(session, "QP0026")
        cadre_file.add(session, bureau.people["organiser"], bureau.clock.now(), cadre_file.LEAVE, cadre.id,
                       {"leave_kind": "sick", "leave_start": date(2026, 11, 1), "leave_end": date(2027, 6, 30)})
    run.wait_for("probation_year")
    review = {"probation_excellent": 20, "probation_competent": 5, "probation_basic": 0, "probation_incompetent": 0,
              "probation_assessment": "试用期考核", "probationer": "QP0026", "probation_proposal": "confirm"}
    run.do("probation_review", review)
    assert run.data()["probation_over"] == "2028-05-20"  # 2027-09-21 and the 242 days of leave
    run.wait_for("probation_extension")
    run.do("probation_review", review)
    run.do("probation_decision", {"probation_result": "confirmed", "probation_decided_on": "2028-05-22",
                                  "probation_opinion": "党组研究决定"}, by="secretary")
    return run


SCENARIOS = {
    "appointed_and_confirmed": (appointed_and_confirmed, "end_appointed_confirmed"),
    "no_vacancy": (no_vacancy, "end_no_vacancy"),
    "motion_declined": (motion_declined, "end_cancelled_at_motion"),
    "upper_level_refuses": (upper_level_refuses, "end_cancelled_at_motion"),
    "nobody_eligible": (nobody_eligible, "end_no_eligible_candidate"),
    "candidate_sanctioned_after_recommendation": (candidate_sanctioned_after_recommendation,
                                                  "end_no_eligible_candidate"),
    "not_passed": (not_passed, "end_not_passed"),
    "deferred_then_rejected_after_publicity": (deferred_then_rejected_after_publicity, "end_rejected_after_publicity"),
    "suspended_then_cleared": (suspended_then_cleared, "end_probation_failed"),
    "suspension_runs_out": (suspension_runs_out, None),
    "deferred_past_a_year": (deferred_past_a_year, None),
    "three_candidates": (three_candidates, "end_appointed_confirmed"),
    "lateral_appointment": (lateral_appointment, "end_appointed_lateral"),
    "competitive": (competitive, None),
    "everyone_leaves_at_the_checks": (everyone_leaves_at_the_checks, None),
    "probation_extended_by_leave": (probation_extended_by_leave, "end_appointed_confirmed"),
}


# The ends a refusal or a failed decision reaches: the case shows as 已终止, not 已办结.
TERMINATED = {"end_no_vacancy", "end_cancelled_at_motion", "end_no_eligible_candidate", "end_not_passed",
              "end_rejected_after_publicity"}


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_path_ends_where_it_should_and_replays(bureau, name):
    walk, end = SCENARIOS[name]
    run = walk(bureau)
    assert run.ended_at() == end
    assert run.status == ("completed" if end else "running")
    assert (run.case.end_event, run.case.outcome) == (
        (end, "terminated" if end in TERMINATED else "completed") if end else (None, None))
    assert run.replays()


def test_every_flow_of_the_model_is_taken(bureau, clock):
    for walk, _end in SCENARIOS.values():
        clock.at = START  # each story starts on the same day; the cases share one database
        walk(bureau)
    taken, every = bureau.flows("cadre_selection")
    assert sorted(every - taken) == [], f"flows no test takes: {sorted(every - taken)}"
