"""Leave within a period: the days of leave that fall in it, as the probation year counts them."""

# Domain reference §2 step 16: leave of more than six months (work injury, maternity …) may extend the probation
# year, so a model needs the days of leave inside that year.

from collections.abc import Iterable
from datetime import date
from datetime import timedelta

from workflows.text import t


def leave_days_within(leaves: Iterable[tuple[date, date]], start: date, end: date) -> int:
    """Calendar days from ``start`` to ``end`` (both included) on which the cadre was on leave.

    ``leaves`` are (first day, last day) pairs, both included. A day covered by two entries counts once;
    an entry that ends before it starts is refused (ValueError), since no stored leave can look like that.
    """
    if end < start:
        return 0
    clipped = []
    for first, last in leaves:
        if last < first:
            raise ValueError(t("请假结束日期 {last} 早于起始日期 {first}", last=last.isoformat(),
                               first=first.isoformat()))
        first, last = max(first, start), min(last, end)
        if first <= last:
            clipped.append((first, last))
    days, covered_until = 0, start - timedelta(days=1)
    for first, last in sorted(clipped):
        first = max(first, covered_until + timedelta(days=1))  # days already counted are not counted again
        if first <= last:
            days += (last - first).days + 1
            covered_until = last
    return days
