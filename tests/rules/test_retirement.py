"""Statutory retirement month under the 2025 reform: every checked vector of domain §7.2."""

from datetime import date

import pytest

from workflows.rules.retirement import anchor_month
from workflows.rules.retirement import delay_months
from workflows.rules.retirement import original_retirement_month
from workflows.rules.retirement import retirement_rule_version
from workflows.rules.retirement import statutory_age_months
from workflows.rules.retirement import statutory_retirement_month

# (birth year-month, category, delay in months, statutory age in months, retirement year-month)
VECTORS = [
    ((1964, 12), "male", 0, 60 * 12, (2024, 12)),
    ((1965, 1), "male", 1, 60 * 12 + 1, (2025, 2)),
    ((1965, 5), "male", 2, 60 * 12 + 2, (2025, 7)),
    ((1970, 6), "male", 17, 61 * 12 + 5, (2031, 11)),
    ((1976, 8), "male", 35, 62 * 12 + 11, (2039, 7)),
    ((1976, 9), "male", 36, 63 * 12, (2039, 9)),
    ((1970, 1), "female_cadre", 1, 55 * 12 + 1, (2025, 2)),
    ((1971, 4), "female_cadre", 4, 55 * 12 + 4, (2026, 8)),
    ((1981, 9), "female_cadre", 36, 58 * 12, (2039, 9)),
    ((1975, 1), "female_worker", 1, 50 * 12 + 1, (2025, 2)),
    ((1984, 11), "female_worker", 60, 55 * 12, (2039, 11)),
]


@pytest.mark.parametrize(("birth", "category", "delay", "age", "retires"), VECTORS)
def test_checked_vectors_of_the_reform_tables(birth, category, delay, age, retires):
    born = date(*birth, 17)
    assert delay_months(born, category) == delay
    assert statutory_age_months(born, category) == age
    assert statutory_retirement_month(born, category) == date(*retires, 1)


@pytest.mark.parametrize("day", [1, 15, 30])
def test_day_of_birth_does_not_move_the_month(day):
    assert statutory_retirement_month(date(1970, 6, day), "male") == date(2031, 11, 1)


@pytest.mark.parametrize(("birth", "category", "retires"), [
    ((1964, 12), "male", (2024, 12)),  # last cohort before the reform
    ((1965, 4), "male", (2025, 5)),  # last month of the first 4-month step: still +1
    ((1965, 5), "male", (2025, 7)),  # first month of the second step: +2
    ((1969, 12), "female_cadre", (2024, 12)),
    ((1974, 12), "female_worker", (2024, 12)),
    ((1975, 2), "female_worker", (2025, 3)),  # 2-month step: still +1
    ((1975, 3), "female_worker", (2025, 5)),  # +2
    ((1990, 6), "male", (2053, 6)),  # capped at 63
    ((1990, 6), "female_cadre", (2048, 6)),  # capped at 58
    ((1990, 6), "female_worker", (2045, 6)),  # capped at 55
])
def test_both_sides_of_cohort_boundaries_and_caps(birth, category, retires):
    assert statutory_retirement_month(date(*birth, 1), category) == date(*retires, 1)


def test_result_is_the_first_day_of_the_month():
    assert statutory_retirement_month(date(1970, 6, 30), "male").day == 1


def test_unknown_category_is_refused_naming_it():
    with pytest.raises(ValueError, match="female_55"):
        statutory_retirement_month(date(1970, 1, 1), "female_55")


def test_rule_version_names_the_2024_decision():
    assert "20240913" in retirement_rule_version


def test_the_original_age_anchor_ignores_the_reform_delay():
    assert original_retirement_month(date(1970, 6, 12), "male") == date(2030, 6, 1)
    assert original_retirement_month(date(1972, 10, 3), "female_cadre") == date(2027, 10, 1)
    assert original_retirement_month(date(1980, 2, 1), "female_worker") == date(2030, 2, 1)
    assert anchor_month(date(1970, 6, 12), "male", "original") == date(2030, 6, 1)
    assert anchor_month(date(1970, 6, 12), "male", "statutory") == date(2031, 11, 1)
    with pytest.raises(ValueError, match="退二线计算基准"):
        anchor_month(date(1970, 6, 12), "male", "custom")
