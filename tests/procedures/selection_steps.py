"""The sixteen-step selection walked by its people: one function per stretch of the procedure."""

from dataclasses import replace

from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from workflows.rules.policy import DEFAULT_POLICY

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
# Three eligible cadres: two deputies (崔英 QP0003, 严桂秀 QP0010) and a deputy of another section.
THREE = ("QP0003", "QP0010", "QP0018")
# A bureau that does not require more inspection candidates than posts (差额考察 off).
SINGLE_CANDIDATE_ALLOWED = replace(DEFAULT_POLICY, version="single-candidate",
                                   inspection_requires_more_candidates=False)
# The inspection team (考察组, at least two): the inspector and a personnel officer, picked as users.
TEAM = ["inspector", "organiser"]


def terminating(reason: str) -> dict:
    """What a choice that ends the case also sends: its reason, and the confirmation the form asks for."""
    return {"termination_reason": reason, "termination_confirmed": True}


def screening(roster=ROSTER, day="2026-09-02") -> dict:
    return {"announced_on": day, "announcement": "公布数据资源科科长职位及条件", "roster": sorted(set(roster))}


def recommendation(attended: int, day="2026-09-04", candidates=("QP0003", "QP0010")) -> dict:
    """⑥ with ``attended`` ballots, all valid: 3 from the leadership, 10 from middle managers, the rest others."""
    others = attended - 13
    tally = [{"staff_no": staff_no, "votes_leaders": 3 if index == 0 else 0, "votes_middle": 8 if index == 0 else 2,
              "votes_other": max(others - 4 * index, 0)} for index, staff_no in enumerate(candidates)]
    return {"meeting_date": day, "range_size": 30, "attended": attended, "ballots_issued": attended,
            "ballots_returned": attended, "valid_leaders": 3, "valid_middle": 10, "valid_other": others,
            "tally": tally, "counted_by": ["organiser", "inspector"]}


def interview(eligible, reference) -> dict:
    """⑤: a row for each eligible cadre, those in ``reference`` listed for the recommendation meeting."""
    return {"talks_leaders": 3, "talks_middle": 10, "talks_other": 7, "talk_summary": "谈话调研 20 人",
            "mentions": [{"staff_no": staff_no, "mentions": 12 if staff_no in reference else 1,
                          "listed": staff_no in reference} for staff_no in eligible]}


def start(bureau: Bureau, **options) -> CaseRun:
    return bureau.start("cadre_selection", POST, **options)


def to_vote(bureau: Bureau, policy=None, appointee="QP0003", reference=("QP0003", "QP0010"),
            **meeting_options) -> CaseRun:
    """A case walked straight from its start to the party-group meeting, the ballots not cast yet.

    Walked once per process (tests/snapshots.py) when the bureau was just set up; a copy after.
    """
    key = ("to_vote", repr(policy), appointee, tuple(reference), repr(sorted(meeting_options.items())))
    return bureau.walked(key, lambda bureau: _to_vote(bureau, policy, appointee, reference, meeting_options))


def _to_vote(bureau: Bureau, policy, appointee, reference, meeting_options: dict) -> CaseRun:
    run = start(bureau, **({"policy": policy} if policy else {}))
    to_work_plan(run)
    to_candidates(run, reference=reference)
    determine(run, candidates=reference)
    inspect(run)
    propose(run, appointee)
    meeting(run, **meeting_options)
    return run


def to_checks(bureau: Bureau, policy=None) -> CaseRun:
    """A case whose inspection notice (2026-09-09, one working day) has run out: the four checks are open."""
    return bureau.walked(("to_checks", repr(policy)), lambda bureau: _to_checks(bureau, policy))


def _to_checks(bureau: Bureau, policy) -> CaseRun:
    run = start(bureau, **({"policy": policy} if policy else {}))
    to_work_plan(run)
    to_candidates(run)
    determine(run)
    run.do("inspection_notice", {"notice_date": "2026-09-09", "notice_working_days": 1,
                                 "inspection_team": TEAM, "hotline": "021-59700000", "notice_text": "预告"})
    run.wait_for("notice_period")
    return run


def to_work_plan(run: CaseRun, *, upper_report: bool = False, upper_agreed: bool = True,
                 method: str = "democratic_recommendation") -> None:
    run.do("analysis", ANALYSIS)
    motion = {**MOTION, "needs_upper_report": upper_report, "method": method}
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
    run.do("interview_recommendation", interview(run.data()["eligible_candidates"], reference))
    run.do("meeting_recommendation", recommendation(attended_first, candidates=reference))
    if attended_first * 3 < 60:
        run.do("meeting_recommendation", recommendation(25, "2026-09-07", candidates=reference))


def compete(run: CaseRun, applicants) -> None:
    """竞争上岗 from the work plan: registration, the applicants screened, then their exam scores."""
    run.do("work_plan", WORK_PLAN)
    run.do("registration", {"registration_opened_on": "2026-09-02", "registration_closed_on": "2026-09-04",
                            "applicants": list(applicants)})
    run.do("eligibility_screening", screening(applicants, day="2026-09-05"))
    scores = [{"staff_no": staff_no, "written_score": 90 - 5 * index, "interview_score": 85.5 - index}
              for index, staff_no in enumerate(run.data()["eligible_candidates"])]
    run.do("competitive_exam", {"exam_date": "2026-09-07", "written_weight": 40, "exam_scores": scores,
                                "exam_note": "笔试、面试按方案组织"})


def determine(run: CaseRun, candidates=("QP0003", "QP0010"), day="2026-09-08", present=MEMBERS) -> None:
    """⑦: the party group, the secretary presiding, decides the inspection candidates."""
    run.do("determine_candidates", {"study_date": day, "members_present": list(present),
                                    "inspection_candidates": list(candidates),
                                    "determination_reasons": "综合推荐情况和一贯表现"}, by="secretary")


PASSING = {
    "organizational_inspection": lambda staff_no: {
        "staff_no": staff_no, "evaluation_excellent": 18, "evaluation_competent": 6, "evaluation_basic": 1,
        "evaluation_incompetent": 0, "talk_summary": "个别谈话反映政治素质好", "recommendation": "recommend"},
    "personal_matters_check": lambda staff_no: {"staff_no": staff_no, "personal_matters_result": "consistent"},
    "discipline_opinion": lambda staff_no: {"staff_no": staff_no, "discipline_result": "clear",
                                            "integrity_conclusion": "廉洁自律情况良好"},
    "complaint_check": lambda staff_no: {"staff_no": staff_no, "complaints_received": 0, "complaints_result": "none"},
}


def dossier_row(run: CaseRun, staff_no: str, result="ok") -> dict:
    """⑩: the dossier's 三龄二历一身份 as the registry holds them (so "审核无问题" is consistent)."""
    record = registry_record(run, staff_no)
    row = {"staff_no": staff_no, "birth_date": record["birth_date"], "work_start_date": record["work_start_date"],
           "education": record.get("ft_education_level") or "bachelor", "work_history": "consistent",
           "cadre_identity": "consistent", "dossier_result": result}
    if record.get("party_join_date"):
        row["party_join_date"] = record["party_join_date"]
    return {**row, "dossier_note": "档案记载有误"} if result == "issue" else row


def registry_record(run: CaseRun, staff_no: str) -> dict:
    records = run.data().get("inspection_candidates_records") or []
    return next(record for record in records if record["staff_no"] == staff_no)


def check_rows(run: CaseRun, step: str, overrides: dict | None = None) -> list[dict]:
    """The rows of a per-candidate check: everyone passes unless ``overrides`` gives their row."""
    return [(overrides or {}).get(staff_no) or PASSING[step](staff_no) for staff_no in run.data()["candidates"]]


def inspect(run: CaseRun, *, notice_date="2026-09-09", dossier="ok", rows: dict | None = None) -> None:
    """Notice, the notice period on the working-day calendar, then the inspection and the four checks.

    ``rows`` = {step: {staff_no: row}} replaces the passing row of a candidate at a step.
    """
    rows = rows or {}
    run.do("inspection_notice", {"notice_date": notice_date, "notice_working_days": 1,
                                 "inspection_team": TEAM, "hotline": "021-59700000",
                                 "notice_text": "拟对崔英、严桂秀进行考察"})
    run.wait_for("notice_period")
    run.do("organizational_inspection", {
        "talks_count": 25, "candidate_inspections": check_rows(run, "organizational_inspection",
                                                               rows.get("organizational_inspection")),
        "inspection_findings": "政治素质好，工作实绩突出", "signed_by": TEAM})
    dossiers = {staff_no: dossier_row(run, staff_no, dossier) for staff_no in run.data()["candidates"]}
    run.do("dossier_review", {"dossier_checks": [(rows.get("dossier_review") or {}).get(staff_no) or row
                                                 for staff_no, row in dossiers.items()]})
    run.do("personal_matters_check", {"personal_matters_checks": check_rows(
        run, "personal_matters_check", rows.get("personal_matters_check"))})
    run.do("discipline_opinion", {"discipline_checks": check_rows(run, "discipline_opinion",
                                                                  rows.get("discipline_opinion")),
                                  "signed_by_secretary_and_head": True})
    run.do("complaint_check", {"complaint_checks": check_rows(run, "complaint_check", rows.get("complaint_check"))})


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
                                "probation_assessment": "试用期考核", "probationer": run.data()["appointee"],
                                "probation_proposal": "confirm" if result == "confirmed" else "fail"})
    data = {"probation_result": result, "probation_decided_on": decided_on, "probation_opinion": "党组研究决定"}
    if result == "failed":
        data["return_date"] = return_date
    run.do("probation_decision", data, by="secretary")
