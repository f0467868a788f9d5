"""Where each candidate of a selection stands: recommended, inspected, left (at which step, why), proposed.

Read from the case data the model keeps (``recommended``, ``candidates``, ``candidate_outcomes``, the ⑥
and 竞争上岗 rankings, the 拟任人选), as of any point of the record, for the case page, the replay and the
纪实表. A case of a model without a candidate list gives no lines.
"""

from dataclasses import dataclass

from workflows.text import t


@dataclass(frozen=True)
class CandidateLine:
    """One candidate as the record shows them."""

    staff_no: str
    name: str
    votes: str  # ⑥ "votes (share of valid ballots)", or ""
    exam_total: str  # 竞争上岗 weighted total, or ""
    status: str
    step: str
    reason: str


def _names(data: dict) -> dict[str, str]:
    names: dict[str, str] = {}
    for key, value in data.items():
        if key.endswith("_records") and isinstance(value, list):
            names.update({record["staff_no"]: record.get("name") or record["staff_no"]
                          for record in value if isinstance(record, dict) and record.get("staff_no")})
    return names


def _status(staff_no: str, data: dict, outcomes: dict[str, dict]) -> tuple[str, str, str]:
    if staff_no in outcomes:
        outcome = outcomes[staff_no]
        return outcome.get("outcome", ""), outcome.get("step", ""), outcome.get("reason", "")
    if data.get("proposal_ready") and data.get("appointee") == staff_no:
        return t("拟任人选"), t("综合分析提出任用建议"), ""
    if staff_no in (data.get("candidates") or []):
        return t("考察对象"), t("⑦确定考察对象"), ""
    return t("推荐人选"), "", ""


def lines(data: dict) -> list[CandidateLine]:
    """The candidates in the order they were recommended (then any added later), with their standing."""
    recommended = list(data.get("recommended") or data.get("reference_list") or [])
    if not recommended or "candidate_outcomes" not in data:
        return []
    ordered = recommended + [staff_no for staff_no in data.get("candidates") or [] if staff_no not in recommended]
    outcomes = {outcome["staff_no"]: outcome for outcome in data.get("candidate_outcomes") or []
                if isinstance(outcome, dict)}
    votes = {row["staff_no"]: f"{row['votes']}（{row['share']}）" for row in data.get("recommendation_ranking") or []}
    exams = {row["staff_no"]: row["total"] for row in data.get("exam_ranking") or []}
    names = _names(data)
    return [CandidateLine(staff_no, names.get(staff_no, staff_no), votes.get(staff_no, ""), exams.get(staff_no, ""),
                          *_status(staff_no, data, outcomes)) for staff_no in ordered]
