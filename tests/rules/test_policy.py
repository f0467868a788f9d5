"""Policy: defaults, validation from configuration, and the JSON-ready record."""

import json
from dataclasses import FrozenInstanceError
from fractions import Fraction

import pytest

from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy


def test_defaults_are_the_national_and_seed_values():
    policy = Policy()
    assert policy.publicity_working_days == 5
    assert policy.quorum_fraction == Fraction(2, 3)
    assert policy.quorum_inclusive is True
    assert policy.rotation_years == 10
    assert policy.second_line_open_years == 5
    assert policy.second_line_due_years == 3
    assert policy.excellent_streak_years == 3
    assert policy.structure_age_limit == 40
    assert policy.handover_working_days == 10
    assert isinstance(policy.version, str) and policy.version
    assert DEFAULT_POLICY == policy


def test_policy_is_frozen():
    with pytest.raises(FrozenInstanceError):
        Policy().rotation_years = 8  # type: ignore[misc]


def test_record_is_json_ready_with_fractions_as_text():
    record = Policy().as_record()
    assert record["quorum_fraction"] == "2/3"
    assert json.loads(json.dumps(record)) == record
    assert record["rotation_years"] == 10


def test_record_round_trips_through_from_mapping():
    policy = Policy.from_mapping({"version": "青浦-2026", "quorum_fraction": "3/4", "rotation_years": 8})
    assert Policy.from_mapping(policy.as_record()) == policy


def test_from_mapping_keeps_defaults_for_missing_keys():
    policy = Policy.from_mapping({"publicity_working_days": 7})
    assert policy.publicity_working_days == 7
    assert policy.rotation_years == 10


def test_from_mapping_accepts_fraction_objects_and_whole_numbers():
    assert Policy.from_mapping({"quorum_fraction": Fraction(3, 4)}).quorum_fraction == Fraction(3, 4)
    assert Policy.from_mapping({"quorum_fraction": 1}).quorum_fraction == Fraction(1)


@pytest.mark.parametrize(("mapping", "key"), [
    ({"rotation_yeers": 10}, "rotation_yeers"),
    ({"publicity_working_days": 0}, "publicity_working_days"),
    ({"publicity_working_days": "5"}, "publicity_working_days"),
    ({"handover_working_days": True}, "handover_working_days"),
    ({"rotation_years": -1}, "rotation_years"),
    ({"second_line_due_years": -1}, "second_line_due_years"),
    ({"quorum_fraction": 0.6667}, "quorum_fraction"),
    ({"quorum_fraction": "two thirds"}, "quorum_fraction"),
    ({"quorum_fraction": "0/3"}, "quorum_fraction"),
    ({"quorum_fraction": "4/3"}, "quorum_fraction"),
    ({"quorum_fraction": "1/0"}, "quorum_fraction"),
    ({"quorum_inclusive": "yes"}, "quorum_inclusive"),
    ({"version": ""}, "version"),
    ({"target_women_percent": 101}, "target_women_percent"),
])
def test_from_mapping_rejects_bad_values_naming_the_key(mapping, key):
    with pytest.raises(ValueError, match=key):
        Policy.from_mapping(mapping)


def test_due_years_may_not_exceed_open_years():
    with pytest.raises(ValueError, match="second_line_due_years"):
        Policy.from_mapping({"second_line_open_years": 3, "second_line_due_years": 4})
    assert Policy.from_mapping({"second_line_open_years": 3, "second_line_due_years": 3}).second_line_due_years == 3


def test_a_policy_built_directly_is_validated_too():
    with pytest.raises(ValueError, match="rotation_years"):
        Policy(rotation_years=0)


def test_subset_records_the_version_with_the_named_parameters():
    assert Policy(version="v9").subset("quorum_fraction") == {"version": "v9", "quorum_fraction": "2/3"}


def test_rotation_and_second_line_choices_default_to_the_regulations_and_round_trip():
    policy = Policy()
    assert policy.rotation_key_post_categories == (
        "organisation", "personnel", "discipline", "audit", "finance", "approval", "procurement", "licensing",
        "penalty")
    assert (policy.rotation_post_counts_from, policy.second_line_upper_consent, policy.second_line_anchor) == (
        "decision", True, "statutory")
    record = json.loads(json.dumps(policy.as_record()))
    assert record["rotation_key_post_categories"][0] == "organisation"
    assert Policy.from_mapping(record) == policy and hash(Policy.from_mapping(record)) == hash(policy)
    local = Policy.from_mapping({"rotation_key_post_categories": ["finance", "audit"],
                                 "rotation_post_counts_from": "handover", "second_line_upper_consent": False,
                                 "second_line_anchor": "original"})
    assert local.rotation_key_post_categories == ("finance", "audit")


@pytest.mark.parametrize(("mapping", "key"), [
    ({"rotation_key_post_categories": ["finance", "canteen"]}, "rotation_key_post_categories"),
    ({"rotation_key_post_categories": "finance"}, "rotation_key_post_categories"),
    ({"rotation_post_counts_from": "notice"}, "rotation_post_counts_from"),
    ({"second_line_upper_consent": "yes"}, "second_line_upper_consent"),
    ({"second_line_anchor": 2025}, "second_line_anchor"),
])
def test_rotation_and_second_line_choices_are_validated_naming_the_key(mapping, key):
    with pytest.raises(ValueError, match=key):
        Policy.from_mapping(mapping)
