"""Section assessment penalties (seed 000): 不合格 or bottom two, and two consecutive years."""

from workflows.rules.cadres import section_penalties
from workflows.rules.facts import SectionFacts
from workflows.rules.policy import Policy


def section(code: str, assessments: dict, leader: str | None = "L1", heads: tuple[str, ...] = ("H1", "H2")):
    return SectionFacts(code=code, name=f"{code}科", leader_in_charge=leader, head_ids=heads, assessments=assessments)


def bureau(year_ranks: dict[int, list[tuple[str, int | None]]], grades: dict[tuple[str, int], str] | None = None):
    """Sections A…; ``year_ranks`` maps a year to (code, rank) pairs; grades default to 合格."""
    grades = grades or {}
    codes = sorted({code for pairs in year_ranks.values() for code, _ in pairs})
    return [section(code, {year: (grades.get((code, year), "pass"), rank)
                           for year, pairs in year_ranks.items() for c, rank in pairs if c == code})
            for code in codes]


FIVE = [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]


def test_the_bottom_two_of_the_ranked_sections_are_penalised():
    penalties = section_penalties(bureau({2025: FIVE}), 2025)
    assert [p.section_code for p in penalties] == ["D", "E"]
    d = penalties[0]
    assert d.applies is True
    assert d.grounds == {2025: ("2025 年排名第 4 名（共 5 个科室参加排名，后 2 名）",)}
    assert d.consecutive is False
    assert d.leader_not_excellent == "L1"
    assert d.heads_to_adjust == ()
    assert d.consequences == ("D科所有同志 2025 年度不得评先评优", "分管该科室的班子成员（L1）不得推荐为优秀")
    assert d.policy == {"version": Policy().version, "section_bottom_ranks": 2}


def test_third_from_bottom_is_not_penalised():
    assert "C" not in [p.section_code for p in section_penalties(bureau({2025: FIVE}), 2025)]


def test_a_failing_grade_is_penalised_whatever_the_rank():
    penalties = section_penalties(bureau({2025: FIVE}, {("A", 2025): "fail"}), 2025)
    assert [p.section_code for p in penalties] == ["A", "D", "E"]
    assert penalties[0].grounds == {2025: ("2025 年科室考核为不合格等次",)}


def test_a_failing_bottom_section_lists_both_grounds():
    penalties = section_penalties(bureau({2025: FIVE}, {("E", 2025): "fail"}), 2025)
    assert len(penalties[-1].grounds[2025]) == 2


def test_two_consecutive_bottom_years_adjust_the_section_heads():
    penalties = section_penalties(bureau({2024: FIVE, 2025: FIVE}), 2025)
    e = penalties[-1]
    assert e.consecutive is True
    assert set(e.grounds) == {2024, 2025}
    assert e.heads_to_adjust == ("H1", "H2")
    assert "调整科室负责人（含副科长）岗位：H1、H2" in e.consequences[-1]
    assert "2024 年排名第 5 名" in e.reason and "2025 年排名第 5 名" in e.reason


def test_a_bad_previous_year_alone_brings_no_penalty_this_year():
    moved = [("A", 5), ("B", 2), ("C", 3), ("D", 4), ("E", 1)]
    penalties = {p.section_code: p for p in section_penalties(bureau({2024: FIVE, 2025: moved}), 2025)}
    assert sorted(penalties) == ["A", "D"]  # E was last in 2024 but first in 2025
    assert penalties["D"].consecutive is True
    assert penalties["A"].consecutive is False


def test_bottom_two_this_year_after_a_middle_place_last_year_is_not_consecutive():
    last_year = [("A", 4), ("B", 5), ("C", 1), ("D", 2), ("E", 3)]
    this_year = [("A", 1), ("B", 2), ("C", 3), ("D", 5), ("E", 4)]
    penalties = section_penalties(bureau({2024: last_year, 2025: this_year}), 2025)
    assert [p.section_code for p in penalties] == ["D", "E"]
    assert all(not p.consecutive and p.heads_to_adjust == () for p in penalties)


def test_failing_one_year_and_bottom_two_the_next_counts_as_consecutive():
    sections = bureau({2024: [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)],
                       2025: [("A", 5), ("B", 1), ("C", 2), ("D", 3), ("E", 4)]}, {("A", 2024): "fail"})
    a = next(p for p in section_penalties(sections, 2025) if p.section_code == "A")
    assert a.consecutive is True
    assert a.grounds[2024] == ("2024 年科室考核为不合格等次",)


def test_a_tie_at_the_edge_of_the_bottom_two_includes_both_tied_sections():
    tied = [("A", 1), ("B", 2), ("C", 2), ("D", 4)]
    assert [p.section_code for p in section_penalties(bureau({2025: tied}), 2025)] == ["B", "C", "D"]


def test_unranked_sections_are_not_counted_in_the_ranking():
    partly = [("A", 1), ("B", 2), ("C", 3), ("D", None)]
    assert [p.section_code for p in section_penalties(bureau({2025: partly}), 2025)] == ["B", "C"]


def test_with_only_two_sections_ranked_the_ranking_penalises_nobody_but_a_fail_still_does():
    pair = [("A", 1), ("B", 2)]
    assert section_penalties(bureau({2025: pair}), 2025) == []
    assert [p.section_code for p in section_penalties(bureau({2025: pair}, {("A", 2025): "fail"}), 2025)] == ["A"]


def test_three_sections_ranked_penalises_the_last_two():
    three = [("A", 1), ("B", 2), ("C", 3)]
    assert [p.section_code for p in section_penalties(bureau({2025: three}), 2025)] == ["B", "C"]


def test_missing_leader_and_heads_are_reported_for_completion():
    lonely = [section("X", {2024: ("fail", None), 2025: ("fail", None)}, leader=None, heads=())]
    penalty = section_penalties(lonely, 2025)[0]
    assert penalty.leader_not_excellent is None
    assert "分管班子成员未登记" in penalty.consequences[1]
    assert "未登记，请补录" in penalty.consequences[2]


def test_a_section_without_an_assessment_that_year_is_not_penalised():
    assert section_penalties([section("X", {2024: ("fail", 5)})], 2025) == []


def test_the_bottom_count_comes_from_the_policy():
    penalties = section_penalties(bureau({2025: FIVE}), 2025, Policy(section_bottom_ranks=1))
    assert [p.section_code for p in penalties] == ["E"]
