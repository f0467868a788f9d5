"""Leave within a period (the probation year): overlap days, each day once; the model function on a record."""

from datetime import date

import pytest

from workflows.engine.expressions import RestrictedEnvironment
from workflows.processes.model_functions import probation_leave_days
from workflows.rules.leave import leave_days_within

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(("leaves", "days"), [
    ([], 0),
    ([(date(2026, 3, 1), date(2026, 3, 1))], 1),  # one day: both ends included
    ([(date(2026, 3, 1), date(2026, 3, 31))], 31),
    ([(date(2025, 12, 20), date(2026, 1, 10))], 10),  # begins before the period: clipped at its start
    ([(date(2026, 12, 25), date(2027, 1, 31))], 7),  # runs past the period: clipped at its end
    ([(date(2025, 1, 1), date(2027, 12, 31))], 365),  # covers the whole period
    ([(date(2025, 1, 1), date(2025, 12, 31))], 0),  # ends the day before
    ([(date(2027, 1, 1), date(2027, 2, 1))], 0),  # starts the day after
    ([(date(2026, 12, 31), date(2027, 1, 1))], 1),  # touches the last day
    ([(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 5), date(2026, 3, 20))], 20),  # overlap counted once
    ([(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 10), date(2026, 3, 12))], 31),  # one inside another
    ([(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 11), date(2026, 3, 20))], 20),  # adjacent
    ([(date(2026, 5, 1), date(2026, 5, 2)), (date(2026, 3, 1), date(2026, 3, 2))], 4),  # any order
])
def test_leave_days_within_counts_the_days_of_leave_inside_the_period(leaves, days):
    assert leave_days_within(leaves, *YEAR) == days


def test_a_leap_year_and_an_empty_period():
    assert leave_days_within([(date(2028, 2, 1), date(2028, 3, 1))], date(2028, 1, 1), date(2028, 12, 31)) == 30
    assert leave_days_within([(date(2026, 3, 1), date(2026, 3, 31))], date(2026, 4, 1), date(2026, 3, 1)) == 0


def test_a_leave_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="早于起始日期"):
        leave_days_within([(date(2026, 3, 10), date(2026, 3, 1))], *YEAR)


RECORD = {"staff_no": "QP0003", "leaves": [
    {"kind": "maternity", "start": "2026-02-01", "end": "2026-06-30"},
    {"kind": "sick", "start": "2026-07-01", "end": "2026-08-31"},
    {"kind": "annual", "start": "2026-10-08", "end": "2026-10-12"},
]}


def test_probation_leave_days_reads_the_attached_record():
    assert probation_leave_days(RECORD, "2026-01-15", "2027-01-14") == 150 + 62 + 5
    assert probation_leave_days(RECORD, "2026-01-15", "2027-01-14", ["maternity", "sick"]) == 212
    assert probation_leave_days(RECORD, "2026-03-01", "2026-03-31") == 31
    # A record attached before leave periods were kept, or none at all, has no leave.
    assert probation_leave_days({"staff_no": "QP0003"}, "2026-01-01", "2026-12-31") == 0
    assert probation_leave_days(None, "2026-01-01", "2026-12-31") == 0


def test_a_model_may_call_it_to_extend_probation_beyond_six_months_of_leave():
    scope = {"appointee_records": RECORD, "decision_date": "2026-01-15"}
    expression = "probation_leave_days(appointee_records, decision_date, months_after(decision_date, 12)) > 183"
    assert RestrictedEnvironment().evaluate(expression, scope) is True
