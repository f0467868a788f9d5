"""A working-day count from a model's data is bounded: it is counted day by day, so a huge one would run for minutes."""

import time
from datetime import date

import pytest

from workflows.processes import model_functions
from workflows.rules.calendar import MAX_WORKING_DAYS
from workflows.rules.calendar import working_day_deadline


@pytest.mark.parametrize("days", [MAX_WORKING_DAYS + 1, 10**9])
def test_a_huge_working_day_count_is_refused_at_once_naming_the_limit(days):
    began = time.perf_counter()
    with pytest.raises(ValueError, match=f"最多 {MAX_WORKING_DAYS} 个"):
        model_functions.working_days_end("2026-09-01", days)
    assert time.perf_counter() - began < 1


def test_the_longest_allowed_count_still_works():
    assert working_day_deadline(date(2026, 9, 1), MAX_WORKING_DAYS).end.year >= 2035
