"""The rotation procedure (交流轮岗) walked by its people: one function per stretch of the procedure.

Cadres of the demo registry seeded at 2026-09-01: QP0001 办公室科长 since 2015-11 and QP0057 公共数据运营科科长
since 2013-01 (both found by the 10-year scan), QP0043 信息化建设科副科长 since 2014-11 (also found), QP0049 and
QP0050 网络安全科科长/副科长 (section under penalty), QP0002 办公室副科长 since 2018 (not due), QP0003 on probation.
"""

from datetime import date

from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from tests.procedures.driver import beijing
from workflows.registry import cadre_records
from workflows.registry import edit
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

MEMBERS = ["member1", "member2", "member3", "member4", "member5", "member6"]
DAY_ONE = "2026-09-01 09:00"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
# The people the forms name are picked from the registry: two section heads and the colleague taking over.
OUTGOING_HEAD, RECEIVING_HEAD, COLLEAGUE = "QP0001", "QP0057", "QP0002"


def on(run: CaseRun, when: str) -> None:
    """Let the bureau's clock reach ``when`` (Beijing time) before the next step; it never goes back."""
    run.bureau.clock.at = max(run.bureau.clock.at, beijing(when))


def start(bureau: Bureau, staff_no: str, reason: str = "scan_10_years", policy: Policy = DEFAULT_POLICY) -> CaseRun:
    """Start a case for a cadre; every story begins on the same morning, so its dates and timers line up."""
    bureau.clock.at = beijing(DAY_ONE)
    note = "干部信息库轮岗扫描发现" if reason == "scan_10_years" else "人事组织部门提出"
    data = {"trigger_reason": reason, "trigger_note": note,
            "attachments": [{"name": "扫描结果.pdf", "sha256": SHA, "size": 2048}]}
    if reason == "scan_10_years":
        data["scan_date"] = "2026-09-01"
    return bureau.start("rotation_approval", data, cadre=staff_no, policy=policy)


def key_post(bureau: Bureau, staff_no: str, category: str = "finance", since: date = date(2015, 6, 1)) -> str:
    """Put a cadre in a post of ``category`` held since ``since`` (a key post such as 财务 rotates after ten years
    outside leadership too): classified through the registry command; the start date set directly, since the
    demo registry has no non-leader a decade in the same post."""
    with bureau.sessions.begin() as session:
        cadre = cadre_records.find_cadre(session, staff_no)
        edit.classify_post(session, bureau.people["organiser"], bureau.clock.now(), cadre.id, category)
        cadre.current_post.same_post_start = since
    return staff_no


def screen(run: CaseRun, exclusion: str = "none", day: str = "2026-09-02") -> None:
    data = {"screened_on": day, "exclusion": exclusion, "screening_opinion": "按干部信息库核对"}
    if exclusion != "none":
        data.update(exclusion_note="试用期至 2027 年 3 月", termination_reason="试用期未满，不宜转任",
                    termination_confirmed=True)
    run.do("rotation_screening", data)


def plan(run: CaseRun, section: str, title: str, *, defer: bool = False, inspection: bool = False,
         category: str | None = None) -> None:
    data = {"target_section_code": section, "target_title": title, "vacancy_confirmed": True,
            "qualification_note": "符合任职资格条件", "plan": "同级转任，十个工作日内完成交接",
            "inspection_needed": inspection, "defer_requested": defer}
    if category:
        data["target_post_category"] = category
    if defer:
        data["defer_reason"] = "承担区数据平台建设任务，年底验收"
    run.do("rotation_plan", data)


def deferral(run: CaseRun, approved: bool, day: str, until: str | None = None) -> None:
    data = {"deferral_approved": approved, "deferral_decided_on": day,
            "deferral_opinion": "同意暂缓" if approved else "不同意暂缓"}
    if until:
        data["defer_until"] = until
    run.do("deferral_review", data, by="district")


def consult(run: CaseRun, day: str = "2026-09-03", attitude: str = "accepts") -> None:
    run.do("consult_sections", {
        "consulted_on": day, "outgoing_head": OUTGOING_HEAD, "outgoing_position": "agree", "outgoing_opinion": "同意",
        "receiving_head": RECEIVING_HEAD, "receiving_position": "agree", "receiving_opinion": "同意"})
    run.do("talk_with_cadre", {"talk_date": day, "talked_by": "secretary", "cadre_attitude": attitude,
                               "cadre_views": "服从组织安排", "talk_record": "说明交流理由，听取本人意见"},
           by="secretary")


def inspect(run: CaseRun) -> None:
    run.do("rotation_inspection", {"inspection_team": ["inspector", "organiser"],
                                   "inspection_findings": "德才表现较好，人岗相适",
                                   "inspection_recommendation": "recommend"})


def meeting(run: CaseRun, day: str, present=MEMBERS) -> None:
    run.do("party_group_meeting", {"meeting_date": day, "vote_method": "show_of_hands",
                                   "members_present": list(present), "briefing": "介绍交流事由、方案和谈话情况"},
           by="secretary")


def vote(run: CaseRun, ballots: dict[str, str], secretary: str = "approve") -> None:
    for member, ballot in ballots.items():
        opinion = {} if ballot == "approve" else {"opinion": "需进一步研究"}
        run.do("cast_ballot", {"ballot": ballot, **opinion}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": secretary, "minutes": "会议纪要"}, by="secretary")


def decide(run: CaseRun, day: str, ballot: str = "approve") -> None:
    """A quorate party-group meeting where every member votes ``ballot`` and the secretary approves."""
    meeting(run, day)
    vote(run, {member: ballot for member in MEMBERS})


NOTICE = {"notice_document_no": "青数任〔2026〕8号", "handover_to": COLLEAGUE,
          "notice_content": "经党组研究决定交流任职"}
REFUSAL = "我不去新岗位，这个决定我不接受"


def notify(run: CaseRun, day: str = "2026-09-28") -> None:
    on(run, f"{day} 09:00")
    run.do("issue_notice", {**NOTICE, "notice_date": day, "notice_response": "accepts"})


def refuse_at_notice(run: CaseRun, day: str = "2026-09-28") -> None:
    """On being told of the decision the cadre refuses outright: recorded with the date and what was said."""
    on(run, f"{day} 09:00")
    run.do("issue_notice", {**NOTICE, "notice_date": day, "notice_response": "refuses", "refusal_date": day,
                            "refusal_statement": REFUSAL})


def refuse_during_handover(run: CaseRun, day: str) -> None:
    """Before the ten working days are over the cadre refuses to hand over: recorded at once."""
    on(run, f"{day} 09:00")
    run.do("handover", {"handover_outcome": "refused", "refusal_date": day, "refusal_statement": REFUSAL})


def hand_over(run: CaseRun, day: str) -> None:
    on(run, f"{day} 09:00")
    run.do("handover", {"handover_outcome": "handed_over", "handover_date": day,
                        "handover_record": "文件、账目、在办事项清单", "received_by": COLLEAGUE,
                        "attachments": [{"name": "交接清单.pdf", "sha256": SHA}]})
    run.do("filing", {"filed_on": day, "filing_materials": "轮岗方案、党组会议纪要、转任通知、交接清单"}, by="district")


def approved(run: CaseRun, section: str, title: str) -> None:
    """Screening, a plan without deferral or inspection, the consultations and an approving vote."""
    screen(run)
    plan(run, section, title)
    consult(run)
    decide(run, "2026-09-21")


def overdue(run: CaseRun) -> None:
    """Let the ten working days pass without a handover: the boundary timer fires."""
    run.wait_for("handover_overdue")


def educate(run: CaseRun, response: str, day: str) -> None:
    on(run, f"{day} 09:00")
    data = {"education_date": day, "educated_by": "secretary", "refusal_facts": "逾期未办理工作交接",
            "education_content": "讲明服从组织决定的要求", "cadre_response": response}
    if response == "serious":
        data["serious_reason"] = "经多次谈话仍明确拒绝到新岗位报到"
    run.do("criticism_education", data, by="secretary")


def propose_sanction(run: CaseRun, kind: str, title: str, level: str, refer: bool) -> None:
    run.do("sanction_proposal", {"sanction_kind": kind, "demotion_title": title, "demotion_level": level,
                                 "proposal_reasons": "无正当理由拒不服从交流决定", "refer_for_discipline": refer})


def sanction(run: CaseRun, day: str, refer: bool) -> None:
    run.do("sanction_notice", {"sanction_document_no": "青数任〔2026〕12号", "demotion_date": day,
                               "sanction_notice_content": "经党组研究决定"})
    if refer:
        run.do("discipline_handling", {"discipline_decided_on": day, "discipline_result": "sanctioned",
                                       "discipline_note": "给予政务警告处分"})
