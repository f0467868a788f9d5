"""Promotion priority after consecutive 优秀 years, and the screening of a candidate against the registry."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.rules.facts import CadreFacts
from workflows.rules.findings import Finding
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.qualifications import EDUCATION_ZH
from workflows.rules.qualifications import LEVEL_ZH
from workflows.rules.qualifications import LOWER_ZH
from workflows.rules.qualifications import NATIONAL_YEARS
from workflows.rules.qualifications import PositionRequirements
from workflows.rules.qualifications import education_against
from workflows.rules.qualifications import span_zh
from workflows.rules.qualifications import tenure_in_lower_level
from workflows.text import Text
from workflows.text import joined
from workflows.text import t

ARTICLE_24 = t("《党政领导干部选拔任用工作条例》(2019) 第二十四条")
ARTICLE_8 = t("《党政领导干部选拔任用工作条例》(2019) 第八条")
# Art. 24's seven grounds do not include an investigation in progress (domain §2 step 7); the ground the
# registry's flag records is 《公务员职务与职级并行规定》(2019) 第二十一条（三）:
# 涉嫌违纪违法正在接受审查调查尚未作出结论的.
PARALLEL_RULES_21 = t("《公务员职务与职级并行规定》(2019) 第二十一条")
TENURE_SOURCE = t("《公务员职务、职级与级别管理办法》(2020) 晋升乡科级领导职务的最低任职年限")
PRIORITY_SOURCE = t("青数〔2024〕18号 四（六）")
GRADE_ZH = {
    "excellent": t("优秀"), "competent": t("称职"), "basically_competent": t("基本称职"), "incompetent": t("不称职"),
    "not_graded": t("不定等次"),
}
# Art. 24(三): 上一年年度考核结果为基本称职以下等次. "not_graded" (不定等次) is deliberately absent: it is not a
# grade below 基本称职 but the absence of one (e.g. pending investigation, new hire, long leave), so the registry
# cannot exclude on it; whatever caused it (an investigation, a sanction) is judged on its own.
EXCLUDING_GRADES = ("basically_competent", "incompetent")


@dataclass(frozen=True)
class Exclusion:
    """One reason a cadre cannot be a 考察对象, with its clause of Art. 24."""

    code: str  # annual_grade, sanction_impact, under_investigation, years_in_lower_level, education
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
    listed = joined((t("{year} 年{grade}", year=year, grade=GRADE_ZH.get(grade, grade) if grade else t("未录入"))
                     for year, grade in grades.items()), "、")
    count = policy.excellent_streak_years
    if applies:
        reason = t("{name} {span} 年度考核连续 {count} 年为优秀，提拔重用时优先考虑（{source}）",
                   name=cadre.name, span=span, count=count, source=PRIORITY_SOURCE)
    else:
        reason = t("{name}近 {count} 个已完成年度考核：{listed}，不满足连续 {count} 年优秀",
                   name=cadre.name, count=count, listed=listed)
    return Finding(applies=applies, reason=reason,
                   figures={"years": years, "grades": {str(year): grade for year, grade in grades.items()}},
                   policy=policy.subset("excellent_streak_years"))


@dataclass(frozen=True)
class CheckNote:
    """A condition the registry cannot decide: not an exclusion, a note for a person to check by hand."""

    code: str  # years_unknown, years_exceptional, education_unknown, training
    clause: str
    reason: str
    source: str
    figures: dict[str, Any]
    policy: dict[str, Any]


@dataclass(frozen=True)
class Screening:
    """What the registry says of one candidate: the exclusions, and what a person must check."""

    exclusions: tuple[Exclusion, ...]
    notes: tuple[CheckNote, ...]


def candidate_exclusions(cadre: CadreFacts, on: date, policy: Policy = DEFAULT_POLICY,
                         requirements: PositionRequirements | None = None) -> list[Exclusion]:
    """The exclusions the registry decides; an empty list means "not excluded by the registry".

    Always: last year's grade, an unexpired sanction impact (Art. 24 三、六) and an investigation in progress. With
    the motion's ``requirements``: too few years in the lower level and education below the minimum. The other
    Art. 24 clauses (政治纪律, 群众公认度, 跑官拉票, 配偶子女移居, 期满仍影响使用, 其他) need human judgement and are
    recorded by the party group, not computed here.
    """
    return list(screen_candidate(cadre, on, policy, requirements).exclusions)


def screen_candidate(cadre: CadreFacts, on: date, policy: Policy = DEFAULT_POLICY,
                     requirements: PositionRequirements | None = None) -> Screening:
    """The exclusions and the notes for a person; the 任职资格 are read only when the motion's requirements are given.

    A fact the registry lacks (no post history, no education, no training records) never excludes: a wrong
    exclusion drops a candidate from the roster unseen, while a note is read by the organiser who checks it.
    """
    recorded = policy.subset()
    found = _article_24(cadre, on, recorded)
    if cadre.under_investigation:
        found.append(Exclusion(
            code="under_investigation", clause="第二十一条（三）",
            reason=t("{name}截至 {on} 正在接受审查调查，尚未作出结论（干部信息库记载），不得列为人选",
                     name=cadre.name, on=on.isoformat()),
            source=PARALLEL_RULES_21, figures={"under_investigation": True, "on": on.isoformat()}, policy=recorded))
    notes: list[CheckNote] = []
    if requirements is not None:
        _tenure(cadre, on, requirements, recorded, found, notes)
        _education(cadre, on, requirements, recorded, found, notes)
        notes.append(CheckNote(
            code="training", clause="第八条（五）",
            reason=t("{name}：干部信息库没有培训记录，截至 {on} 是否经过党校（行政学院）、干部学院等"
                     "培训须人工核实；提任前未达到培训要求的，应当在提任后一年内完成",
                     name=cadre.name, on=on.isoformat()),
            source=ARTICLE_8, figures={"training_records": None, "on": on.isoformat()}, policy=recorded))
    return Screening(tuple(found), tuple(notes))


def _article_24(cadre: CadreFacts, on: date, recorded: dict[str, Any]) -> list[Exclusion]:
    found: list[Exclusion] = []
    last_year = on.year - 1
    grade = cadre.annual_grades.get(last_year)
    # A missing grade is not an exclusion either: early in the year it may simply not be decided yet.
    if grade in EXCLUDING_GRADES:
        found.append(Exclusion(
            code="annual_grade", clause="第二十四条（三）",
            reason=t("{name} {year} 年度考核为{grade}（基本称职以下等次），不得列为考察对象",
                     name=cadre.name, year=last_year, grade=GRADE_ZH[grade]),
            source=ARTICLE_24, figures={"year": last_year, "grade": grade}, policy=recorded))
    for sanction in cadre.sanctions:
        # The impact period includes its last day: on impact_until itself the cadre is still affected.
        if sanction.impact_until is not None and sanction.impact_until >= on:
            found.append(Exclusion(
                code="sanction_impact", clause="第二十四条（六）",
                reason=t("{name}于 {decided} 受到{kind}，影响期至 {until}，至 {on} 影响期未满，不得列为考察对象",
                         name=cadre.name, decided=sanction.decided_on.isoformat(), kind=sanction.kind,
                         until=sanction.impact_until.isoformat(), on=on.isoformat()),
                source=ARTICLE_24,
                figures={"kind": sanction.kind, "decided_on": sanction.decided_on.isoformat(),
                         "impact_until": sanction.impact_until.isoformat(), "on": on.isoformat()},
                policy=recorded))
    return found


def _tenure(cadre: CadreFacts, on: date, requirements: PositionRequirements, recorded: dict[str, Any],
            found: list[Exclusion], notes: list[CheckNote]) -> None:
    target, required = requirements.post_level, requirements.years_required
    if target is None or required is None:
        return  # no post level: nothing to count against (the start form requires one)
    national = NATIONAL_YEARS[target]
    clause = "（一）" if target == "section_chief" else "（二）"
    tenure = tenure_in_lower_level(cadre, target, on)
    figures: dict[str, Any] = {
        "post_level": target, "required_years": required, "national_years": national,
        "set_by_motion": requirements.required_years_in_lower_level is not None, "on": on.isoformat(),
        "counted_days": tenure.days if tenure else None,
        "counted_since": tenure.since.isoformat() if tenure else None,
        "history_complete": tenure.complete if tenure else False,
        "unplaced_posts": list(tenure.unplaced) if tenure else [],
        "first_recorded": tenure.first_recorded.isoformat() if tenure and tenure.first_recorded else None}
    wanted = t("晋升{level}领导职务须任{lower} {required} 年以上", level=LEVEL_ZH[target], lower=LOWER_ZH[target],
               required=required)
    if required != national:
        wanted = t("{wanted}（本次动议确定；国家规定为 {national} 年）", wanted=wanted, national=national)
    held = {"name": cadre.name, "on": on.isoformat(), "lower": LOWER_ZH[target]}
    if tenure is not None and tenure.meets(required, on):
        if not tenure.meets(national, on):
            notes.append(CheckNote(
                code="years_exceptional", clause=clause, source=TENURE_SOURCE, figures=figures, policy=recorded,
                reason=t("{name}至 {on} 任{lower}累计 {span}，达到动议的 {required} 年但不满国家规定的 {national} 年："
                         "属突破任职资格，须按破格提拔事先征得上级组织（人事）部门同意",
                         **held, span=span_zh(tenure.since, on), required=required, national=national)))
        return
    if tenure is None or not tenure.complete:
        if tenure is None:
            fact = t("干部信息库没有任职经历记录")
        else:
            fact = t("干部信息库的任职经历自 {first} 起，可计算的为 {span}", span=span_zh(tenure.since, on),
                     first=tenure.first_recorded.isoformat() if tenure.first_recorded else "—")
            if tenure.unplaced:
                fact = t("{fact}，其中「{titles}」未记职务层次或职级", fact=fact, titles=_titles(tenure.unplaced))
        notes.append(CheckNote(
            code="years_unknown", clause=clause, source=TENURE_SOURCE, figures=figures, policy=recorded,
            reason=t("{name}：{fact}，不能确定至 {on} 是否符合{wanted}，须人工核实任职年限", name=cadre.name,
                     fact=fact, on=on.isoformat(), wanted=wanted)))
        return
    found.append(Exclusion(
        code="years_in_lower_level", clause=clause, source=TENURE_SOURCE, figures=figures, policy=recorded,
        reason=t("{name}至 {on} 任{lower}累计 {span}，不符合{wanted}", **held, span=span_zh(tenure.since, on),
                 wanted=wanted)))


def _titles(titles: tuple[str, ...]) -> str:
    # 「a」「b」: each pair nested, so that the quotes between the titles are translated too.
    text = titles[-1]
    for title in reversed(titles[:-1]):
        text = t("{first}」「{rest}", first=title, rest=text)
    return text


def _education(cadre: CadreFacts, on: date, requirements: PositionRequirements, recorded: dict[str, Any],
               found: list[Exclusion], notes: list[CheckNote]) -> None:
    required = requirements.required_education
    if required is None:
        return  # the motion set no minimum: 第八条（四）'s 大学专科以上 is "一般", not a hard filter
    result = education_against(cadre, required)
    if result.meets:
        return
    figures = {"required": required, "full_time": cadre.ft_education_level, "part_time": cadre.pt_education_level,
               "highest": result.highest, "on": on.isoformat()}
    shown = t("全日制{full_time}、在职{part_time}", full_time=_education_zh(cadre.ft_education_level),
              part_time=_education_zh(cadre.pt_education_level))
    if not result.known:
        notes.append(CheckNote(
            code="education_unknown", clause="第八条（四）", source=ARTICLE_8, figures=figures, policy=recorded,
            reason=t("{name}：截至 {on} 干部信息库记载的学历为{shown}，不能确定是否达到本次动议要求的{required}，"
                     "须人工核实学历", name=cadre.name, on=on.isoformat(), shown=shown,
                     required=EDUCATION_ZH[required])))
        return
    found.append(Exclusion(
        code="education", clause="第八条（四）", source=ARTICLE_8, figures=figures, policy=recorded,
        reason=t("{name}截至 {on} 最高学历为{highest}（{shown}），低于本次动议要求的{required}，不符合任职条件",
                 name=cadre.name, on=on.isoformat(), highest=EDUCATION_ZH[result.highest], shown=shown,
                 required=EDUCATION_ZH[required])))


def _education_zh(code: str | None) -> Text:
    return t("未记载") if code is None else EDUCATION_ZH.get(code, t("其他"))
