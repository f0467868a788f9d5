"""提拔 or a lateral appointment by the 职务层次 held; the vacancies of a section, never negative."""

import pytest

from workflows.rules.appointments import appointment_mode
from workflows.rules.appointments import is_promotion
from workflows.rules.headcount import Vacancy
from workflows.rules.headcount import vacancy_open


@pytest.mark.parametrize(("level", "leadership", "new", "promotion", "mode"), [
    (None, False, "deputy_section_chief", True, "promotion"),  # no post at all → 副科
    (None, False, "section_chief", True, "promotion"),
    ("section_chief", False, "deputy_section_chief", True, "promotion"),  # a non-leadership post counts as none
    ("deputy_section_chief", True, "section_chief", True, "promotion"),  # 副科 → 正科
    ("deputy_section_chief", True, "deputy_section_chief", False, "transfer"),  # 副科 → 副科: lateral
    ("section_chief", True, "section_chief", False, "transfer"),  # 正科 → 正科: lateral
    ("section_chief", True, "deputy_section_chief", False, "demotion"),
])
def test_promotion_only_when_the_new_level_is_higher(level, leadership, new, promotion, mode):
    assert is_promotion(level, leadership, new) is promotion
    assert appointment_mode(level, leadership, new) == mode


def test_an_unknown_new_level_is_refused():
    with pytest.raises(ValueError, match="不是正科或副科"):
        is_promotion(None, False, "division_chief")


@pytest.mark.parametrize(("approved", "occupied", "vacancies", "excess", "is_open", "words"), [
    (2, 1, 1, 0, True, "核定职数 2 名，现有实职 1 名，空缺 1 名"),
    (1, 1, 0, 0, False, "核定职数 1 名，现有实职 1 名，无空缺"),
    (1, 3, 0, 2, False, "核定职数 1 名，现有实职 3 名，超职数 2 名"),
    (None, 1, 0, 0, None, "职数表中没有核定职数"),
])
def test_vacancies_are_never_negative_and_an_excess_is_named(approved, occupied, vacancies, excess, is_open, words):
    row = Vacancy("SJZY", "数据资源科", "section_chief", approved, occupied)
    assert (row.vacancies, row.excess, row.is_open) == (vacancies, excess, is_open)
    assert row.summary().startswith("数据资源科正科：") and words in row.summary()
    assert row.as_data()["vacancies"] >= 0 and row.as_data()["has_entry"] is (approved is not None)


def test_the_table_decides_where_it_has_an_entry_else_the_statement():
    full = Vacancy("SJZY", "数据资源科", "section_chief", 1, 1).as_data()
    free = Vacancy("SJZY", "数据资源科", "section_chief", 2, 1).as_data()
    none = Vacancy("SJZY", "数据资源科", "section_chief", None, 1).as_data()
    assert vacancy_open(full, True) is False and vacancy_open(free, False) is True
    assert vacancy_open(none, True) is True and vacancy_open(none, False) is False and vacancy_open(none) is False
    assert vacancy_open(None, True) is True
