"""The registry's search box takes % and _ literally: they match names holding them, not every cadre."""

import pytest

from tests.conftest import make_actor
from workflows.registry import cadre_records
from workflows.registry import edit
from workflows.registry.cadre_records import CadreFilter
from workflows.registry.demo import seed_registry


@pytest.fixture
def registry(sessions, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
    return sessions


def found(sessions, text: str) -> list[str]:
    """The names found on the first page; a search finding more than a page finds too much here anyway."""
    with sessions() as session:
        cadres, total = cadre_records.search(session, CadreFilter(text=text, active=None))
    assert total == len(cadres) or total > len(cadres) > 0
    return [cadre.name for cadre in cadres]


@pytest.mark.parametrize("text", ["%", "_", "\\", "%%", "_%_"])
def test_wildcards_match_nothing_in_the_demo_registry(registry, text):
    assert found(registry, "") and found(registry, text) == []


def test_wildcards_match_only_the_names_holding_them(registry, clock):
    organiser = make_actor(registry, "wangmin", "personnel_office")
    with registry.begin() as session:
        first, second = cadre_records.search(session, CadreFilter())[0][:2]
        edit.update_person(session, organiser, clock.now(), first.id, {"name": "张_百分%"})
        edit.update_person(session, organiser, clock.now(), second.id, {"name": "李\\斜"})
    assert found(registry, "%") == ["张_百分%"]
    assert found(registry, "_百") == ["张_百分%"]
    assert found(registry, "\\") == ["李\\斜"]
