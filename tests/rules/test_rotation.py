"""Rotation due after ten years in the same section-level leadership post or key post, and its exclusions."""

from datetime import date

from tests.rules.builders import cadre
from tests.rules.builders import post
from workflows.rules.cadres import rotation_due
from workflows.rules.facts import CadreFacts
from workflows.rules.policy import Policy

START = date(2015, 3, 16)


def leader(**post_extra) -> CadreFacts:
    return cadre(post_facts=post(same_post_start=START, **post_extra))


def test_rotation_is_due_on_the_tenth_anniversary_in_the_same_post():
    finding = rotation_due(leader(), date(2025, 3, 16))
    assert finding.applies is True
    assert finding.due_on == date(2025, 3, 16)
    assert finding.figures["years_in_post"] == 10
    assert "已满 10 年" in finding.reason and "原则上必须轮岗交流" in finding.reason
    assert finding.policy == {"version": Policy().version, "rotation_years": 10,
                              "rotation_key_post_categories": list(Policy().rotation_key_post_categories)}


def test_rotation_is_not_due_the_day_before_the_tenth_anniversary():
    finding = rotation_due(leader(), date(2025, 3, 15))
    assert finding.applies is False
    assert finding.figures["years_in_post"] == 9
    assert "未满 10 年" in finding.reason and "2025-03-16" in finding.reason


def test_rotation_stays_due_after_more_than_ten_years():
    assert rotation_due(leader(), date(2031, 1, 1)).applies is True


def test_deputy_section_chiefs_are_covered_too():
    deputy = cadre(post_facts=post("deputy_section_chief", same_post_start=START))
    assert rotation_due(deputy, date(2025, 3, 16)).applies is True


def test_a_start_on_29_february_completes_on_28_february():
    started = cadre(post_facts=post(same_post_start=date(2016, 2, 29)))
    assert rotation_due(started, date(2026, 2, 27)).applies is False
    assert rotation_due(started, date(2026, 2, 28)).applies is True


def test_the_policy_can_shorten_the_period():
    assert rotation_due(leader(), date(2023, 3, 16), Policy(rotation_years=8)).applies is True
    assert rotation_due(leader(), date(2023, 3, 15), Policy(rotation_years=8)).applies is False


def test_non_leadership_posts_outside_the_key_posts_are_outside_the_ten_year_rule():
    clerk = cadre(post_facts=post("section_chief", leadership=False, same_post_start=START, title="二级主任科员"))
    finding = rotation_due(clerk, date(2030, 1, 1))
    assert finding.applies is False
    assert "不是科级领导职务" in finding.reason


def test_posts_below_section_level_are_outside_the_rule():
    clerk = cadre(post_facts=post(None, leadership=False, same_post_start=START))
    assert rotation_due(clerk, date(2030, 1, 1)).applies is False


def test_a_cadre_without_a_post_is_not_due():
    finding = rotation_due(cadre(), date(2030, 1, 1))
    assert finding.applies is False
    assert "无现任职务" in finding.reason


def test_a_missing_start_date_is_reported_not_guessed():
    finding = rotation_due(cadre(post_facts=post(same_post_start=None)), date(2030, 1, 1))
    assert finding.applies is False
    assert "缺少同一职位起始日期" in finding.reason


def test_probation_excludes_until_its_last_day():
    on_probation = leader(probation_end=date(2025, 6, 30))
    finding = rotation_due(on_probation, date(2025, 6, 30))
    assert finding.applies is False
    assert finding.exclusions == ("试用期未满（试用期至 2025-06-30）",)
    assert "试用期未满" in finding.reason and "一般不得转任" in finding.reason
    assert rotation_due(on_probation, date(2025, 7, 1)).applies is True


def test_a_decided_probation_no_longer_excludes():
    confirmed = leader(probation_end=date(2025, 6, 30), probation_result="passed")
    assert rotation_due(confirmed, date(2025, 6, 1)).applies is True


def test_an_investigation_excludes_and_is_named():
    investigated = cadre(post_facts=post(same_post_start=START), under_investigation=True)
    finding = rotation_due(investigated, date(2025, 3, 16))
    assert finding.applies is False
    assert "纪律审查" in finding.reason
    assert finding.figures["exclusions"] == ["正在接受纪律审查或监察调查，尚未作出结论"]


def test_an_exclusion_is_mentioned_even_before_the_period_is_reached():
    investigated = cadre(post_facts=post(same_post_start=START), under_investigation=True)
    finding = rotation_due(investigated, date(2020, 1, 1))
    assert finding.applies is False
    assert "未满 10 年" in finding.reason and "纪律审查" in finding.reason


# Key posts (组织、人事、纪检、审计、财务、审批、采购、许可、处罚): ten years in the same post, leadership or not.

def staff(category: str | None, **post_extra) -> CadreFacts:
    return cadre(post_facts=post(None, leadership=False, same_post_start=START, title="二级主任科员",
                                 category=category, **post_extra))


def test_a_non_leadership_finance_post_is_due_after_ten_years():
    finding = rotation_due(staff("finance"), date(2025, 3, 16))
    assert finding.applies is True
    assert finding.figures["key_post"] is True and finding.figures["category"] == "finance"
    assert "财务岗位，属重点岗位" in finding.reason and "重点岗位定期交流" in finding.reason
    assert finding.policy["rotation_key_post_categories"] == list(Policy().rotation_key_post_categories)
    assert rotation_due(staff("finance"), date(2025, 3, 15)).applies is False


def test_a_non_key_or_unclassified_post_stays_outside_the_rule():
    for category in ("other", None):
        finding = rotation_due(staff(category), date(2030, 1, 1))
        assert finding.applies is False
        assert "不在重点岗位之列" in finding.reason


def test_the_policy_lists_the_key_posts():
    only_audit = Policy(rotation_key_post_categories=("audit",))
    assert rotation_due(staff("finance"), date(2026, 1, 1), only_audit).applies is False
    assert rotation_due(staff("audit"), date(2026, 1, 1), only_audit).applies is True


def test_key_post_exclusions_apply_as_to_leaders():
    investigated = cadre(post_facts=post(None, leadership=False, same_post_start=START, category="procurement"),
                         under_investigation=True)
    finding = rotation_due(investigated, date(2026, 1, 1))
    assert finding.applies is False and "纪律审查" in finding.reason


def test_a_leader_in_a_key_post_is_due_as_a_leader():
    finding = rotation_due(leader(category="personnel"), date(2025, 3, 16))
    assert finding.applies is True and finding.figures["key_post"] is False
    assert "满10年应当转任" in finding.reason
