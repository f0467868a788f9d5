"""Party-group decisions: two-thirds quorum and a majority of the members due, on both sides of each boundary."""

import re
from fractions import Fraction

import pytest

from workflows.rules.meetings import party_group_decision
from workflows.rules.policy import Policy

EXCLUSIVE = Policy(quorum_inclusive=False)


def test_nine_due_six_present_five_approve_passes_with_the_arithmetic_in_chinese():
    decision = party_group_decision(9, 6, 5)
    assert decision.quorum is True
    assert decision.passed is True
    assert decision.explanation == "应到 9 人，实到 6 人 ≥ 9×2/3=6，达到法定人数；同意 5 票 > 9/2=4.5，通过"


def test_nine_due_six_present_four_approve_fails():
    decision = party_group_decision(9, 6, 4)
    assert decision.quorum is True
    assert decision.passed is False
    assert "同意 4 票 ≤ 9/2=4.5" in decision.explanation
    assert "未通过" in decision.explanation


def test_nine_due_five_present_has_no_quorum_even_with_five_approvals():
    decision = party_group_decision(9, 5, 5)
    assert decision.quorum is False
    assert decision.passed is False
    assert "实到 5 人 < 9×2/3=6，未达到法定人数" in decision.explanation
    assert "表决无效" in decision.explanation


def test_ten_due_seven_present_five_approve_fails_because_five_is_not_more_than_half_of_ten():
    decision = party_group_decision(10, 7, 5)
    assert decision.quorum is True
    assert decision.passed is False
    assert "同意 5 票 ≤ 10/2=5" in decision.explanation


def test_ten_due_seven_present_six_approve_passes():
    decision = party_group_decision(10, 7, 6)
    assert decision.passed is True
    assert "实到 7 人 ≥ 10×2/3≈6.67" in decision.explanation


def test_ten_due_six_present_is_below_two_thirds():
    assert party_group_decision(10, 6, 6).quorum is False


def test_majority_counts_members_due_not_members_present():
    # 4 of 6 present is more than half of those present, but not more than half of the 9 due (4 ≤ 4.5).
    assert party_group_decision(9, 6, 4).passed is False
    assert party_group_decision(9, 9, 5).passed is True


def test_exactly_two_thirds_meets_the_inclusive_quorum():
    assert party_group_decision(9, 6, 6).quorum is True


def test_exactly_two_thirds_fails_an_exclusive_quorum():
    decision = party_group_decision(9, 6, 6, EXCLUSIVE)
    assert decision.quorum is False
    assert decision.passed is False
    assert "实到 6 人 ≤ 9×2/3=6" in decision.explanation


def test_one_above_two_thirds_meets_an_exclusive_quorum():
    decision = party_group_decision(9, 7, 5, EXCLUSIVE)
    assert decision.quorum is True
    assert decision.passed is True
    assert "实到 7 人 > 9×2/3=6" in decision.explanation


def test_a_stricter_quorum_fraction_from_policy_is_applied():
    policy = Policy(quorum_fraction=Fraction(3, 4))
    assert party_group_decision(8, 5, 5, policy).quorum is False
    assert party_group_decision(8, 6, 5, policy).quorum is True


def test_a_full_meeting_of_one_passes_with_one_vote():
    assert party_group_decision(1, 1, 1).passed is True
    assert party_group_decision(1, 1, 0).passed is False


def test_the_decision_records_its_figures_and_policy():
    decision = party_group_decision(9, 6, 5)
    assert decision.figures == {"members_due": 9, "present": 6, "approve": 5, "recused": 0,
                                "quorum_threshold": "6/1", "majority_threshold": "9/2"}
    assert decision.policy == {"version": Policy().version, "quorum_fraction": "2/3", "quorum_inclusive": True,
                               "recusal_reduces_due": False, "recused_count_present": True}


@pytest.mark.parametrize(("due", "present", "approve", "message"), [
    (9, 10, 5, "实到人数（10）不得多于应到会人数（9）"),
    (9, 6, 7, "同意票数（7）不得多于实到人数（6）"),
    (0, 0, 0, "应到会人数不得为 0"),
    (-1, 0, 0, "应到会人数不得为负数"),
    (9, -1, 0, "实到人数不得为负数"),
    (9, 6, -1, "同意票数不得为负数"),
    (9.0, 6, 5, "应到会人数须为整数"),
    (9, True, 1, "实到人数须为整数"),
])
def test_impossible_counts_are_refused_in_chinese(due, present, approve, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        party_group_decision(due, present, approve)


# Recusal (issue 11): a recused member stays among the 应到会成员 and, having attended, counts as 到会 for the
# quorum; they do not vote. Both readings are policy switches.
def test_nine_due_six_present_one_recused_has_its_quorum():
    decision = party_group_decision(9, 6, 5, recused=1)
    assert decision.quorum is True and decision.passed is True
    assert decision.explanation == ("应到 9 人，实到 6 人（含回避 1 人） ≥ 9×2/3=6，达到法定人数；"
                                    "同意 5 票 > 9/2=4.5，通过")
    assert decision.figures["recused"] == 1


def test_eight_due_eight_present_one_recused_does_not_pass_on_four():
    decision = party_group_decision(8, 8, 4, recused=1)
    assert decision.passed is False
    assert "同意 4 票 ≤ 8/2=4" in decision.explanation
    assert party_group_decision(8, 8, 5, recused=1).passed is True


def test_recused_members_are_named_in_the_arithmetic():
    decision = party_group_decision(9, 6, 4, recused=2, recused_names=("王五", "赵六"))
    assert "实到 6 人（含回避 2 人：王五、赵六）" in decision.explanation


def test_the_other_recusal_readings_are_policy_switches_recorded_with_the_decision():
    off_due = Policy(recusal_reduces_due=True)
    assert party_group_decision(8, 8, 4, off_due, recused=1).passed is True  # 应到 7: 4 > 3.5
    assert "应到 7 人（8 人中回避 1 人）" in party_group_decision(8, 8, 4, off_due, recused=1).explanation
    not_present = Policy(recused_count_present=False)
    assert party_group_decision(9, 6, 5, not_present, recused=1).quorum is False  # 实到 5 < 6
    assert party_group_decision(9, 6, 5, not_present, recused=1).policy == {
        "version": Policy().version, "quorum_fraction": "2/3", "quorum_inclusive": True,
        "recusal_reduces_due": False, "recused_count_present": False}


@pytest.mark.parametrize(("due", "present", "approve", "recused", "message"), [
    (9, 6, 6, 1, "同意票数（6）不得多于参加表决的人数（5）"),
    (9, 6, 0, 7, "回避人数（7）不得多于实到人数（6）"),
    (9, 6, 0, -1, "回避人数不得为负数"),
])
def test_impossible_recusal_counts_are_refused(due, present, approve, recused, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        party_group_decision(due, present, approve, recused=recused)


def test_a_meeting_before_its_vote_answers_for_its_quorum():
    meeting = party_group_decision(9, 6, recused=1)
    assert meeting.quorum is True and meeting.passed is False
    assert meeting.explanation.startswith("应到 9 人，实到 6 人（含回避 1 人） ≥ 9×2/3=6，达到法定人数")
