"""Model functions of the selection: the candidate list (who is in it after each step, and why not), the probation.

From the reference list of ⑤ to the 拟任人选 of ⑬ a selection works per candidate: each step's form has a
row per candidate (``x-rows-for``), and these functions read those rows. Like every model function they
take and give JSON only, so a replay computes what the run computed.
"""

from collections.abc import Callable
from datetime import date
from datetime import timedelta
from fractions import Fraction
from typing import Any

from workflows.rules.dates import add_months

# What ends a candidacy at the four checks (凡提四必) and the inspection, by the form's own codes.
# 个人有关事项: an omission (漏报) is corrected and explained, concealment (隐瞒不报) disqualifies.
FAILING = {
    "candidate_inspections": ("recommendation", {"not_recommend": "考察组意见为不建议任用"}, "⑨组织考察"),
    "dossier_checks": ("dossier_result", {"issue": "干部档案审核发现问题"}, "⑩干部档案审核"),
    "personal_matters_checks": ("personal_matters_result", {"concealment": "个人有关事项隐瞒不报"},
                                "⑪个人有关事项查核"),
    "discipline_checks": ("discipline_result", {"issue_affects_use": "纪检监察机关认为存在影响使用的问题",
                                                "under_investigation": "正在接受纪检监察机关审查调查"},
                          "⑫纪检监察意见"),
    "complaint_checks": ("complaints_result", {"serious": "信访举报反映的问题查实，影响使用"}, "⑫信访举报核查"),
}
# Which column explains a failing row, when the form has one.
EXPLAINED_BY = {"candidate_inspections": "reason", "dossier_checks": "dossier_note",
                "personal_matters_checks": "personal_matters_note", "discipline_checks": "integrity_conclusion",
                "complaint_checks": "complaints_note"}


def listed(rows: list, key: str) -> list:
    """The staff numbers of the rows whose ``key`` is true (a 列为参考人选 choice), in row order."""
    return [row["staff_no"] for row in rows or [] if row.get(key) is True]


def _share(votes: int, valid: int) -> str:
    """votes / valid in per cent to one decimal, rounded half up, in whole-number arithmetic (exact on replay)."""
    if not valid:
        return "—"
    tenths = (votes * 1000 * 2 + valid) // (2 * valid)
    return f"{tenths // 10}.{tenths % 10}%"


def recommendation_results(tally: list, ballots_valid: int) -> list:
    """Each candidate's votes at ⑥ by voter category, their total and share of valid ballots, most votes first."""
    results = []
    for row in tally or []:
        votes = sum(int(row.get(key) or 0) for key in ("votes_leaders", "votes_middle", "votes_other"))
        results.append({"staff_no": row["staff_no"], "votes": votes, "share": _share(votes, ballots_valid)})
    return sorted(results, key=lambda result: -result["votes"])


def ratio_text(candidates: list, posts: int) -> str:
    """The 差额 ratio of inspection candidates to posts, as the record writes it ("3:1")."""
    return f"{len(candidates or [])}:{posts}"


def after_checks(candidates: list, step_rows: dict) -> dict:
    """The candidates who pass the inspection and the four checks, and a record line for each who does not.

    ``step_rows`` maps each step's rows field (see FAILING) to its submitted rows; a candidate leaves at the
    first step that fails them, and the record names every failing step with its explanation.
    """
    remaining, dropped = [], []
    for staff_no in candidates or []:
        reasons = []
        for field, (column, failing, step) in FAILING.items():
            row = next((row for row in step_rows.get(field) or [] if row.get("staff_no") == staff_no), {})
            if row.get(column) in failing:
                note = str(row.get(EXPLAINED_BY[field]) or "").strip()
                reasons.append(f"{step}：{failing[row[column]]}" + (f"（{note}）" if note else ""))
        if reasons:
            dropped.append({"staff_no": staff_no, "step": "考察与凡提四必", "outcome": "退出人选",
                            "reason": "；".join(reasons)})
        else:
            remaining.append(staff_no)
    return {"remaining": remaining, "dropped": dropped}


def excluded_outcomes(records: list, eligible: list, notes: list, step: str) -> list:
    """A record line for each candidate the registry re-check excluded, with their note.

    ``notes`` are ``exclusion_notes`` of the same records: one per excluded record, in the records' order.
    """
    excluded = [record for record in records or [] if record["staff_no"] not in (eligible or [])]
    return [{"staff_no": record["staff_no"], "step": step, "outcome": "排除",
             "reason": note.split("：", 1)[-1] if note else "按干部信息库复核被排除"}
            for record, note in zip(excluded, [*(notes or []), *[None] * len(excluded)], strict=False)]


def not_proposed(candidates: list, appointee: str) -> list:
    """A record line for each remaining candidate not proposed as the 拟任人选 (one per post)."""
    return [{"staff_no": staff_no, "step": "综合分析提出任用建议", "outcome": "未确定为拟任人选",
             "reason": "经综合分析，确定其他人选为拟任人选"}
            for staff_no in candidates or [] if staff_no != appointee]


def exam_results(scores: list, written_weight: int) -> list:
    """竞争上岗: each candidate's written and interview scores, the weighted total (written share in per cent)."""
    results = []
    for row in scores or []:
        total = (Fraction(str(row.get("written_score") or 0)) * written_weight
                 + Fraction(str(row.get("interview_score") or 0)) * (100 - written_weight)) / 100
        hundredths = round(total * 100)  # Fraction rounds half to even, exactly: the same on every replay
        results.append({"staff_no": row["staff_no"], "written_score": row.get("written_score"),
                        "interview_score": row.get("interview_score"),
                        "total": f"{hundredths // 100}.{hundredths % 100:02d}", "_order": -hundredths})
    ranked = sorted(results, key=lambda result: result["_order"])
    return [{key: value for key, value in result.items() if key != "_order"} for result in ranked]


def probation_over_on(decision_date: str, leave_days: int) -> str:
    """The day the probation year is over: a year from the decision, later by the leave if it exceeded six months.

    A probation year is for working in the post: leave of more than six months in it (the registry's leave
    periods) extends it by the whole leave, not only by what exceeds six months.
    """
    start = date.fromisoformat(decision_date[:10])
    end = add_months(start, 12)
    six_months = (add_months(start, 6) - start).days
    return (end + timedelta(days=leave_days) if leave_days > six_months else end).isoformat()


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "listed": listed, "recommendation_results": recommendation_results, "ratio_text": ratio_text,
    "after_checks": after_checks, "excluded_outcomes": excluded_outcomes, "not_proposed": not_proposed,
    "exam_results": exam_results, "probation_over_on": probation_over_on,
}
