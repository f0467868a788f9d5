"""Promotion priority after three 优秀 years, the Art. 24 exclusions and the investigation, the training note."""

from datetime import date

import pytest

from tests.rules.builders import cadre
from workflows.rules.cadres import candidate_exclusions
from workflows.rules.cadres import promotion_priority
from workflows.rules.eligibility import screen_candidate
from workflows.rules.facts import SanctionFacts
from workflows.rules.policy import Policy
from workflows.rules.qualifications import PositionRequirements


def graded(**grades: str):
    return cadre(annual_grades={int(year[1:]): grade for year, grade in grades.items()})


def test_three_completed_excellent_years_give_priority():
    finding = promotion_priority(graded(y2022="excellent", y2023="excellent", y2024="excellent"), 2025)
    assert finding.applies is True
    assert "2022–2024 年度考核连续 3 年为优秀" in finding.reason
    assert finding.figures["years"] == [2022, 2023, 2024]
    assert finding.policy == {"version": Policy().version, "excellent_streak_years": 3}


def test_the_current_year_is_not_counted_as_completed():
    finding = promotion_priority(graded(y2023="excellent", y2024="excellent", y2025="excellent"), 2025)
    assert finding.applies is False
    assert "2022 年未录入" in finding.reason


def test_one_competent_year_breaks_the_streak():
    finding = promotion_priority(graded(y2022="excellent", y2023="competent", y2024="excellent"), 2025)
    assert finding.applies is False
    assert "2023 年称职" in finding.reason


def test_a_missing_year_is_a_gap():
    assert promotion_priority(graded(y2021="excellent", y2022="excellent", y2024="excellent"), 2025).applies is False


def test_older_years_beyond_the_streak_do_not_matter():
    finding = promotion_priority(
        graded(y2020="incompetent", y2022="excellent", y2023="excellent", y2024="excellent"), 2025)
    assert finding.applies is True


def test_the_streak_length_comes_from_the_policy():
    cadre_facts = graded(y2023="excellent", y2024="excellent")
    assert promotion_priority(cadre_facts, 2025, Policy(excellent_streak_years=2)).applies is True
    assert promotion_priority(cadre_facts, 2025).applies is False


ON = date(2025, 4, 1)


@pytest.mark.parametrize(("grade", "excluded"), [
    ("excellent", False), ("competent", False), ("not_graded", False),
    ("basically_competent", True), ("incompetent", True),
])
def test_last_years_grade_basically_competent_or_worse_excludes(grade, excluded):
    exclusions = candidate_exclusions(graded(y2024=grade), ON)
    assert bool(exclusions) is excluded
    if excluded:
        assert exclusions[0].code == "annual_grade"
        assert exclusions[0].clause == "第二十四条（三）"
        assert exclusions[0].source == "《党政领导干部选拔任用工作条例》(2019) 第二十四条"
        assert "2024 年度考核为" in exclusions[0].reason and "不得列为考察对象" in exclusions[0].reason


def test_only_last_year_counts_for_the_grade_exclusion():
    assert candidate_exclusions(graded(y2023="incompetent", y2024="competent"), ON) == []


def test_a_missing_last_year_grade_is_not_an_exclusion():
    assert candidate_exclusions(graded(y2023="competent"), ON) == []


def sanctioned(impact_until: date | None):
    return cadre(sanctions=(SanctionFacts("诫勉", date(2024, 10, 8), impact_until),))


def test_a_sanction_excludes_through_the_last_day_of_its_impact_period():
    exclusions = candidate_exclusions(sanctioned(date(2025, 4, 1)), ON)
    assert [e.code for e in exclusions] == ["sanction_impact"]
    assert exclusions[0].clause == "第二十四条（六）"
    assert "受到诫勉" in exclusions[0].reason and "影响期至 2025-04-01" in exclusions[0].reason
    assert exclusions[0].figures["impact_until"] == "2025-04-01"


def test_a_sanction_whose_impact_ended_yesterday_does_not_exclude():
    assert candidate_exclusions(sanctioned(date(2025, 3, 31)), ON) == []


def test_a_sanction_without_an_impact_period_does_not_exclude():
    assert candidate_exclusions(sanctioned(None), ON) == []


def test_several_exclusions_are_all_listed():
    facts = cadre(annual_grades={2024: "incompetent"},
                  sanctions=(SanctionFacts("党内警告", date(2024, 9, 1), date(2025, 9, 1)),
                             SanctionFacts("诫勉", date(2024, 12, 1), date(2025, 6, 1))))
    assert [e.code for e in candidate_exclusions(facts, ON)] == ["annual_grade", "sanction_impact", "sanction_impact"]


def test_a_clean_cadre_has_no_exclusions():
    assert candidate_exclusions(graded(y2024="excellent"), ON) == []


def test_an_investigation_in_progress_excludes_naming_the_cadre_and_the_day():
    exclusions = candidate_exclusions(cadre(name="李四", under_investigation=True), ON)
    assert [e.code for e in exclusions] == ["under_investigation"]
    found = exclusions[0]
    assert found.clause == "第二十一条（三）" and found.source == "《公务员职务与职级并行规定》(2019) 第二十一条"
    assert found.reason.startswith("李四") and "2025-04-01 正在接受审查调查" in found.reason
    assert found.figures == {"under_investigation": True, "on": "2025-04-01"}
    assert found.policy == {"version": Policy().version}


def test_an_investigation_is_listed_after_the_article_24_exclusions():
    facts = cadre(annual_grades={2024: "incompetent"}, under_investigation=True)
    assert [e.code for e in candidate_exclusions(facts, ON)] == ["annual_grade", "under_investigation"]


def test_without_the_motions_requirements_no_qualification_is_checked_and_nothing_is_noted():
    screening = screen_candidate(cadre(), ON)
    assert (screening.exclusions, screening.notes) == ((), ())


def test_training_is_always_noted_for_a_person_to_check_and_never_excludes():
    screening = screen_candidate(cadre(name="王五"), ON, requirements=PositionRequirements())
    assert screening.exclusions == ()
    assert [note.code for note in screening.notes] == ["training"]
    note = screening.notes[0]
    assert note.clause == "第八条（五）" and note.source == "《党政领导干部选拔任用工作条例》(2019) 第八条"
    assert note.reason.startswith("王五") and "没有培训记录" in note.reason and "2025-04-01" in note.reason
    assert "须人工核实" in note.reason and note.figures == {"training_records": None, "on": "2025-04-01"}
