"""Rotation (交流轮岗) due after long service in the same post, with the national exclusions."""

from dataclasses import dataclass
from datetime import date

from workflows.rules.dates import add_years
from workflows.rules.dates import full_years
from workflows.rules.facts import POST_CATEGORY_LABELS
from workflows.rules.facts import POST_LEVELS
from workflows.rules.facts import CadreFacts
from workflows.rules.findings import Finding
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import joined
from workflows.text import t

SEED_SOURCE = t("青数〔2024〕18号 四（二）")
TRANSFER_SOURCE = t("《公务员转任规定》(2020)")


@dataclass(frozen=True)
class RotationFinding(Finding):
    """Whether rotation is due now; ``exclusions`` names what holds it back even when the years are reached."""

    due_on: date | None  # the day the required years in the same post are complete
    exclusions: tuple[str, ...]


def rotation_due(cadre: CadreFacts, on: date, policy: Policy = DEFAULT_POLICY) -> RotationFinding:
    """Rotation is due when a post in scope has been held ≥ policy.rotation_years, unless excluded.

    Scope: 科级 *leadership* posts (科长/副科长, i.e. ``level`` set and ``is_leadership``), and any post whose
    岗位类别 is one of the policy's key posts (组织、人事、纪检、审计、财务、审批、采购、许可、处罚). Seed 000 says
    "科级干部在同一职位"; the national 转任规定 makes it mandatory for "担任机关内设机构领导职务的公务员" and extends
    regular rotation to staff in key posts, where the registry's post (section + title + category) gives the
    "same post" its start. Other cadres can still be rotated under seed 000's "不适应现职位"/"其他原因", which is
    a human decision, not this rule.
    """
    recorded = policy.subset("rotation_years", "rotation_key_post_categories")
    post = cadre.post
    if post is None:
        return _finding(False, t("{name}无现任职务，不适用同一职位轮岗规定", name=cadre.name), {}, recorded, None, ())
    key_post = post.category in policy.rotation_key_post_categories
    if not (post.is_leadership and post.level in POST_LEVELS) and not key_post:
        kind = t("（岗位类别：{category}）", category=POST_CATEGORY_LABELS.get(post.category, post.category)) \
            if post.category else ""
        return _finding(
            False,
            t("{name}现任{title}{kind}，不是科级领导职务（实职），也不在重点岗位之列，"
              "不适用同一职位满 {years} 年轮岗规定；如不适应现职位或因其他原因需要交流，另行研究",
              name=cadre.name, title=post.title, kind=kind, years=policy.rotation_years),
            {"title": post.title, "level": post.level, "is_leadership": post.is_leadership,
             "category": post.category, "key_post": False}, recorded, None, ())
    if post.same_post_start is None:
        return _finding(False, t("{name}缺少同一职位起始日期，无法判断是否到期轮岗，请先补录干部信息", name=cadre.name),
                        {"title": post.title}, recorded, None, ())

    # 满 N 年: the anniversary itself completes the period (month-end convention in dates.add_months).
    due_on = add_years(post.same_post_start, policy.rotation_years)
    years = full_years(post.same_post_start, on)
    reached = on >= due_on
    exclusions = _exclusions(cadre, on)
    # A leader is in scope as a leader; the key-post reading only widens the rule to non-leadership posts.
    key_post = key_post and not (post.is_leadership and post.level in POST_LEVELS)
    figures = {
        "same_post_start": post.same_post_start.isoformat(), "on": on.isoformat(), "years_in_post": years,
        "due_on": due_on.isoformat(), "rotation_years": policy.rotation_years, "exclusions": list(exclusions),
        "category": post.category, "key_post": key_post,
    }
    where = t("{title}（{category}岗位，属重点岗位）", title=post.title,
              category=POST_CATEGORY_LABELS.get(post.category, post.category)) if key_post else post.title
    served = t("{name}自 {start} 起任{where}", name=cadre.name, start=post.same_post_start.isoformat(), where=where)
    if reached and not exclusions:
        rule = t("重点岗位定期交流") if key_post else t("满10年应当转任")
        reason = t("{served}，至 {on} 已满 {years} 年（≥ {required} 年，满期日 {due}），"
                   "原则上必须轮岗交流（{seed}；{transfer}：{rule}）", served=served, on=on.isoformat(),
                   years=years, required=policy.rotation_years, due=due_on.isoformat(),
                   seed=SEED_SOURCE, transfer=TRANSFER_SOURCE, rule=rule)
    elif reached:
        reason = t("{served}，至 {on} 已满 {years} 年（≥ {required} 年），但{exclusions}，"
                   "暂不安排轮岗交流（{transfer}：上述情形一般不得转任）", served=served, on=on.isoformat(),
                   years=years, required=policy.rotation_years, exclusions=joined(exclusions),
                   transfer=TRANSFER_SOURCE)
    else:
        reason = t("{served}，至 {on} 满 {years} 年，未满 {required} 年（满期日 {due}），尚不需要轮岗交流",
                   served=served, on=on.isoformat(), years=years, required=policy.rotation_years,
                   due=due_on.isoformat())
        if exclusions:
            reason = t("{reason}；另：{exclusions}", reason=reason, exclusions=joined(exclusions))
    return _finding(reached and not exclusions, reason, figures, recorded, due_on, exclusions)


def _exclusions(cadre: CadreFacts, on: date) -> tuple[str, ...]:
    # 《公务员转任规定》: 试用期未满的, 正在接受纪律审查、监察调查或涉嫌犯罪司法程序尚未终结的 一般不得转任.
    found: list[str] = []
    post = cadre.post
    if post is not None and post.probation_end is not None and post.probation_result is None \
            and on <= post.probation_end:
        found.append(t("试用期未满（试用期至 {end}）", end=post.probation_end.isoformat()))
    if cadre.under_investigation:
        found.append(t("正在接受纪律审查或监察调查，尚未作出结论"))
    return tuple(found)


def _finding(applies: bool, reason: str, figures: dict, policy: dict, due_on: date | None,
             exclusions: tuple[str, ...]) -> RotationFinding:
    return RotationFinding(applies=applies, reason=reason, figures=figures, policy=policy, due_on=due_on,
                           exclusions=exclusions)
