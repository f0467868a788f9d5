"""The 任职资格 of a promotion against the registry: years in the lower level and education; gaps become notes."""

from datetime import date

import pytest

from tests.rules.builders import cadre
from workflows.registry.codes import EDUCATION_LEVEL
from workflows.rules.eligibility import candidate_exclusions
from workflows.rules.eligibility import screen_candidate
from workflows.rules.facts import PostHistoryFacts
from workflows.rules.qualifications import EDUCATION_ZH
from workflows.rules.qualifications import PositionRequirements

ON = date(2025, 4, 1)
CHIEF = PositionRequirements(post_level="section_chief")
DEPUTY = PositionRequirements(post_level="deputy_section_chief")


def held(title: str, start: date, end: date | None = None, level: str | None = None, rank: str | None = None,
         decision: date | None = None) -> PostHistoryFacts:
    return PostHistoryFacts(title, level, rank, start, decision, end)


def deputy_since(start: date, before: str = "一级科员", decision: date | None = None):
    """A 副科长 since ``start``, who was a ``before`` (a 职级 title) until then: a history the rules can close."""
    return (held(before, date(2015, 7, 1), start, rank=before),
            held("副科长", start, level="deputy_section_chief", rank="四级主任科员", decision=decision))


def screened(requirements: PositionRequirements, **facts):
    screening = screen_candidate(cadre(name="赵六", **facts), ON, requirements=requirements)
    return [e.code for e in screening.exclusions], [n.code for n in screening.notes if n.code != "training"], screening


def test_too_few_years_in_the_lower_level_excludes_with_the_figures():
    codes, notes, screening = screened(CHIEF, post_history=deputy_since(date(2024, 6, 1)))
    assert (codes, notes) == (["years_in_lower_level"], [])
    found = screening.exclusions[0]
    assert found.clause == "（一）" and "《公务员职务、职级与级别管理办法》(2020)" in found.source
    assert found.reason == ("赵六至 2025-04-01 任乡科级副职领导职务或四级主任科员以上职级累计 10 个月，"
                            "不符合晋升乡科级正职领导职务须任乡科级副职领导职务或四级主任科员以上职级 2 年以上")
    assert (found.figures["required_years"], found.figures["national_years"], found.figures["counted_days"]) == (
        2, 2, 304)
    assert found.figures["history_complete"] is True and found.figures["set_by_motion"] is False


@pytest.mark.parametrize(("start", "excluded"), [(date(2023, 4, 1), False), (date(2023, 4, 2), True)])
def test_two_years_or_more_includes_the_second_anniversary(start, excluded):
    codes, _, _ = screened(CHIEF, post_history=deputy_since(start))
    assert (codes == ["years_in_lower_level"]) is excluded


def test_rank_years_and_leadership_years_are_cumulated():
    history = (held("一级科员", date(2018, 7, 1), date(2023, 1, 1), rank="一级科员"),
               held("四级主任科员", date(2023, 1, 1), date(2024, 6, 1), rank="四级主任科员"),
               held("副科长", date(2024, 6, 1), level="deputy_section_chief"))
    assert screened(CHIEF, post_history=history)[:2] == ([], [])


def test_the_term_counts_from_the_party_groups_decision():
    history = deputy_since(date(2023, 4, 10), decision=date(2023, 3, 25))
    assert screened(CHIEF, post_history=history)[:2] == ([], [])


def test_a_deputy_post_needs_three_years_at_first_grade_clerk_or_above():
    history = (held("二级科员", date(2020, 1, 1), date(2023, 1, 1), rank="二级科员"),
               held("一级科员", date(2023, 1, 1), rank="一级科员"))
    codes, _, screening = screened(DEPUTY, post_history=history)
    assert codes == ["years_in_lower_level"] and screening.exclusions[0].clause == "（二）"
    reason = screening.exclusions[0].reason
    assert "一级科员以上职级累计 2 年 3 个月" in reason and "3 年以上" in reason
    longer = (held("二级科员", date(2019, 1, 1), date(2021, 1, 1), rank="二级科员"),
              held("一级科员", date(2021, 1, 1), rank="一级科员"))
    assert screened(DEPUTY, post_history=longer)[:2] == ([], [])


@pytest.mark.parametrize(("history", "words"), [
    (None, "干部信息库没有任职经历记录"),
    # The registry starts with the 副科长 post: time as 四级主任科员 before it may simply not be recorded.
    ((held("副科长", date(2024, 6, 1), level="deputy_section_chief"),), "任职经历自 2024-06-01 起，可计算的为 10 个月"),
    ((held("科员", date(2015, 7, 1), date(2024, 6, 1)), held("副科长", date(2024, 6, 1), level="deputy_section_chief")),
     "「科员」未记职务层次或职级"),
    # Six unaccounted years between the two posts.
    ((held("一级科员", date(2015, 7, 1), date(2018, 1, 1), rank="一级科员"),
      held("副科长", date(2024, 6, 1), level="deputy_section_chief")), "任职经历自 2015-07-01 起"),
])
def test_years_the_registry_cannot_establish_are_a_note_not_an_exclusion(history, words):
    codes, notes, screening = screened(CHIEF, post_history=history)
    assert (codes, notes) == ([], ["years_unknown"])
    note = next(n for n in screening.notes if n.code == "years_unknown")
    assert note.reason.startswith("赵六") and words in note.reason and "须人工核实任职年限" in note.reason
    assert "2025-04-01" in note.reason and note.figures["history_complete"] is False


def test_a_motion_figure_above_the_national_one_is_applied_and_named():
    codes, _, screening = screened(PositionRequirements("section_chief", None, 3),
                                   post_history=deputy_since(date(2022, 10, 1)))
    assert codes == ["years_in_lower_level"]
    assert "3 年以上（本次动议确定；国家规定为 2 年）" in screening.exclusions[0].reason
    assert screening.exclusions[0].figures["set_by_motion"] is True


def test_a_motion_figure_below_the_national_one_passes_with_a_note_on_exceptional_promotion():
    codes, notes, screening = screened(PositionRequirements("section_chief", None, 1),
                                       post_history=deputy_since(date(2023, 10, 1)))
    assert (codes, notes) == ([], ["years_exceptional"])
    assert "破格" in next(n for n in screening.notes if n.code == "years_exceptional").reason


def test_education_below_the_motions_minimum_excludes():
    codes, notes, screening = screened(PositionRequirements(required_education="bachelor"),
                                       ft_education_level="college")
    assert (codes, notes) == (["education"], [])
    found = screening.exclusions[0]
    assert found.clause == "第八条（四）" and found.source == "《党政领导干部选拔任用工作条例》(2019) 第八条"
    assert found.reason == ("赵六截至 2025-04-01 最高学历为大专（全日制大专、在职未记载），"
                            "低于本次动议要求的大学本科，不符合任职条件")
    assert found.figures == {"required": "bachelor", "full_time": "college", "part_time": None,
                             "highest": "college", "on": "2025-04-01"}


@pytest.mark.parametrize(("full_time", "part_time"), [("bachelor", None), ("college", "master"), (None, "bachelor")])
def test_the_higher_of_full_time_and_part_time_education_counts(full_time, part_time):
    assert screened(PositionRequirements(required_education="bachelor"), ft_education_level=full_time,
                    pt_education_level=part_time)[:2] == ([], [])


@pytest.mark.parametrize(("full_time", "part_time", "shown"), [
    (None, None, "全日制未记载、在职未记载"), ("college", "other", "全日制大专、在职其他")])
def test_education_the_registry_cannot_rank_is_a_note(full_time, part_time, shown):
    codes, notes, screening = screened(PositionRequirements(required_education="bachelor"),
                                       ft_education_level=full_time, pt_education_level=part_time)
    assert (codes, notes) == ([], ["education_unknown"])
    assert shown in screening.notes[0].reason and "须人工核实学历" in screening.notes[0].reason


def test_no_minimum_education_in_the_motion_checks_none():
    assert screened(PositionRequirements(), ft_education_level="secondary")[:2] == ([], [])


def test_every_exclusion_is_listed_together():
    facts = cadre(under_investigation=True, ft_education_level="college", post_history=deputy_since(date(2024, 6, 1)))
    requirements = PositionRequirements("section_chief", "bachelor", None)
    assert [e.code for e in candidate_exclusions(facts, ON, requirements=requirements)] == [
        "under_investigation", "years_in_lower_level", "education"]


@pytest.mark.parametrize(("values", "words"), [
    ({"post_level": "division_chief"}, "拟任职务层次"), ({"required_education": "other"}, "最低学历要求"),
    ({"required_years_in_lower_level": 11}, "0 到 10"), ({"required_years_in_lower_level": True}, "0 到 10"),
    ({"required_years_in_lower_level": "2"}, "0 到 10"), ({"years": 2}, "未知的任职条件 years"),
])
def test_bad_requirements_are_refused_in_chinese(values, words):
    with pytest.raises(ValueError, match=words):
        PositionRequirements.from_mapping(values)


def test_blank_requirements_fall_back_to_the_national_years():
    wanted = PositionRequirements.from_mapping({"post_level": "deputy_section_chief", "required_education": "",
                                                "required_years_in_lower_level": ""})
    assert wanted.as_record() == {"post_level": "deputy_section_chief", "required_education": None,
                                  "required_years_in_lower_level": None}
    assert (wanted.years_required, CHIEF.years_required, PositionRequirements().years_required) == (3, 2, None)
    assert PositionRequirements("section_chief", None, 0).years_required == 0


def test_education_names_match_the_registry_labels():
    assert all(EDUCATION_LEVEL[code] == label for code, label in EDUCATION_ZH.items())
