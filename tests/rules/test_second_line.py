"""到龄退二线: the period before retirement in which the leadership post is left (domain §4)."""

from datetime import date

import pytest

from tests.rules.builders import cadre
from tests.rules.builders import post
from workflows.rules.cadres import second_line_window
from workflows.rules.policy import Policy
from workflows.rules.retirement import retirement_rule_version

# domain §4: a man born 1970-06 retires 2031-11; the window opens 2026-11 and is due 2028-11.
MAN_1970 = cadre(birth=date(1970, 6, 12), post_facts=post())


def test_the_domain_example_dates():
    window = second_line_window(MAN_1970, date(2026, 1, 1))
    assert window.retirement_month == date(2031, 11, 1)
    assert window.opens == date(2026, 11, 1)
    assert window.due == date(2028, 11, 1)
    assert "61 岁 5 个月" in window.reason and "2031-11" in window.reason


@pytest.mark.parametrize(("on", "state", "applies"), [
    (date(2026, 10, 31), "before", False),
    (date(2026, 11, 1), "open", True),
    (date(2028, 10, 31), "open", True),
    (date(2028, 11, 1), "due", True),
    (date(2032, 1, 1), "due", True),
])
def test_state_on_both_sides_of_opening_and_due(on, state, applies):
    window = second_line_window(MAN_1970, on)
    assert window.state == state
    assert window.applies is applies
    assert window.figures["state"] == state


def test_the_open_reason_names_party_group_approval():
    assert "经数据局党组批准" in second_line_window(MAN_1970, date(2027, 1, 1)).reason


def test_past_the_retirement_month_the_reason_says_so():
    assert "已到法定退休月份" in second_line_window(MAN_1970, date(2031, 11, 1)).reason


def test_a_woman_cadre_uses_the_55_to_58_schedule():
    woman = cadre(birth=date(1971, 4, 3), gender="female", post_facts=post("deputy_section_chief"))
    window = second_line_window(woman, date(2022, 1, 1))
    assert window.retirement_month == date(2026, 8, 1)
    assert window.opens == date(2021, 8, 1)
    assert window.due == date(2023, 8, 1)
    assert window.state == "open"


def test_non_leadership_and_sub_section_posts_are_out_of_scope():
    for facts in (post(leadership=False, title="二级主任科员"), post(None, leadership=False), None):
        window = second_line_window(cadre(birth=date(1970, 6, 1), post_facts=facts), date(2030, 1, 1))
        assert window.applies is False
        assert window.state is None
        assert window.retirement_month == date(2031, 11, 1)  # still shown
        assert "不适用到龄退出领导岗位" in window.reason


def test_the_policy_moves_the_window():
    window = second_line_window(MAN_1970, date(2027, 11, 1),
                                Policy(second_line_open_years=4, second_line_due_years=2))
    assert window.opens == date(2027, 11, 1)
    assert window.due == date(2029, 11, 1)
    assert window.state == "open"


def test_the_record_carries_the_window_parameters_and_the_retirement_rule_version():
    window = second_line_window(MAN_1970, date(2026, 1, 1))
    assert window.policy == {"version": Policy().version, "second_line_open_years": 5, "second_line_due_years": 3,
                             "second_line_anchor": "statutory", "retirement_rule_version": retirement_rule_version}


def test_an_unknown_retirement_category_is_refused():
    with pytest.raises(ValueError, match="special"):
        second_line_window(cadre(category="special", post_facts=post()), date(2026, 1, 1))


def test_the_reason_speaks_of_leaving_the_leadership_post_not_of_a_window():
    for on in (date(2026, 1, 1), date(2027, 1, 1), date(2029, 1, 1)):
        reason = second_line_window(MAN_1970, on).reason
        assert "窗口" not in reason and "退出领导岗位" in reason
    assert "应提请数据局党组研究免去领导职务" in second_line_window(MAN_1970, date(2029, 1, 1)).reason


def test_the_anchor_may_be_the_pre_2025_age_and_is_recorded():
    """The man born 1970-06 retires 2031-11 under the reform; at the original 60 the anchor is 2030-06."""
    original = Policy(second_line_anchor="original")
    window = second_line_window(MAN_1970, date(2026, 1, 1), original)
    assert window.retirement_month == date(2031, 11, 1)  # the statutory month is still the retirement
    assert (window.opens, window.due) == (date(2025, 6, 1), date(2027, 6, 1))
    assert window.state == "open"
    assert window.policy["second_line_anchor"] == "original"
    assert (window.figures["anchor"], window.figures["anchor_month"]) == ("original", "2030-06-01")
    assert "原法定退休年龄" in window.reason and "2030-06" in window.reason
    statutory = second_line_window(MAN_1970, date(2026, 1, 1))
    assert (statutory.figures["anchor"], statutory.figures["anchor_month"]) == ("statutory", "2031-11-01")
    assert statutory.state == "before"


def test_an_unknown_anchor_is_refused_by_the_policy():
    with pytest.raises(ValueError, match="second_line_anchor"):
        Policy(second_line_anchor="custom")
