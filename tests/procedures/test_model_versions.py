"""A case started on an earlier model finishes on it after the new model is deployed (its forms included)."""

from pathlib import Path

from tests.procedures import selection_steps as steps
from tests.procedures.driver import PACKAGED
from workflows.processes import deploy

MODELS: list[str] = []
# cadre_selection.bpmn and its forms as they were before decisions became explicit choices (commit 1f8bdd2).
EARLIER = Path(__file__).resolve().parents[1] / "data" / "cadre_selection_v1" / "cadre_selection.bpmn"


def deployed(bureau, path: Path) -> int:
    with bureau.sessions.begin() as session:
        return deploy.deploy(session, deploy.bundle_from_paths([path]), bureau.people["organiser"],
                             bureau.clock.now())[0].version


def test_a_case_on_the_earlier_model_finishes_on_it_and_new_cases_take_the_new_one(bureau):
    assert deployed(bureau, EARLIER) == 1
    old = steps.start(bureau)
    old.do("analysis", steps.ANALYSIS)
    old.do("motion", steps.MOTION)
    assert deployed(bureau, PACKAGED / "cadre_selection.bpmn") == 2
    # The earlier form still governs the earlier case: its tick box, no reason, no confirmation.
    old.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动"}, by="secretary")
    case = old.case
    assert (case.spec.version, case.status, case.end_event) == (1, "completed", "end_cancelled_at_motion")
    assert case.outcome == "completed"  # the earlier model marks no end as a termination
    assert old.replays()
    new = steps.start(bureau)
    new.do("analysis", steps.ANALYSIS)
    new.do("motion", steps.MOTION)
    assert new.case.spec.version == 2
    new.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动",
                              "termination_reason": "暂不启动", "termination_confirmed": True}, by="secretary")
    assert (new.case.outcome, new.case.end_name) == ("terminated", "动议终止")


# The three models as they were before the selection worked per candidate (one inspection result for all).
ONE_CANDIDATE = Path(__file__).resolve().parents[1] / "data" / "models_one_candidate"


def test_a_selection_on_the_one_candidate_model_finishes_on_it_after_the_per_candidate_model_is_deployed(bureau):
    deployed(bureau, ONE_CANDIDATE / "cadre_selection.bpmn")
    old = steps.start(bureau)
    steps.to_work_plan(old)
    old.do("work_plan", steps.WORK_PLAN)
    old.do("eligibility_screening", steps.screening([*steps.ROSTER, "QP0003", "QP0010"]))
    old.do("interview_recommendation", {"talks_held": 20, "talk_summary": "谈话调研 20 人",
                                        "reference_list": ["QP0003", "QP0010"]})
    old.do("meeting_recommendation", {
        "meeting_date": "2026-09-04", "range_size": 30, "attended": 25, "ballots_issued": 25, "ballots_returned": 25,
        "ballots_valid": 25, "tally": [{"staff_no": "QP0003", "votes": 21}, {"staff_no": "QP0010", "votes": 4}],
        "counted_by": ["organiser", "inspector"]})
    new_version = deployed(bureau, PACKAGED / "cadre_selection.bpmn")
    assert new_version == old.case.spec.version + 1
    old.do("determine_candidates", {"study_date": "2026-09-08", "inspection_candidates": ["QP0003", "QP0010"],
                                    "determination_reasons": "综合推荐情况"})
    old.do("inspection_notice", {"notice_date": "2026-09-09", "notice_working_days": 1, "inspection_team": steps.TEAM,
                                 "hotline": "021-59700000", "notice_text": "预告"})
    old.wait_for("notice_period")
    old.do("organizational_inspection", {
        "talks_count": 25, "evaluation_excellent": 18, "evaluation_competent": 6, "evaluation_basic": 1,
        "evaluation_incompetent": 0, "inspection_findings": "政治素质好，工作实绩突出",
        "inspection_recommendation": "recommend", "signed_by": steps.TEAM})
    old.do("dossier_review", {"dossier_result": "ok", "dossier_note": "三龄二历一身份审核"})
    old.do("personal_matters_check", {"personal_matters_result": "consistent", "personal_matters_note": "一致"})
    old.do("discipline_opinion", {"discipline_result": "clear", "integrity_conclusion": "良好",
                                  "signed_by_secretary_and_head": True})
    old.do("complaint_check", {"complaints_received": 0, "complaints_result": "none", "complaints_note": "无举报"})
    steps.propose(old)
    steps.meeting(old)
    steps.vote(old, {member: "approve" for member in steps.MEMBERS})
    steps.publish(old)
    old.wait_for("publicity_period")
    steps.appoint(old)
    old.wait_for("probation_year")
    old.do("probation_review", {"probation_excellent": 20, "probation_competent": 5, "probation_basic": 0,
                                "probation_incompetent": 0, "probation_assessment": "试用期考核",
                                "probation_proposal": "confirm"})
    old.do("probation_decision", {"probation_result": "confirmed", "probation_decided_on": "2027-09-22",
                                  "probation_opinion": "党组研究决定"}, by="secretary")
    case = old.case
    assert (case.spec.version, case.status, case.end_event) == (new_version - 1, "completed", "end_appointed_confirmed")
    assert old.replays()
    new = steps.start(bureau)
    assert new.case.spec.version == new_version
