"""The consistency rules under test: each form's consistent submission and case data, and per rule a value it
must refuse and the boundary value it must take (tests/workflows/test_consistency_rules.py runs them)."""

from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "bpmn" / "forms"
AT = datetime(2026, 9, 15, 2, 0, tzinfo=UTC)  # 2026-09-15 10:00 in Beijing: "a month from today" is 2026-10-15
PROBATION_AT = datetime(2027, 9, 21, 2, 0, tzinfo=UTC)


class Form(NamedTuple):
    data: dict  # a consistent submission
    context: dict  # the case data so far
    at: datetime = AT


FORM = {
    "selection_screening": Form({"announced_on": "2026-09-02", "announcement": "公布职位", "roster": ["QP0003"]}, {}),
    "selection_meeting_recommendation": Form(
        {"meeting_date": "2026-09-04", "range_size": 30, "attended": 25, "ballots_issued": 25, "ballots_returned": 25,
         "valid_leaders": 3, "valid_middle": 10, "valid_other": 11,
         "tally": [{"staff_no": "QP0003", "votes_leaders": 3, "votes_middle": 8, "votes_other": 9},
                   {"staff_no": "QP0010", "votes_leaders": 0, "votes_middle": 2, "votes_other": 2}],
         "counted_by": ["organiser", "inspector"]},
        {"announced_on": "2026-09-02", "reference_list": ["QP0003", "QP0010"]}),
    "selection_interview": Form(
        {"talks_leaders": 3, "talks_middle": 10, "talks_other": 7, "talk_summary": "谈话调研 20 人",
         "mentions": [{"staff_no": "QP0003", "mentions": 12, "listed": True},
                      {"staff_no": "QP0010", "mentions": 6, "listed": True}]},
        {"eligible_candidates": ["QP0003", "QP0010"]}),
    "selection_determine_candidates": Form(
        {"study_date": "2026-09-08", "members_present": ["member1", "member2", "member3", "member4"],
         "inspection_candidates": ["QP0003", "QP0010"], "determination_reasons": "综合推荐情况"},
        {"recommended_on": "2026-09-04", "recommended": ["QP0003", "QP0010", "QP0012"], "dropped_candidates": [],
         "policy": {"inspection_requires_more_candidates": True}}),
    "selection_inspection_notice": Form(
        {"notice_date": "2026-09-09", "notice_working_days": 1, "inspection_team": ["inspector", "organiser"],
         "hotline": "021-59700000", "notice_text": "拟进行考察"}, {"study_date": "2026-09-08"}),
    "selection_inspection_conclusion": Form(
        {"proposal_ready": True, "appointee": "QP0003", "conclusion_summary": "建议任命为数据资源科科长"},
        {"candidates": ["QP0003", "QP0010"]}),
    "selection_no_candidate": Form(
        {"no_candidate_decision": "redetermine", "no_candidate_opinion": "另行确定考察对象"},
        {"recommended": ["QP0003", "QP0010", "QP0012"], "dropped_candidates": ["QP0003"], "candidates": ["QP0010"]}),
    "selection_registration": Form(
        {"registration_opened_on": "2026-09-02", "registration_closed_on": "2026-09-04", "applicants": ["QP0003"]},
        {}),
    "selection_exam": Form(
        {"exam_date": "2026-09-07", "written_weight": 40, "exam_note": "按方案组织",
         "exam_scores": [{"staff_no": "QP0003", "written_score": 88, "interview_score": 90}]},
        {"registration_closed_on": "2026-09-04", "eligible_candidates": ["QP0003"]}),
    "selection_publicity_notice": Form(
        {"publicity_start": "2026-09-28", "publicity_scope": "局机关", "publicity_content": "拟任数据资源科科长"},
        {"decision_date": "2026-09-21"}),
    "selection_complaint_verification": Form(
        {"complaint_summary": "反映工作作风问题", "verification": "经核查", "complaint_outcome": "minor",
         "concluded_on": "2026-09-30"}, {"publicity_start": "2026-09-28"}),
    "selection_reminder_talk": Form(
        {"reminder_date": "2026-09-30", "reminder_by": "secretary", "reminder_content": "提醒改进作风"},
        {"concluded_on": "2026-09-30"}),
    "selection_appointment_notice": Form(
        {"document_no": "青数任〔2026〕5号", "notice_date": "2026-10-12"},
        {"publicity_end": "2026-10-09", "notice_date": "2026-09-09"}),
    "selection_appointment_talk": Form(
        {"talk_date": "2026-10-13", "talked_by": "secretary", "talk_content": "提出要求"},
        {"decision_date": "2026-09-21"}),
    "selection_filing": Form({"filed_on": "2026-10-14", "filing_materials": "请示、任免审批表"},
                             {"notice_date": "2026-10-12"}),
    "selection_probation_review": Form(
        {"probation_excellent": 20, "probation_competent": 5, "probation_basic": 0, "probation_incompetent": 0,
         "probation_assessment": "试用期考核", "probation_proposal": "confirm", "probationer": "QP0003"},
        {"appointee": "QP0003"}, PROBATION_AT),
    "selection_probation_decision": Form(
        {"probation_result": "confirmed", "probation_decided_on": "2027-09-22", "probation_opinion": "党组研究决定"},
        {"decision_date": "2026-09-21"}, PROBATION_AT),
    "rotation_screening": Form(
        {"screened_on": "2026-09-02", "exclusion": "none", "screening_opinion": "按干部信息库核对"},
        {"trigger_reason": "other", "cadre": {"is_leadership": True}}),
    "rotation_deferral_review": Form(
        {"deferral_approved": True, "deferral_decided_on": "2026-09-10", "defer_until": "2026-12-31",
         "deferral_opinion": "同意暂缓"}, {"screened_on": "2026-09-02"}),
    "rotation_consult_sections": Form(
        {"consulted_on": "2026-09-03", "outgoing_head": "QP0001", "outgoing_position": "agree",
         "outgoing_opinion": "同意", "receiving_head": "QP0002", "receiving_position": "agree",
         "receiving_opinion": "同意"},
        {"screened_on": "2026-09-02"}),
    "rotation_talk": Form(
        {"talk_date": "2026-09-03", "talked_by": "secretary", "cadre_attitude": "accepts",
         "cadre_views": "服从组织安排", "talk_record": "说明交流理由"}, {"screened_on": "2026-09-02"}),
    "rotation_issue_notice": Form(
        {"notice_document_no": "青数任〔2026〕8号", "notice_date": "2026-09-28", "handover_to": "QP0002",
         "notice_content": "经党组研究决定交流任职", "notice_response": "accepts"}, {"decision_date": "2026-09-21"}),
    "rotation_filing": Form({"filed_on": "2026-10-09", "filing_materials": "轮岗方案、交接清单"},
                            {"handover_date": "2026-10-09"}),
    "rotation_criticism": Form(
        {"education_date": "2026-10-09", "educated_by": "secretary", "refusal_facts": "逾期未办理工作交接",
         "education_content": "讲明服从组织决定的要求", "cadre_response": "complied"},
        {"handover_due": "2026-10-01", "refusal_date": None}),
    "rotation_sanction_notice": Form(
        {"sanction_document_no": "青数任〔2026〕12号", "demotion_date": "2026-10-09",
         "sanction_notice_content": "经党组研究决定"},
        {"decision_date": "2026-09-21"}),
    "rotation_discipline": Form(
        {"discipline_decided_on": "2026-10-09", "discipline_result": "sanctioned",
         "discipline_note": "给予政务警告处分"},
        {"decision_date": "2026-09-21"}),
    "second_line_proposal": Form(
        {"proposal": "retain", "proposal_reasons": "距法定退休四年，承担数据平台建设任务",
         "retain_reason": "数据平台建设任务须由其牵头完成验收", "retain_until": "2027-03-01"},
        {"statutory_retirement_month": "2030-01-01", "window_open": "2025-01-01", "cadre": {"post_title": "科长"}}),
    "second_line_talk": Form(
        {"talk_date": "2026-09-10", "talked_by": "secretary", "cadre_views": "无异议", "cadre_accepts": True},
        {"window_open": "2026-01-01", "statutory_retirement_month": "2030-01-01"}),
    "second_line_escalation": Form(
        {"escalation_directive": "限期研究决定", "decision_deadline": "2026-10-30"},
        {"missed_deadline": "2026-09-01", "statutory_retirement_month": "2030-01-01"}),
    "second_line_recheck": Form(
        {"recheck_opinion": "重新提出建议", "decision_deadline": "2026-10-30"},
        {"retain_until": "2026-09-01", "statutory_retirement_month": "2030-01-01"}),
    "second_line_removal_notice": Form(
        {"removal_document_no": "青数任〔2026〕9号", "notice_date": "2026-09-25", "exit_date": "2026-10-01",
         "filing_required": True}, {"decision_date": "2026-09-21", "statutory_retirement_month": "2030-01-01"}),
    "second_line_filing": Form({"filed_on": "2026-09-28", "filing_materials": "会议纪要、免职通知"},
                               {"notice_date": "2026-09-25"}),
}


class Case(NamedTuple):
    form: str
    field: str
    check: str  # the rule's check, as written in the form
    bad: dict  # changes to the consistent submission (or, with "context", to the case data) that break the rule
    boundary: dict  # changes that meet the rule exactly


def future(form: str, field: str) -> Case:
    """A date of something done may not lie more than a month ahead (a mistyped year, most often)."""
    later = {PROBATION_AT: ("2027-10-22", "2027-10-21")}.get(FORM[form].at, ("2026-10-16", "2026-10-15"))
    return Case(form, field, f"{field} <= months_after(today(), 1)", {field: later[0]}, {field: later[1]})


CASES = [
    future("selection_screening", "announced_on"),
    Case("selection_meeting_recommendation", "attended", "attended <= range_size",
         {"attended": 31, "ballots_issued": 25}, {"attended": 30}),
    Case("selection_meeting_recommendation", "ballots_issued", "ballots_issued <= attended",
         {"ballots_issued": 26}, {"ballots_issued": 25}),
    Case("selection_meeting_recommendation", "ballots_returned", "ballots_returned <= ballots_issued",
         {"ballots_returned": 26}, {"ballots_returned": 25}),
    Case("selection_meeting_recommendation", "valid_other",
         "valid_leaders + valid_middle + valid_other <= ballots_returned", {"valid_other": 13}, {"valid_other": 12}),
    Case("selection_meeting_recommendation", "meeting_date", "meeting_date >= announced_on",
         {"meeting_date": "2026-09-01"}, {"meeting_date": "2026-09-02"}),
    future("selection_meeting_recommendation", "meeting_date"),
    Case("selection_interview", "talks_other", "talks_leaders + talks_middle + talks_other >= 1",
         {"talks_leaders": 0, "talks_middle": 0, "talks_other": 0, "mentions": [
             {"staff_no": "QP0003", "mentions": 0, "listed": True},
             {"staff_no": "QP0010", "mentions": 0, "listed": True}]},
         {"talks_leaders": 0, "talks_middle": 0, "talks_other": 1, "mentions": [
             {"staff_no": "QP0003", "mentions": 1, "listed": True},
             {"staff_no": "QP0010", "mentions": 0, "listed": True}]}),
    Case("selection_interview", "mentions", "len(listed(mentions, 'listed')) >= 2",
         {"mentions": [{"staff_no": "QP0003", "mentions": 12, "listed": True},
                       {"staff_no": "QP0010", "mentions": 6, "listed": False}]}, {}),
    Case("selection_determine_candidates", "inspection_candidates",
         "len(without(inspection_candidates, recommended)) == 0",
         {"inspection_candidates": ["QP0003", "QP0004"]}, {"inspection_candidates": ["QP0003", "QP0012"]}),
    Case("selection_determine_candidates", "inspection_candidates",
         "len(without(inspection_candidates, dropped_candidates)) == len(inspection_candidates)",
         {"context": {"dropped_candidates": ["QP0010"]}}, {"context": {"dropped_candidates": ["QP0012"]}}),
    Case("selection_determine_candidates", "inspection_candidates",
         "not policy['inspection_requires_more_candidates'] or len(inspection_candidates) > 1",
         {"inspection_candidates": ["QP0003"]},
         {"inspection_candidates": ["QP0003"], "context": {"policy": {"inspection_requires_more_candidates": False}}}),
    Case("selection_determine_candidates", "study_date", "study_date >= recommended_on",
         {"study_date": "2026-09-03"}, {"study_date": "2026-09-04"}),
    future("selection_determine_candidates", "study_date"),
    Case("selection_inspection_notice", "notice_date", "notice_date >= study_date",
         {"notice_date": "2026-09-07"}, {"notice_date": "2026-09-08"}),
    future("selection_inspection_notice", "notice_date"),
    Case("selection_inspection_conclusion", "appointee", "not proposal_ready or appointee in candidates",
         {"appointee": "QP0012"}, {"appointee": "QP0010"}),
    Case("selection_no_candidate", "no_candidate_decision",
         "no_candidate_decision != 'redetermine' "
         "or len(without(without(recommended, dropped_candidates), candidates)) > 0",
         {"context": {"recommended": ["QP0003", "QP0010"]}}, {}),
    Case("selection_registration", "registration_closed_on", "registration_closed_on >= registration_opened_on",
         {"registration_closed_on": "2026-09-01"}, {"registration_closed_on": "2026-09-02"}),
    future("selection_registration", "registration_closed_on"),
    Case("selection_exam", "exam_date", "exam_date >= registration_closed_on",
         {"exam_date": "2026-09-03"}, {"exam_date": "2026-09-04"}),
    future("selection_exam", "exam_date"),
    Case("selection_publicity_notice", "publicity_start", "publicity_start >= decision_date",
         {"publicity_start": "2026-09-20"}, {"publicity_start": "2026-09-21"}),
    future("selection_publicity_notice", "publicity_start"),
    Case("selection_complaint_verification", "concluded_on", "concluded_on >= publicity_start",
         {"concluded_on": "2026-09-27"}, {"concluded_on": "2026-09-28"}),
    future("selection_complaint_verification", "concluded_on"),
    Case("selection_reminder_talk", "reminder_date", "reminder_date >= concluded_on",
         {"reminder_date": "2026-09-29"}, {"reminder_date": "2026-09-30"}),
    future("selection_reminder_talk", "reminder_date"),
    Case("selection_appointment_notice", "notice_date", "notice_date > publicity_end",
         {"notice_date": "2026-10-09"}, {"notice_date": "2026-10-10"}),
    future("selection_appointment_notice", "notice_date"),
    Case("selection_appointment_talk", "talk_date", "talk_date >= decision_date",
         {"talk_date": "2026-09-20"}, {"talk_date": "2026-09-21"}),
    future("selection_appointment_talk", "talk_date"),
    Case("selection_filing", "filed_on", "filed_on >= notice_date",
         {"filed_on": "2026-10-11"}, {"filed_on": "2026-10-12"}),
    future("selection_filing", "filed_on"),
    Case("selection_probation_review", "probationer", "probationer == appointee", {"probationer": "QP0010"}, {}),
    Case("selection_probation_review", "probation_excellent",
         "probation_excellent + probation_competent + probation_basic + probation_incompetent >= 1",
         {"probation_excellent": 0, "probation_competent": 0},
         {"probation_excellent": 0, "probation_competent": 0, "probation_incompetent": 1}),
    Case("selection_probation_decision", "probation_decided_on",
         "probation_decided_on >= months_after(decision_date, 12)",
         {"probation_decided_on": "2027-09-20"}, {"probation_decided_on": "2027-09-21"}),
    future("selection_probation_decision", "probation_decided_on"),
    Case("selection_probation_decision", "return_date",
         "probation_result != 'failed' or return_date >= probation_decided_on",
         {"probation_result": "failed", "return_date": "2027-09-21"},
         {"probation_result": "failed", "return_date": "2027-09-22"}),
    future("rotation_screening", "screened_on"),
    Case("rotation_deferral_review", "deferral_decided_on", "deferral_decided_on >= screened_on",
         {"deferral_decided_on": "2026-09-01"}, {"deferral_decided_on": "2026-09-02"}),
    future("rotation_deferral_review", "deferral_decided_on"),
    Case("rotation_deferral_review", "defer_until", "not deferral_approved or defer_until > today()",
         {"deferral_decided_on": "2026-09-02", "defer_until": "2026-09-15"},
         {"deferral_decided_on": "2026-09-02", "defer_until": "2026-09-16"}),
    Case("rotation_consult_sections", "consulted_on", "consulted_on >= screened_on",
         {"consulted_on": "2026-09-01"}, {"consulted_on": "2026-09-02"}),
    future("rotation_consult_sections", "consulted_on"),
    Case("rotation_talk", "talk_date", "talk_date >= screened_on",
         {"talk_date": "2026-09-01"}, {"talk_date": "2026-09-02"}),
    future("rotation_talk", "talk_date"),
    Case("rotation_issue_notice", "notice_date", "notice_date >= decision_date",
         {"notice_date": "2026-09-20"}, {"notice_date": "2026-09-21"}),
    future("rotation_issue_notice", "notice_date"),
    Case("rotation_filing", "filed_on", "filed_on >= handover_date",
         {"filed_on": "2026-10-08"}, {"filed_on": "2026-10-09"}),
    future("rotation_filing", "filed_on"),
    Case("rotation_criticism", "education_date",
         "education_date > handover_due if refusal_date is None else education_date >= refusal_date",
         {"education_date": "2026-10-01"}, {"education_date": "2026-10-02"}),
    future("rotation_criticism", "education_date"),
    Case("rotation_sanction_notice", "demotion_date", "demotion_date >= decision_date",
         {"demotion_date": "2026-09-20"}, {"demotion_date": "2026-09-21"}),
    future("rotation_sanction_notice", "demotion_date"),
    Case("rotation_discipline", "discipline_decided_on", "discipline_decided_on >= decision_date",
         {"discipline_decided_on": "2026-09-20"}, {"discipline_decided_on": "2026-09-21"}),
    future("rotation_discipline", "discipline_decided_on"),
    Case("second_line_proposal", "retain_until", "proposal != 'retain' or retain_until > today()",
         {"retain_until": "2026-09-15"}, {"retain_until": "2026-09-16"}),
    Case("second_line_talk", "talk_date", "talk_date >= window_open",
         {"talk_date": "2025-12-31"}, {"talk_date": "2026-01-01"}),
    Case("second_line_talk", "talk_date", "talk_date < statutory_retirement_month",
         {"talk_date": "2026-10-01", "context": {"statutory_retirement_month": "2026-10-01"}},
         {"talk_date": "2026-09-30", "context": {"statutory_retirement_month": "2026-10-01"}}),
    future("second_line_talk", "talk_date"),
    Case("second_line_escalation", "decision_deadline", "decision_deadline > today()",
         {"decision_deadline": "2026-09-15"}, {"decision_deadline": "2026-09-16"}),
    Case("second_line_recheck", "decision_deadline", "decision_deadline > today()",
         {"decision_deadline": "2026-09-15"}, {"decision_deadline": "2026-09-16"}),
    Case("second_line_removal_notice", "notice_date", "notice_date >= decision_date",
         {"notice_date": "2026-09-20"}, {"notice_date": "2026-09-21"}),
    future("second_line_removal_notice", "notice_date"),
    Case("second_line_filing", "filed_on", "filed_on >= notice_date",
         {"filed_on": "2026-09-24"}, {"filed_on": "2026-09-25"}),
    future("second_line_filing", "filed_on"),
]
