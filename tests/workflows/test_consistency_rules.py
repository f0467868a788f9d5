"""Every consistency rule of the procedures' forms: it refuses the impossible value naming the field, and takes
the boundary value. The table in the README (section "Consistency rules") lists the same rules.
"""

import json
import re
from typing import NamedTuple

import pytest

from tests.conftest import make_actor
from tests.snapshots import built_once
from tests.workflows.consistency_cases import AT
from tests.workflows.consistency_cases import CASES
from tests.workflows.consistency_cases import FORM
from tests.workflows.consistency_cases import FORMS
from tests.workflows.consistency_cases import ROOT
from tests.workflows.consistency_cases import Case
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.forms import form_checks
from workflows.registry.demo import seed_registry


def schema_of(form: str) -> dict:
    return json.loads((FORMS / f"{form}.json").read_text(encoding="utf-8"))


def rule_of(case: Case) -> dict:
    rules = [rule for rule in schema_of(case.form).get("x-rules", [])
             if rule["field"] == case.field and rule["check"] == case.check]
    assert len(rules) == 1, f"{case.form}: no rule {case.check!r} on {case.field}"
    return rules[0]


class Bureau(NamedTuple):
    sessions: object
    secretary: Actor  # who records a party-group meeting (⑦ is one)


@pytest.fixture
def bureau(sessions):
    """The demo registry and one user of each role a person field of these forms may name."""
    def set_up() -> dict:
        actors = {name: make_actor(sessions, name, role) for name, role in [
            ("organiser", "personnel_office"), ("secretary", "party_secretary"), ("inspector", "inspection_team"),
            *((f"member{n}", "party_group") for n in range(1, 5))]}
        with sessions.begin() as session:
            seed_registry(session, AT.date())
        return actors
    actors = built_once(sessions.kw["bind"], ("consistency rules", AT), set_up)  # tests/snapshots.py
    return Bureau(sessions, actors["secretary"])


def submit(bureau: Bureau, case: Case, changes: dict) -> dict:
    form = FORM[case.form]
    changes = dict(changes)
    context = {**form.context, **changes.pop("context", {})}
    with bureau.sessions.begin() as session:
        return form_checks.prepare(session, schema_of(case.form), {**form.data, **changes}, context, form.at,
                                   actor=bureau.secretary)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.form}-{c.field}-{n}" for n, c in enumerate(CASES)])
def test_the_rule_refuses_the_impossible_value_naming_the_field_and_takes_the_boundary(bureau, case):
    rule, schema = rule_of(case), schema_of(case.form)
    submit(bureau, case, {})  # the consistent submission passes
    submit(bureau, case, case.boundary)
    with pytest.raises(InvalidData) as refused:
        submit(bureau, case, case.bad)
    message = refused.value.errors[case.field]
    assert message.startswith(rule["message"].split("{")[0]), message
    assert schema["properties"][case.field]["title"].split("（")[0] in message, message  # it names the field
    assert "{" not in message, message  # every quoted value was filled in


def readme_rows() -> list[tuple[str, str, str]]:
    """(form, field, check) of every row of the README's table of consistency rules."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Consistency rules", 1)[1].split("\n## ", 1)[0]
    return [(form, field, check) for form, field, check in
            re.findall(r"^\| `(\w+)` \| `(\w+)` \| `([^`]+)` \|", section, re.MULTILINE)]


def test_the_readme_table_lists_exactly_the_tested_rules():
    rows = readme_rows()
    assert sorted(rows) == sorted({(c.form, c.field, c.check) for c in CASES})
    for form, field, check in rows:
        assert rule_of(Case(form, field, check, {}, {}))
