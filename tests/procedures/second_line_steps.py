"""The retirement-to-second-line approval walked by its people: one function per stretch of the procedure."""

from datetime import date

from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from workflows.registry import cadre_records
from workflows.registry import edit
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

PROCESS = "second_line_approval"
MEMBERS = ["member1", "member2", "member3", "member4", "member5", "member6"]
# The demo registry seeded in 2026: QP0009 (科长, man born 1968-09) may be proposed to leave the leadership post
# since 2024-09-01 and should be decided on by 2026-09-01 (window_open / window_due in the case data).
IN_WINDOW = "QP0009"


def place_in_window(bureau: Bureau, staff_no: str, birth: date = date(1968, 11, 15)) -> str:
    """Give a leadership cadre of the demo registry a man's birth date that puts them inside the window."""
    with bureau.sessions.begin() as session:
        cadre = cadre_records.find_cadre(session, staff_no)
        cadre.identity_no = None  # the demo's number certifies the demo's birth date, which this one replaces
        edit.update_person(session, bureau.people["organiser"], bureau.clock.now(), cadre.id,
                                    {"birth_date": birth, "gender": "male", "retirement_category": "male"})
    return staff_no


def start(bureau: Bureau, staff_no: str = IN_WINDOW, policy: Policy = DEFAULT_POLICY) -> CaseRun:
    return bureau.start(PROCESS, {"trigger": "window_scan", "scan_date": bureau.clock.now().date().isoformat()},
                        cadre=staff_no, policy=policy)


def propose_exit(run: CaseRun, post_title: str = "专项工作督导") -> None:
    run.do("prepare_proposal", {"proposal": "exit", "proposal_reasons": "离法定退休年龄已不足五年，按规定退出领导岗位",
                                "proposed_post_title": post_title})


def propose_retain(run: CaseRun, until: str) -> None:
    run.do("prepare_proposal", {"proposal": "retain", "proposal_reasons": "数据资源整合攻坚任务尚未完成，建议暂缓退出",
                                "retain_reason": "牵头负责全区公共数据平台建设，年内无合适接替人选",
                                "retain_until": until})


def talk(run: CaseRun, day: str = "2026-03-05") -> None:
    run.do("talk_with_cadre", {"talk_date": day, "talked_by": "secretary", "cadre_views": "服从组织安排",
                               "cadre_accepts": True})


def meeting(run: CaseRun, present=MEMBERS, day: str = "2026-03-10") -> None:
    run.do("party_group_meeting", {"meeting_date": day, "vote_method": "show_of_hands",
                                   "members_present": list(present), "recused": [],
                                   "briefing": "人事组织部门介绍退二线建议和谈话情况"}, by="secretary")


def vote(run: CaseRun, ballot: str = "approve", secretary: str = "approve") -> None:
    for member in MEMBERS:
        opinion = {} if ballot == "approve" else {"opinion": "建议重新研究"}
        run.do("cast_ballot", {"ballot": ballot, **opinion}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": secretary, "minutes": "会议纪要"}, by="secretary")


def decide(run: CaseRun, ballot: str = "approve", day: str = "2026-03-10") -> None:
    """Talk, then the party group meets and votes on the proposal."""
    talk(run, later(day, -2))
    meeting(run, day=day)
    vote(run, ballot, ballot)


def later(day: str, days: int) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() + days).isoformat()


def leave_post(run: CaseRun, *, filing: bool, decided: str = "2026-03-10", title: str = "专项工作督导") -> None:
    """The removal notice, the new non-leadership post (the registry changes) and, when required, the filing."""
    run.do("removal_notice", {"removal_document_no": "青数党〔2026〕8号", "notice_date": later(decided, 3),
                              "exit_date": later(decided, 6), "filing_required": filing})
    run.do("assign_new_post", {"new_post_title": title, "new_post_duties": "协助开展数据资源专项督导"})
    if filing:
        run.do("filing", {"filed_on": later(decided, 8), "filing_no": "青组备〔2026〕21号",
                          "filing_materials": "党组会议纪要、免职通知、岗位安排情况"})


def consent(run: CaseRun, agreed: bool) -> None:
    data = {"upper_agreed": agreed, "upper_opinion": "同意暂缓退出" if agreed else "不同意暂缓，请按规定办理"}
    if agreed:
        data["reply_no"] = "青组函〔2026〕5号"
    run.do("upper_consent", data)


def exit_all_the_way(run: CaseRun, *, filing: bool = False, day: str = "2026-03-10") -> None:
    propose_exit(run)
    decide(run, day=day)
    leave_post(run, filing=filing, decided=day)


# 《推进领导干部能上能下规定》 第五条 read as not reaching 科级 retention: the party group's decision stands alone.
PARTY_GROUP_ALONE = Policy(version="local-2026-no-upper-consent", second_line_upper_consent=False)
