"""What fills each notice's template: the values of its step from the case record, the registry and the bureau.

One function per kind, ``(session, record, staff_no) -> dict``; the common values (bureau, number, dates, the
post) are added by :mod:`workflows.papers.notices`. Every value is text or numbers as the paper prints them.
"""

from datetime import date

from sqlalchemy.orm import Session

from workflows.papers.case_record import Record
from workflows.papers.case_record import cn_date
from workflows.papers.case_record import names_of
from workflows.papers.case_record import person
from workflows.papers.case_record import snapshot_of
from workflows.processes.selection_functions import recommendation_results
from workflows.queries.ballot_secrecy import VOTE_METHODS
from workflows.rules.calendar import working_day_deadline
from workflows.rules.meetings import party_group_decision
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

CATEGORIES = (("leaders", "领导班子成员"), ("middle", "中层干部"), ("other", "其他人员"))
EVALUATION = (("excellent", "优秀"), ("competent", "称职"), ("basic", "基本称职"), ("incompetent", "不称职"))
RECOMMENDATION = {"recommend": "建议任用", "not_recommend": "不建议任用"}
DISCIPLINE = {"clear": "无影响使用的问题", "issue_affects_use": "有影响使用的问题",
              "under_investigation": "正在核查，暂不宜使用"}
CHOICES = {"approve": "同意", "reject": "不同意", "defer": "缓议"}
RECORDS = ("candidate_inspections_records", "discipline_checks_records", "inspection_candidates_records",
           "tally_records", "appointee_records", "roster_records")


def share(votes: int, total: int) -> str:
    """votes / total in per cent to one decimal, rounded half up (as the model writes ⑥'s shares); "—" for 0."""
    if not total:
        return "—"
    tenths = (votes * 1000 * 2 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}%"


def _period(start: str, days: int, overrides: dict | None) -> dict:
    """A working-day period from ``start`` on the official calendar and the case's local overrides."""
    local = {date.fromisoformat(day): bool(flag) for day, flag in (overrides or {}).items()}
    deadline = working_day_deadline(date.fromisoformat(start[:10]), int(days), local)
    return {"start": cn_date(deadline.start), "end": cn_date(deadline.end), "days": deadline.working_days,
            "provisional": deadline.provisional, "end_iso": deadline.end.isoformat()}


def _candidate(session: Session, record: Record, staff_no: str, *sources: dict):
    """A candidate with the post a step's record kept (the first source that has them), else the case data's."""
    snapshot = next((found for source in sources if (found := snapshot_of(source, staff_no, *RECORDS))), None)
    return person(session, staff_no, snapshot or snapshot_of(record.data, staff_no, *RECORDS))


def inspection_notice(session: Session, record: Record, staff_no: str | None) -> dict:
    step, chosen = record.steps["inspection_notice"], record.steps.get("determine_candidates") or {}
    staff = chosen.get("inspection_candidates") or record.data.get("candidates") or []
    period = _period(step["notice_date"], step.get("notice_working_days") or 1, step.get("calendar_overrides"))
    return {"candidates": [_candidate(session, record, number, chosen) for number in staff], "period": period,
            "notice_date": cn_date(step["notice_date"]), "team": names_of(session, step.get("inspection_team")),
            "hotline": step.get("hotline") or "", "notice_text": step.get("notice_text") or ""}


def recommendation(session: Session, record: Record, staff_no: str | None) -> dict:
    step = record.steps["meeting_recommendation"]
    valid = {key: int(step.get(f"valid_{key}") or 0) for key, _ in CATEGORIES}
    total = sum(valid.values())
    tally = {row["staff_no"]: row for row in step.get("tally") or []}
    rows = []
    for rank, result in enumerate(recommendation_results(step.get("tally") or [], total), start=1):
        row = tally[result["staff_no"]]
        votes = {key: int(row.get(f"votes_{key}") or 0) for key, _ in CATEGORIES}
        rows.append({"rank": rank, "person": _candidate(session, record, result["staff_no"], step),
                     "votes": votes, "shares": {key: share(votes[key], valid[key]) for key in votes},
                     "total": result["votes"], "share": result["share"]})
    returned = int(step.get("ballots_returned") or 0)
    return {"meeting_date": cn_date(step.get("meeting_date")), "range_size": step.get("range_size"),
            "attended": step.get("attended"), "attendance": share(int(step.get("attended") or 0),
                                                                  int(step.get("range_size") or 0)),
            "ballots_issued": step.get("ballots_issued"), "ballots_returned": returned, "ballots_valid": total,
            "ballots_invalid": max(returned - total, 0), "valid": valid, "categories": dict(CATEGORIES),
            "rows": rows, "scope": record.data.get("recommendation_scope") or "",
            "counted_by": names_of(session, step.get("counted_by")),
            "valid_until": cn_date(record.data.get("recommendation_valid_until"))}


def inspection_material(session: Session, record: Record, staff_no: str | None) -> dict:
    step = record.steps["organizational_inspection"]
    row = next(row for row in step.get("candidate_inspections") or [] if row.get("staff_no") == staff_no)
    counts = {key: int(row.get(f"evaluation_{key}") or 0) for key, _ in EVALUATION}
    total = sum(counts.values())
    discipline = next((line for line in (record.steps.get("discipline_opinion") or {}).get("discipline_checks") or []
                       if line.get("staff_no") == staff_no), {})
    return {"person": _candidate(session, record, staff_no, step), "talks_count": step.get("talks_count"),
            "talk_summary": row.get("talk_summary") or "", "findings": step.get("inspection_findings") or "",
            "evaluation": [{"label": label, "count": counts[key], "share": share(counts[key], total)}
                           for key, label in EVALUATION],
            "evaluation_total": total, "good_share": share(counts["excellent"] + counts["competent"], total),
            "opinion": RECOMMENDATION.get(row.get("recommendation"), row.get("recommendation") or ""),
            "recommended": row.get("recommendation") == "recommend", "reason": row.get("reason") or "",
            "integrity": discipline.get("integrity_conclusion") or "",
            "team": names_of(session, step.get("signed_by")),
            "inspected_on": cn_date(record.done_on.get("organizational_inspection"))}


def discipline_letter(session: Session, record: Record, staff_no: str | None) -> dict:
    step = record.steps.get("discipline_opinion")  # None while the body has not replied
    row = next((line for line in (step or {}).get("discipline_checks") or [] if line.get("staff_no") == staff_no), None)
    return {"person": _candidate(session, record, staff_no, step or {}), "letter_date": cn_date(
                record.opened_on.get("discipline_opinion")),
            "replied": row is not None, "result": DISCIPLINE.get((row or {}).get("discipline_result"), ""),
            "conclusion": (row or {}).get("integrity_conclusion") or "",
            "replied_on": cn_date(record.done_on.get("discipline_opinion")) if row else "",
            "signed": bool((step or {}).get("signed_by_secretary_and_head"))}


def meeting_minutes(session: Session, record: Record, staff_no: str | None) -> dict:
    # The last sitting the secretary closed (a later one may be waiting for its ballots).
    vote = [vote for vote in record.rounds if vote.seq < record.done_seq["secretary_ballot"]][-1]
    meeting = vote.meeting
    secretary = meeting.get("secretary") or ""
    present = names_of(session, [secretary, *(meeting.get("members_present") or [])])
    roster = [name for name in meeting.get("members_roster") or []
              if name != secretary and name not in (meeting.get("members_present") or [])]
    counts = {choice: sum(1 for ballot in vote.ballots if ballot[2] == choice) for choice in CHOICES}
    recused = list(meeting.get("recused_names") or [])
    due, attended = int(meeting.get("members_due") or 0), int(meeting.get("members_present_count") or len(present))
    policy = Policy.from_mapping(record.data["policy"]) if record.data.get("policy") else DEFAULT_POLICY
    decision = party_group_decision(due, attended, min(counts["approve"], attended - len(recused)), policy,
                                    recused=len(recused), recused_names=recused)
    outcome = "通过" if decision.passed else "缓议" if counts["defer"] > counts["reject"] else "未通过"
    return {"meeting_date": cn_date(meeting.get("meeting_date")), "briefing": meeting.get("briefing") or "",
            "secretary": names_of(session, [secretary])[0] if secretary else "", "present": present,
            "absent": names_of(session, roster), "recused": recused,
            "recusal_reason": meeting.get("recusal_reason") or "", "members_due": due, "members_present": attended,
            "method": VOTE_METHODS.get(meeting.get("vote_method"), (meeting.get("vote_method") or "",))[0],
            "counts": counts, "voted": sum(counts.values()),
            "arithmetic": decision.explanation, "passed": decision.passed, "quorum": decision.quorum,
            "outcome": outcome, "minutes": (record.steps.get("secretary_ballot") or {}).get("minutes") or "",
            "appointee": _appointee(session, record)}


def _appointee(session: Session, record: Record):
    staff_no = record.data.get("appointee")
    return _candidate(session, record, staff_no, {"appointee_records": record.data.get("appointee_records")}) \
        if staff_no else None


def publicity(session: Session, record: Record, staff_no: str | None) -> dict:
    step = record.steps["publicity_notice"]
    policy = Policy.from_mapping(record.data["policy"]) if record.data.get("policy") else DEFAULT_POLICY
    return {"appointee": _appointee(session, record), "scope": step.get("publicity_scope") or "",
            "content": step.get("publicity_content") or "",
            "period": _period(step["publicity_start"], policy.publicity_working_days, step.get("calendar_overrides")),
            "published_on": cn_date(step["publicity_start"])}


def appointment_notice(session: Session, record: Record, staff_no: str | None) -> dict:
    step = record.steps["appointment_notice"]
    return {"appointee": _appointee(session, record), "decided_on": cn_date(record.data.get("decision_date")),
            "notice_date": cn_date(step.get("notice_date")), "rank": step.get("civil_service_rank") or ""}


CONTEXTS = {"inspection_notice": inspection_notice, "recommendation": recommendation,
            "inspection_material": inspection_material, "discipline_letter": discipline_letter,
            "meeting_minutes": meeting_minutes, "publicity": publicity, "appointment_notice": appointment_notice,
            "removal_notice": appointment_notice}
