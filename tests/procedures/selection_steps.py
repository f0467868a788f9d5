"""The sixteen-step selection walked by its people: one function per stretch of the procedure."""

from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun

MEMBERS = ["member1", "member2", "member3", "member4", "member5", "member6"]

POST = {"post_section_code": "SJZY", "post_title": "科长", "post_level": "section_chief"}
ANALYSIS = {"vacancy_exists": True, "headcount_note": "核定正科职数 1 名，现空缺 1 名",
            "analysis": "原科长交流轮岗后空缺，需从副科级干部中选拔"}
MOTION = {"position_conditions": "副科级满两年，近三年考核称职以上", "recommendation_scope": "局机关全体干部",
          "method": "democratic_recommendation", "procedure_plan": "按十六步工作法，九月完成",
          "needs_upper_report": False}
WORK_PLAN = {"plan": "民主推荐后确定考察对象，差额考察", "deliberation": "听取分管领导和科室负责人意见",
             "exceptional_promotion": False}
# QP0011 (last year 基本称职) and QP0037 (party warning in its impact period) are excluded by the registry.
ROSTER = ["QP0003", "QP0010", "QP0011", "QP0037"]
# The inspection team (考察组, at least two): the inspector and a personnel officer, picked as users.
TEAM = ["inspector", "organiser"]


def terminating(reason: str) -> dict:
    """What a choice that ends the case also sends: its reason, and the confirmation the form asks for."""
    return {"termination_reason": reason, "termination_confirmed": True}


def screening(roster=ROSTER, day="2026-09-02") -> dict:
    return {"announced_on": day, "announcement": "公布数据资源科科长职位及条件", "roster": sorted(set(roster))}


def recommendation(attended: int, day="2026-09-04") -> dict:
    return {"meeting_date": day, "range_size": 30, "attended": attended, "ballots_issued": attended,
            "ballots_returned": attended, "ballots_valid": attended,
            "tally": [{"staff_no": "QP0003", "votes": attended - 4}, {"staff_no": "QP0010", "votes": 4}],
            "counted_by": ["organiser", "inspector"]}


def start(bureau: Bureau, **options) -> CaseRun:
    return bureau.start("cadre_selection", POST, **options)


def to_vote(bureau: Bureau, policy=None, **meeting_options) -> CaseRun:
    """A case walked straight from its start to the party-group meeting, the ballots not cast yet."""
    run = start(bureau, **({"policy": policy} if policy else {}))
    to_work_plan(run)
    to_candidates(run)
    determine(run)
    inspect(run)
    propose(run)
    meeting(run, **meeting_options)
    return run


def to_checks(bureau: Bureau) -> CaseRun:
    """A case whose inspection notice (2026-09-09, one working day) has run out: the four checks are open."""
    run = start(bureau)
    to_work_plan(run)
    to_candidates(run)
    determine(run)
    run.do("inspection_notice", {"notice_date": "2026-09-09", "notice_working_days": 1,
                                 "inspection_team": TEAM, "hotline": "021-59700000", "notice_text": "预告"})
    run.wait_for("notice_period")
    return run


def to_work_plan(run: CaseRun, *, upper_report: bool = False, upper_agreed: bool = True) -> None:
    run.do("analysis", ANALYSIS)
    motion = {**MOTION, "needs_upper_report": upper_report}
    if upper_report:
        motion["upper_report_reason"] = "越级提拔，须事前报告"
    run.do("motion", motion)
    run.do("motion_consent", {"motion_agreed": True, "secretary_opinion_on_motion": "同意启动"})
    if upper_report:
        opinion = "同意" if upper_agreed else "暂缓"
        refusal = {} if upper_agreed else terminating("越级提拔条件不充分，不同意启动")
        run.do("upper_report_review", {"upper_agreed": upper_agreed, "upper_opinion": opinion, **refusal})


def to_candidates(run: CaseRun, *, exceptional: bool = False, attended_first: int = 25,
                  reference=("QP0003", "QP0010")) -> None:
    """From the work plan to the inspection candidates; a recommendation below 2/3 is held again."""
    run.do("work_plan", {**WORK_PLAN, "exceptional_promotion": exceptional})
    run.do("eligibility_screening", screening([*ROSTER, *reference]))
    run.do("interview_recommendation", {"talks_held": 20, "talk_summary": "谈话调研 20 人",
                                        "reference_list": list(reference)})
    run.do("meeting_recommendation", recommendation(attended_first))
    if attended_first * 3 < 60:
        run.do("meeting_recommendation", recommendation(25, "2026-09-07"))


def determine(run: CaseRun, candidates=("QP0003", "QP0010"), day="2026-09-08") -> None:
    run.do("determine_candidates", {"study_date": day, "inspection_candidates": list(candidates),
                                    "determination_reasons": "综合推荐情况和一贯表现"})


def inspect(run: CaseRun, *, notice_date="2026-09-09", dossier="ok") -> None:
    """Notice, the notice period on the working-day calendar, then the inspection and the four checks."""
    run.do("inspection_notice", {"notice_date": notice_date, "notice_working_days": 1,
                                 "inspection_team": TEAM, "hotline": "021-59700000",
                                 "notice_text": "拟对崔英、严桂秀进行考察"})
    run.wait_for("notice_period")
    run.do("organizational_inspection", {
        "talks_count": 25, "evaluation_excellent": 18, "evaluation_competent": 6, "evaluation_basic": 1,
        "evaluation_incompetent": 0, "inspection_findings": "政治素质好，工作实绩突出",
        "inspection_recommendation": "recommend",
        "signed_by": TEAM})
    run.do("dossier_review", {"dossier_result": dossier, "dossier_note": "三龄二历一身份审核"})
    run.do("personal_matters_check", {"personal_matters_result": "consistent", "personal_matters_note": "查核一致"})
    run.do("discipline_opinion", {"discipline_result": "clear", "integrity_conclusion": "廉洁自律情况良好",
                                  "signed_by_secretary_and_head": True})
    run.do("complaint_check", {"complaints_received": 0, "complaints_result": "none", "complaints_note": "无举报"})


def propose(run: CaseRun, appointee="QP0003") -> None:
    run.do("inspection_conclusion", {"proposal_ready": True, "appointee": appointee,
                                     "conclusion_summary": "建议任命为数据资源科科长"})


def meeting(run: CaseRun, present=MEMBERS, recused=(), day="2026-09-21") -> None:
    data = {"meeting_date": day, "vote_method": "show_of_hands", "members_present": list(present),
            "recused": list(recused), "briefing": "介绍推荐、考察情况和任职理由"}
    if recused:
        data["recusal_reason"] = "与拟任人选有亲属关系"
    run.do("party_group_meeting", data, by="secretary")


def vote(run: CaseRun, ballots: dict[str, str], secretary: str = "approve") -> None:
    for member, ballot in ballots.items():
        opinion = {} if ballot == "approve" else {"opinion": "需进一步了解情况"}
        run.do("cast_ballot", {"ballot": ballot, **opinion}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": secretary, "minutes": "会议纪要"}, by="secretary")


def publish(run: CaseRun, start="2026-09-28") -> None:
    run.do("publicity_notice", {"publicity_start": start, "publicity_scope": "局机关",
                                "publicity_content": "崔英，女，拟任数据资源科科长"})


def complain(run: CaseRun, outcome: str, concluded_on="2026-09-30") -> None:
    run.message("complaint", {"from": "来信", "summary": "反映工作作风问题"}, by="organiser")
    run.do("verify_complaint", {"complaint_summary": "反映工作作风问题", "verification": "经核查",
                                "complaint_outcome": outcome, "concluded_on": concluded_on,
                                **(terminating("反映的问题查实，不予任用") if outcome == "serious" else {})})


def appoint(run: CaseRun, days=("2026-10-12", "2026-10-13", "2026-10-14")) -> None:
    """The notice (after the publicity ends), the talk and the filing, on ``days``."""
    run.do("appointment_notice", {"document_no": "青数任〔2026〕5号", "notice_date": days[0]})
    run.do("appointment_talk", {"talk_date": days[1], "talked_by": "secretary", "talk_content": "提出要求"},
           by="secretary")
    run.do("filing", {"filed_on": days[2], "filing_materials": "请示、任免审批表、考察材料"})


def probation(run: CaseRun, result: str, decided_on="2027-09-22", return_date="2027-09-23") -> None:
    """The probation year (from the party-group decision) runs out, the review, the decision on ``decided_on``."""
    run.wait_for("probation_year")
    run.do("probation_review", {"probation_excellent": 20, "probation_competent": 5, "probation_basic": 0,
                                "probation_incompetent": 0 if result == "confirmed" else 12,
                                "probation_assessment": "试用期考核",
                                "probation_proposal": "confirm" if result == "confirmed" else "fail"})
    data = {"probation_result": result, "probation_decided_on": decided_on, "probation_opinion": "党组研究决定"}
    if result == "failed":
        data["return_date"] = return_date
    run.do("probation_decision", data, by="secretary")
