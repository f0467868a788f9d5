"""Month and year arithmetic: month ends and full years of age."""

from datetime import date

import pytest

from workflows.rules.dates import add_months
from workflows.rules.dates import add_years
from workflows.rules.dates import full_years
from workflows.rules.dates import months_between


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 3, 31), 1, date(2025, 4, 30)),
    (date(2025, 11, 1), 2, date(2026, 1, 1)),
    (date(2031, 11, 1), -60, date(2026, 11, 1)),
    (date(1970, 6, 1), 737, date(2031, 11, 1)),
])
def test_add_months_keeps_the_day_or_falls_back_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_from_29_february_lands_on_28_february():
    assert add_years(date(2016, 2, 29), 10) == date(2026, 2, 28)
    assert add_years(date(2016, 2, 29), 8) == date(2024, 2, 29)


def test_months_between_ignores_days():
    assert months_between(date(1965, 1, 31), date(1970, 6, 1)) == 65
    assert months_between(date(1965, 1, 1), date(1964, 12, 31)) == -1


@pytest.mark.parametrize(("on", "years"), [
    (date(2025, 5, 9), 39), (date(2025, 5, 10), 40), (date(2026, 5, 9), 40), (date(2026, 5, 10), 41),
])
def test_full_years_turn_on_the_birthday(on, years):
    assert full_years(date(1985, 5, 10), on) == years


def test_a_29_february_birthday_counts_on_28_february_in_common_years():
    assert full_years(date(2000, 2, 29), date(2041, 2, 27)) == 40
    assert full_years(date(2000, 2, 29), date(2041, 2, 28)) == 41


def test_full_years_before_the_start_are_not_positive():
    assert full_years(date(2020, 6, 1), date(2019, 7, 1)) == 0
