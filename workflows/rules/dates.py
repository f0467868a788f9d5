"""Month and year arithmetic on dates, with one convention for month ends used by every rule."""

from datetime import date


def month_start(day: date) -> date:
    """The first day of the month ``day`` falls in."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; a day missing in the target month becomes its last day.

    The month-end convention follows 民法典 第二百零三条 (到期月没有对应日的，月末日为期间的最后一日),
    so that 2016-02-29 plus ten years is 2026-02-28, not an exception and not March.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years, with the same month-end convention as ``add_months``."""
    return add_months(day, 12 * years)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month (days ignored)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def full_years(since: date, on: date) -> int:
    """Completed years from ``since`` to ``on`` (周岁 for a birth date); negative if ``on`` is earlier."""
    years = on.year - since.year
    # Count the last year only once its anniversary (month-end convention) has been reached.
    if years > 0 and add_years(since, years) > on:
        years -= 1
    elif years < 0 and add_years(since, years) < on:
        years += 1
    return years
