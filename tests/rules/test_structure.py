"""Structure statistics against the seed 004 targets, with ages in full years at the reference date."""

from datetime import date

import pytest

from tests.rules.builders import cadre
from tests.rules.builders import post
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.structure import structure_statistics

AS_OF = date(2025, 12, 31)


def chief(birth: date, education: str | None = "bachelor", **extra):
    return cadre(birth=birth, post_facts=post("section_chief"), ft_education_level=education, **extra)


def deputy(birth: date, education: str | None = "bachelor", **extra):
    return cadre(birth=birth, post_facts=post("deputy_section_chief"), ft_education_level=education, **extra)


def by_code(cadres, as_of=AS_OF, policy=DEFAULT_POLICY):
    return {m.code: m for m in structure_statistics(cadres, as_of, policy)}


def test_all_seven_metrics_with_their_seed_targets():
    metrics = structure_statistics([], AS_OF)
    assert [(m.code, m.target) for m in metrics] == [
        ("young_section_chief_share", 0.35), ("young_deputy_share", 0.89),
        ("young_section_chief_degree_share", 0.43), ("young_deputy_degree_share", 0.52),
        ("women_share", 0.25), ("non_party_share", None), ("ethnic_minority_share", None)]
    assert all(m.direction == "≥" and m.age_reference == AS_OF for m in metrics)


def test_empty_denominators_give_no_value_and_no_verdict():
    for metric in structure_statistics([], AS_OF):
        assert (metric.numerator, metric.denominator, metric.value, metric.meets) == (0, 0, None, None)


@pytest.mark.parametrize(("birth", "young"), [
    (date(1985, 12, 31), True),  # turned 40 on the reference date
    (date(1985, 1, 1), True),  # 40, turns 41 the day after
    (date(1984, 12, 31), False),  # turned 41 on the reference date
])
def test_forty_in_full_years_on_the_reference_date_is_young_and_forty_one_is_not(birth, young):
    metric = by_code([chief(birth)])["young_section_chief_share"]
    assert (metric.numerator, metric.denominator) == (int(young), 1)


def test_the_reference_date_moves_the_age():
    born = date(1985, 6, 30)
    assert by_code([chief(born)], as_of=date(2026, 6, 29))["young_section_chief_share"].numerator == 1
    assert by_code([chief(born)], as_of=date(2026, 6, 30))["young_section_chief_share"].numerator == 0


@pytest.mark.parametrize(("young", "total", "meets"), [(7, 20, True), (6, 20, False), (8, 20, True)])
def test_young_section_chief_share_meets_35_percent_on_both_sides(young, total, meets):
    cadres = [chief(date(1990, 1, 1), cadre_id=f"Y{i}") for i in range(young)]
    cadres += [chief(date(1970, 1, 1), cadre_id=f"O{i}") for i in range(total - young)]
    metric = by_code(cadres)["young_section_chief_share"]
    assert metric.value == young / total
    assert metric.meets is meets


@pytest.mark.parametrize(("young", "meets"), [(89, True), (88, False)])
def test_young_deputy_share_meets_89_percent_exactly_at_the_boundary(young, meets):
    cadres = [deputy(date(1995, 1, 1)) for _ in range(young)] + [deputy(date(1970, 1, 1)) for _ in range(100 - young)]
    assert by_code(cadres)["young_deputy_share"].meets is meets


def test_degree_shares_count_full_time_bachelor_or_above_among_the_young_only():
    cadres = [chief(date(1990, 1, 1), "master"), chief(date(1990, 1, 1), "college"),
              chief(date(1990, 1, 1), None), chief(date(1970, 1, 1), "doctorate"),
              deputy(date(1990, 1, 1), "bachelor"), deputy(date(1990, 1, 1), "college")]
    metrics = by_code(cadres)
    chiefs = metrics["young_section_chief_degree_share"]
    assert (chiefs.numerator, chiefs.denominator, chiefs.meets) == (1, 3, False)  # 33% < 43%
    deputies = metrics["young_deputy_degree_share"]
    assert (deputies.numerator, deputies.denominator, deputies.meets) == (1, 2, False)  # 50% < 52%


def test_non_leadership_section_level_posts_count_as_cadres_but_not_as_real_posts():
    rank_only = cadre(birth=date(1990, 1, 1), gender="female", post_facts=post("section_chief", leadership=False))
    metrics = by_code([rank_only, chief(date(1970, 1, 1))])
    assert metrics["young_section_chief_share"].denominator == 1
    assert (metrics["women_share"].numerator, metrics["women_share"].denominator) == (1, 2)


def test_staff_below_section_level_are_not_counted():
    clerk = cadre(gender="female", post_facts=post(None, leadership=False))
    assert by_code([clerk, cadre(post_facts=None)])["women_share"].denominator == 0


@pytest.mark.parametrize(("women", "meets"), [(1, True), (0, False)])
def test_women_share_meets_25_percent_exactly_at_one_in_four(women, meets):
    cadres = [deputy(date(1980, 1, 1), gender="female") for _ in range(women)]
    cadres += [deputy(date(1980, 1, 1)) for _ in range(4 - women)]
    metric = by_code(cadres)["women_share"]
    assert metric.meets is meets
    assert metric.denominator == 4


def test_non_party_and_minority_cadres_are_counted_without_a_target():
    cadres = [deputy(date(1980, 1, 1), political_affiliation="democratic_party", ethnicity="回族"),
              deputy(date(1980, 1, 1), political_affiliation="cpc_probationary"),
              deputy(date(1980, 1, 1), political_affiliation="masses", ethnicity=""),
              deputy(date(1980, 1, 1))]
    metrics = by_code(cadres)
    assert (metrics["non_party_share"].numerator, metrics["non_party_share"].meets) == (2, None)
    assert metrics["non_party_share"].target is None
    assert (metrics["ethnic_minority_share"].numerator, metrics["ethnic_minority_share"].value) == (1, 0.25)
    assert "一定比例" in metrics["ethnic_minority_share"].label


def test_the_age_limit_and_targets_come_from_the_policy():
    policy = Policy(structure_age_limit=35, target_young_section_chief_percent=50)
    metrics = by_code([chief(date(1989, 1, 1)), chief(date(1992, 1, 1))], policy=policy)
    metric = metrics["young_section_chief_share"]
    assert (metric.numerator, metric.target, metric.meets) == (1, 0.5, True)
    assert metric.label.startswith("35岁及以下")
    assert metric.policy["structure_age_limit"] == 35
