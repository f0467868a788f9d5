"""Working-day deadlines on the Chinese official calendar, with local overrides and a flagged fallback."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import timedelta
from importlib import metadata
from typing import Any

import chinese_calendar

from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import t


def _library_version() -> str:
    # The installed distribution's version is what decided the holidays; record it, not a guess.
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:
        return str(getattr(chinese_calendar, "__version__", "unknown"))


LIBRARY = f"chinesecalendar {_library_version()}"


@dataclass(frozen=True)
class Deadline:
    """The end of a period of working days and everything needed to reproduce it later."""

    start: date
    working_days: int
    end: date  # the last working day of the period
    days: tuple[date, ...]  # the working days counted, in order
    provisional: bool  # some day was decided by weekends alone: the official calendar for its year is missing
    uncovered_years: tuple[int, ...]  # the years that were decided by weekends alone
    calendar_version: str
    policy: dict[str, Any]


def is_working_day(day: date, overrides: Mapping[date, bool] | None = None) -> tuple[bool, bool]:
    """Whether ``day`` is a working day, and whether that answer is provisional (weekends-only fallback)."""
    # A local decision (e.g. a bureau closure) wins over the national calendar.
    if overrides and day in overrides:
        return bool(overrides[day]), False
    try:
        # Counts declared make-up workdays (调休上班) on weekends and excludes official holidays.
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        # The State Council publishes each year's holidays around November; until the library has them,
        # weekdays are assumed to be working days and the result is flagged, never silently final.
        return day.weekday() < 5, True


# About ten years of working days: longer than any period of the procedures (probation is one year).
MAX_WORKING_DAYS = 2500


def working_day_deadline(start: date, working_days: int,
                         overrides: Mapping[date, bool] | None = None) -> Deadline:
    """The ``working_days``-th working day counting from ``start`` (``start`` counts when it is a working day)."""
    if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 1:
        raise ValueError(t("工作日天数须为正整数，收到 {value}", value=repr(working_days)))
    if working_days > MAX_WORKING_DAYS:  # counted day by day: a number from a model's data must not run for minutes
        raise ValueError(t("工作日天数最多 {most} 个，收到 {value}", most=MAX_WORKING_DAYS, value=working_days))
    counted: list[date] = []
    uncovered: set[int] = set()
    day = start
    while len(counted) < working_days:
        working, provisional = is_working_day(day, overrides)
        if provisional:
            uncovered.add(day.year)
        if working:
            counted.append(day)
        day += timedelta(days=1)
    return Deadline(
        start=start, working_days=working_days, end=counted[-1], days=tuple(counted),
        provisional=bool(uncovered), uncovered_years=tuple(sorted(uncovered)),
        calendar_version=calendar_version(overrides), policy={"working_days": working_days})


def publicity_deadline(start: date, policy: Policy = DEFAULT_POLICY,
                       overrides: Mapping[date, bool] | None = None) -> Deadline:
    """The last day of 任前公示 (≥ policy.publicity_working_days working days, 2019 条例 第四十二条)."""
    deadline = working_day_deadline(start, policy.publicity_working_days, overrides)
    return _with_policy(deadline, policy.subset("publicity_working_days"))


def handover_deadline(start: date, policy: Policy = DEFAULT_POLICY,
                      overrides: Mapping[date, bool] | None = None) -> Deadline:
    """The last day of the transfer handover (within policy.handover_working_days working days, 转任规定)."""
    deadline = working_day_deadline(start, policy.handover_working_days, overrides)
    return _with_policy(deadline, policy.subset("handover_working_days"))


def calendar_version(overrides: Mapping[date, bool] | None = None) -> str:
    """The library version plus a count and digest of the local overrides, so a result can be reproduced."""
    if not overrides:
        return f"{LIBRARY}; 无本地调整"
    lines = "\n".join(f"{day.isoformat()}={int(bool(value))}" for day, value in sorted(overrides.items()))
    digest = hashlib.sha256(lines.encode("utf-8")).hexdigest()[:12]
    return f"{LIBRARY}; 本地调整 {len(overrides)} 天 sha256:{digest}"


def _with_policy(deadline: Deadline, policy: dict[str, Any]) -> Deadline:
    return replace(deadline, policy=policy)
