"""Statutory retirement month under the 2025 gradual reform (全国人大常委会 2024-09-13 决定)."""

from dataclasses import dataclass
from datetime import date

from workflows.rules.dates import add_months
from workflows.rules.dates import month_start
from workflows.rules.dates import months_between
from workflows.text import joined
from workflows.text import t

# Recorded with every result that depends on a retirement date, so a later rule change is visible in replay.
retirement_rule_version = t("Rules20240913（全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》，"
                            "2025-01-01 起施行）")


@dataclass(frozen=True)
class _Schedule:
    """One annex table of the 国务院办法: who starts being delayed, how fast, and up to how much."""

    label: str
    original_age_years: int
    first_delayed_cohort: date  # first birth month delayed by one month
    step_months: int  # one month of delay per this many months of birth cohort
    max_delay_months: int


# 国务院办法 第一条 and its annex tables 1–3 (domain §7.1, §7.2).
SCHEDULES: dict[str, _Schedule] = {
    "male": _Schedule("男职工", 60, date(1965, 1, 1), 4, 36),  # 60 → 63
    "female_cadre": _Schedule("女干部（原法定退休年龄55周岁）", 55, date(1970, 1, 1), 4, 36),  # 55 → 58
    "female_worker": _Schedule("女职工（原法定退休年龄50周岁）", 50, date(1975, 1, 1), 2, 60),  # 50 → 55
}


def delay_months(birth: date, category: str) -> int:
    """Months added to the original statutory age for this birth month and category."""
    schedule = _schedule(category)
    index = months_between(schedule.first_delayed_cohort, birth)
    # Cohorts born before the first delayed month keep the original age; the delay grows one month per step.
    if index < 0:
        return 0
    return min(schedule.max_delay_months, index // schedule.step_months + 1)


def statutory_retirement_month(birth: date, category: str) -> date:
    """The first day of the month in which the statutory retirement age is reached.

    Month granularity on purpose: the reform counts birth cohorts by month, and the day of birth
    does not change the month (domain §7.2). Flexible early/late retirement changes the actual
    date, never this statutory one.
    """
    schedule = _schedule(category)
    months = schedule.original_age_years * 12 + delay_months(birth, category)
    return add_months(month_start(birth), months)


def statutory_age_months(birth: date, category: str) -> int:
    """The statutory retirement age in months (e.g. 737 = 61 years 5 months)."""
    return _schedule(category).original_age_years * 12 + delay_months(birth, category)


# What the 到龄退二线 window counts back from (Policy.second_line_anchor), in the words a record shows.
ANCHORS = {
    "statutory": t("2025 年渐进式延迟退休改革后的法定退休月份"),
    "original": t("改革前的原法定退休年龄（男 60 周岁，女干部 55 周岁，女职工 50 周岁）"),
}


def original_retirement_month(birth: date, category: str) -> date:
    """The month the pre-2025 statutory age (60 / 55 / 50) is reached, without the reform's delay."""
    return add_months(month_start(birth), _schedule(category).original_age_years * 12)


def anchor_month(birth: date, category: str, anchor: str) -> date:
    """The month the second-line window counts back from: the statutory month, or the pre-2025 age's."""
    if anchor not in ANCHORS:
        raise ValueError(t("未知的退二线计算基准 {anchor}（可用：{known}）", anchor=repr(anchor),
                           known=joined(ANCHORS, "、")))
    if anchor == "original":
        return original_retirement_month(birth, category)
    return statutory_retirement_month(birth, category)


def _schedule(category: str) -> _Schedule:
    try:
        return SCHEDULES[category]
    except (KeyError, TypeError):
        raise ValueError(t("未知的退休年龄类别 {category}（可用类别：{known}）", category=repr(category),
                           known=joined(SCHEDULES, "、"))) from None
