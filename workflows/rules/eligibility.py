"""Promotion priority after consecutive 优秀 years, and the Art. 24 exclusions the registry can decide."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.rules.facts import CadreFacts
from workflows.rules.findings import Finding
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

ARTICLE_24 = "《党政领导干部选拔任用工作条例》(2019) 第二十四条"
PRIORITY_SOURCE = "青数〔2024〕18号 四（六）"
GRADE_ZH = {
    "excellent": "优秀", "competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职",
    "not_graded": "不定等次",
}
# Art. 24(三): 上一年年度考核结果为基本称职以下等次. "not_graded" (不定等次) is deliberately absent: it is not a
# grade below 基本称职 but the absence of one (e.g. pending investigation, new hire, long leave), so the registry
# cannot exclude on it; whatever caused it (an investigation, a sanction) is judged on its own.
EXCLUDING_GRADES = ("basically_competent", "incompetent")


@dataclass(frozen=True)
class Exclusion:
    """One reason a cadre cannot be a 考察对象, with its clause of Art. 24."""

    code: str  # "annual_grade" or "sanction_impact"
    clause: str
    reason: str
    source: str
    figures: dict[str, Any]
    policy: dict[str, Any]


def promotion_priority(cadre: CadreFacts, as_of_year: int, policy: Policy = DEFAULT_POLICY) -> Finding:
    """Priority when the last ``excellent_streak_years`` completed years (before ``as_of_year``) are all 优秀.

    Seed 000: 连续三年被确定为优秀等次的干部，提拔重用时优先考虑. ``as_of_year`` is the current year, which is
    not yet completed, so the years checked are as_of_year-N … as_of_year-1. A year with no grade recorded
    breaks the streak: "连续" admits no gaps.
    """
    years = list(range(as_of_year - policy.excellent_streak_years, as_of_year))
    grades = {year: cadre.annual_grades.get(year) for year in years}
    applies = all(grade == "excellent" for grade in grades.values())
    span = f"{years[0]}–{years[-1]}"
    listed = "、".join(f"{year} 年{GRADE_ZH.get(grade, grade) if grade else '未录入'}"
                      for year, grade in grades.items())
    if applies:
        reason = (f"{cadre.name} {span} 年度考核连续 {policy.excellent_streak_years} 年为优秀，"
                  f"提拔重用时优先考虑（{PRIORITY_SOURCE}）")
    else:
        reason = (f"{cadre.name}近 {policy.excellent_streak_years} 个已完成年度考核：{listed}，"
                  f"不满足连续 {policy.excellent_streak_years} 年优秀")
    return Finding(applies=applies, reason=reason,
                   figures={"years": years, "grades": {str(year): grade for year, grade in grades.items()}},
                   policy=policy.subset("excellent_streak_years"))


def candidate_exclusions(cadre: CadreFacts, on: date, policy: Policy = DEFAULT_POLICY) -> list[Exclusion]:
    """The Art. 24 exclusions decidable from the registry: last year's grade and unexpired sanction impact.

    The other clauses (政治纪律, 群众公认度, 跑官拉票, 配偶子女移居, 期满仍影响使用, 其他) need human judgement
    and are recorded by the party group, not computed here. An empty list means "not excluded by the registry".
    """
    recorded = policy.subset()
    found: list[Exclusion] = []
    last_year = on.year - 1
    grade = cadre.annual_grades.get(last_year)
    # A missing grade is not an exclusion either: early in the year it may simply not be decided yet.
    if grade in EXCLUDING_GRADES:
        found.append(Exclusion(
            code="annual_grade", clause="第二十四条（三）",
            reason=f"{cadre.name} {last_year} 年度考核为{GRADE_ZH[grade]}（基本称职以下等次），不得列为考察对象",
            source=ARTICLE_24, figures={"year": last_year, "grade": grade}, policy=recorded))
    for sanction in cadre.sanctions:
        # The impact period includes its last day: on impact_until itself the cadre is still affected.
        if sanction.impact_until is not None and sanction.impact_until >= on:
            found.append(Exclusion(
                code="sanction_impact", clause="第二十四条（六）",
                reason=(f"{cadre.name}于 {sanction.decided_on.isoformat()} 受到{sanction.kind}，影响期至 "
                        f"{sanction.impact_until.isoformat()}，至 {on.isoformat()} 影响期未满，不得列为考察对象"),
                source=ARTICLE_24,
                figures={"kind": sanction.kind, "decided_on": sanction.decided_on.isoformat(),
                         "impact_until": sanction.impact_until.isoformat(), "on": on.isoformat()},
                policy=recorded))
    return found
