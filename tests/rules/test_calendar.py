"""Working-day deadlines: official holidays, make-up workdays, local overrides, unpublished years."""

from datetime import date

import pytest

from workflows.rules.calendar import LIBRARY
from workflows.rules.calendar import calendar_version
from workflows.rules.calendar import handover_deadline
from workflows.rules.calendar import publicity_deadline
from workflows.rules.calendar import working_day_deadline
from workflows.rules.policy import Policy


def days(*iso: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(d) for d in iso)


# domain.md §8, "Verified examples": start, end, the working days counted.
PUBLICITY_EXAMPLES = [
    ("2025-09-26", "2025-10-09", days("2025-09-26", "2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09")),
    ("2025-01-24", "2025-02-06", days("2025-01-24", "2025-01-26", "2025-01-27", "2025-02-05", "2025-02-06")),
    ("2026-02-12", "2026-02-25", days("2026-02-12", "2026-02-13", "2026-02-14", "2026-02-24", "2026-02-25")),
    ("2026-09-28", "2026-10-09", days("2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09")),
]


@pytest.mark.parametrize(("start", "end", "counted"), PUBLICITY_EXAMPLES)
def test_five_day_publicity_examples_of_the_domain_reference(start, end, counted):
    deadline = working_day_deadline(date.fromisoformat(start), 5)
    assert deadline.end == date.fromisoformat(end)
    assert deadline.days == counted
    assert deadline.provisional is False
    assert deadline.uncovered_years == ()


def test_a_start_on_a_holiday_counts_from_the_next_working_day():
    # 2025-10-01 is 国庆; work resumes 10-09, and Saturday 10-11 is a make-up workday.
    deadline = working_day_deadline(date(2025, 10, 1), 5)
    assert deadline.days == days("2025-10-09", "2025-10-10", "2025-10-11", "2025-10-13", "2025-10-14")


def test_a_start_on_a_weekend_make_up_workday_counts_that_day():
    deadline = working_day_deadline(date(2025, 9, 28), 5)  # Sunday, 调休上班
    assert deadline.days[0] == date(2025, 9, 28)
    assert deadline.end == date(2025, 10, 10)


def test_a_start_on_an_ordinary_weekend_counts_from_monday():
    assert working_day_deadline(date(2025, 3, 8), 1).end == date(2025, 3, 10)


def test_one_working_day_on_a_working_day_ends_the_same_day():
    assert working_day_deadline(date(2025, 3, 10), 1).end == date(2025, 3, 10)


def test_a_local_override_closing_a_day_pushes_the_end():
    closed = {date(2025, 9, 29): False}
    deadline = working_day_deadline(date(2025, 9, 26), 5, closed)
    assert date(2025, 9, 29) not in deadline.days
    assert deadline.end == date(2025, 10, 10)


def test_a_local_override_opening_a_holiday_counts_it():
    opened = {date(2025, 10, 8): True}
    assert working_day_deadline(date(2025, 9, 26), 5, opened).end == date(2025, 10, 8)


def test_a_2027_start_is_provisional_weekends_only_and_does_not_raise():
    # 2027-01-01 would normally be New Year's Day; with no published calendar only weekends are rest days.
    deadline = working_day_deadline(date(2027, 1, 1), 5)
    assert deadline.days == days("2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07")
    assert deadline.provisional is True
    assert deadline.uncovered_years == (2027,)


def test_a_period_crossing_from_2026_into_2027_is_provisional():
    deadline = working_day_deadline(date(2026, 12, 28), 10)
    assert deadline.days[:4] == days("2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31")
    assert deadline.end == date(2027, 1, 8)
    assert deadline.provisional is True


def test_a_period_ending_on_the_last_published_day_is_not_provisional():
    deadline = working_day_deadline(date(2026, 12, 28), 4)
    assert deadline.end == date(2026, 12, 31)
    assert deadline.provisional is False


def test_a_year_before_the_library_range_is_provisional_too():
    assert working_day_deadline(date(2003, 6, 2), 1).provisional is True


def test_an_override_decides_an_unpublished_day_without_making_it_provisional():
    deadline = working_day_deadline(date(2027, 1, 1), 1, {date(2027, 1, 1): True})
    assert deadline.end == date(2027, 1, 1)
    assert deadline.provisional is False


@pytest.mark.parametrize("bad", [0, -1, True, 2.0])
def test_fewer_than_one_working_day_is_refused(bad):
    with pytest.raises(ValueError, match="工作日"):
        working_day_deadline(date(2025, 3, 10), bad)


def test_calendar_version_names_the_library_and_the_overrides():
    assert LIBRARY.startswith("chinesecalendar 1.11")
    assert working_day_deadline(date(2025, 3, 10), 1).calendar_version == calendar_version(None)
    one = calendar_version({date(2025, 9, 29): False})
    assert "1 天" in one and "sha256:" in one
    assert one != calendar_version({date(2025, 9, 29): True})
    assert one == calendar_version({date(2025, 9, 29): False})


def test_publicity_and_handover_deadlines_follow_the_policy():
    assert publicity_deadline(date(2025, 9, 26)).end == date(2025, 10, 9)
    assert publicity_deadline(date(2025, 9, 26)).policy["publicity_working_days"] == 5
    assert publicity_deadline(date(2025, 9, 26), Policy(publicity_working_days=7)).end == date(2025, 10, 11)
    handover = handover_deadline(date(2026, 9, 28))
    assert handover.working_days == 10
    assert date(2026, 10, 10) in handover.days  # Saturday, 调休上班 after 国庆 2026
    assert handover.end == date(2026, 10, 15)
    assert handover.policy == {"version": Policy().version, "handover_working_days": 10}
