"""到龄退二线: when a section-level leader should leave the leadership post (退出领导岗位) before retirement."""

from dataclasses import dataclass
from datetime import date

from workflows.rules.dates import add_years
from workflows.rules.facts import POST_LEVELS
from workflows.rules.facts import CadreFacts
from workflows.rules.findings import Finding
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.retirement import ANCHORS
from workflows.rules.retirement import anchor_month
from workflows.rules.retirement import retirement_rule_version
from workflows.rules.retirement import statutory_age_months
from workflows.rules.retirement import statutory_retirement_month
from workflows.text import t

SOURCE = t("青数〔2024〕18号 四（三）")
STATES = ("before", "open", "due")


@dataclass(frozen=True)
class SecondLineWindow(Finding):
    """The period before one cadre's retirement in which the leadership post is left, and where ``on`` falls."""

    retirement_month: date  # the statutory month (2025 reform), whatever the window counts back from
    opens: date  # from here the 党组 may decide 退出领导岗位
    due: date  # by here it should have decided (免去领导职务 or a retention)
    state: str | None  # one of STATES; None when the cadre holds no 科级 leadership post


def second_line_window(cadre: CadreFacts, on: date, policy: Policy = DEFAULT_POLICY) -> SecondLineWindow:
    """Opens ``second_line_open_years`` and is due ``second_line_due_years`` before the anchor month.

    Seed 000: 担任实职岗位的科级干部，离退休年龄3-5年内经数据局党组批准后，原则上退出领导岗位. "3-5年内" is
    read as a period (domain §4, open question 7): flagged from 5 years before, decided by 3 years before.
    What "离退休年龄" means is the policy's recorded choice (``second_line_anchor``): the statutory month after
    the 2025 reform, or the pre-2025 age. ``applies`` is True once the period has begun (state "open" or
    "due"). It is computed for every cadre (so pages can show it) but only 正科/副科 leadership posts are in
    scope; others get state None.
    """
    retirement = statutory_retirement_month(cadre.birth_date, cadre.retirement_category)
    anchor = anchor_month(cadre.birth_date, cadre.retirement_category, policy.second_line_anchor)
    opens = add_years(anchor, -policy.second_line_open_years)
    due = add_years(anchor, -policy.second_line_due_years)
    state = "before" if on < opens else "open" if on < due else "due"
    age_months = statutory_age_months(cadre.birth_date, cadre.retirement_category)
    age_text = t("{years} 岁 {months} 个月", years=age_months // 12, months=age_months % 12) if age_months % 12 \
        else t("{years} 岁", years=age_months // 12)
    counted = "" if anchor == retirement else \
        t("；按{anchor}计算为 {month}", anchor=ANCHORS[policy.second_line_anchor], month=f"{anchor:%Y-%m}")
    period_text = t("{name}（{born} 出生）法定退休年龄 {age}，法定退休月份 {retirement}{counted}；"
                    "自 {opens} 起可提请退出领导岗位，{due} 前应作出决定", name=cadre.name,
                    born=f"{cadre.birth_date:%Y-%m}", age=age_text, retirement=f"{retirement:%Y-%m}", counted=counted,
                    opens=f"{opens:%Y-%m}", due=f"{due:%Y-%m}")
    recorded = {**policy.subset("second_line_open_years", "second_line_due_years", "second_line_anchor"),
                "retirement_rule_version": retirement_rule_version}
    figures = {
        "birth_date": cadre.birth_date.isoformat(), "retirement_category": cadre.retirement_category,
        "statutory_age_months": age_months, "retirement_month": retirement.isoformat(),
        "anchor": policy.second_line_anchor, "anchor_month": anchor.isoformat(),
        "opens": opens.isoformat(), "due": due.isoformat(), "on": on.isoformat(), "state": state,
    }

    post = cadre.post
    if post is None or not post.is_leadership or post.level not in POST_LEVELS:
        held = t("无现任职务") if post is None else t("现任{title}不是正科/副科实职", title=post.title)
        figures["state"] = None
        return SecondLineWindow(
            applies=False, reason=t("{period}；{held}，不适用到龄退出领导岗位（退二线）的规定（{source}）",
                                    period=period_text, held=held, source=SOURCE),
            figures=figures, policy=recorded, retirement_month=retirement, opens=opens, due=due, state=None)

    if state == "before":
        reason = t("{period}；至 {on} 尚未到提请退出领导岗位的时间", period=period_text, on=on.isoformat())
    elif state == "open":
        reason = t("{period}；至 {on} 离退休已在 {years} 年以内，经数据局党组批准后原则上退出领导岗位（{source}）",
                   period=period_text, on=on.isoformat(), years=policy.second_line_open_years, source=SOURCE)
    else:
        reason = t("{period}；至 {on} 离退休已在 {years} 年以内，应提请数据局党组研究免去领导职务（{source}）",
                   period=period_text, on=on.isoformat(), years=policy.second_line_due_years, source=SOURCE)
        if on >= retirement:
            reason = t("{reason}；已到法定退休月份，应办理退休", reason=reason)
    return SecondLineWindow(applies=state != "before", reason=reason, figures=figures, policy=recorded,
                            retirement_month=retirement, opens=opens, due=due, state=state)
