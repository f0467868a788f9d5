"""The 到龄退二线 window: when a section-level leader should leave the leadership post before retirement."""

from dataclasses import dataclass
from datetime import date

from workflows.rules.dates import add_years
from workflows.rules.facts import POST_LEVELS
from workflows.rules.facts import CadreFacts
from workflows.rules.findings import Finding
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.retirement import retirement_rule_version
from workflows.rules.retirement import statutory_age_months
from workflows.rules.retirement import statutory_retirement_month

SOURCE = "青数〔2024〕18号 四（三）"
STATES = ("before", "open", "due")


@dataclass(frozen=True)
class SecondLineWindow(Finding):
    """The window around one cadre's statutory retirement month and where ``on`` falls in it."""

    retirement_month: date
    opens: date
    due: date
    state: str | None  # one of STATES; None when the cadre holds no 科级 leadership post


def second_line_window(cadre: CadreFacts, on: date, policy: Policy = DEFAULT_POLICY) -> SecondLineWindow:
    """Opens ``second_line_open_years`` and is due ``second_line_due_years`` before the statutory retirement month.

    Seed 000: 担任实职岗位的科级干部，离退休年龄3-5年内经数据局党组批准后，原则上退出领导岗位. "3-5年内" is
    read as a window (domain §4, open question 7): flagged from 5 years before, expected by 3 years before.
    ``applies`` is True once the window is open (state "open" or "due"). The window is computed for every
    cadre (so pages can show it) but only 正科/副科 leadership posts are in scope; others get state None.
    """
    retirement = statutory_retirement_month(cadre.birth_date, cadre.retirement_category)
    opens = add_years(retirement, -policy.second_line_open_years)
    due = add_years(retirement, -policy.second_line_due_years)
    state = "before" if on < opens else "open" if on < due else "due"
    age_months = statutory_age_months(cadre.birth_date, cadre.retirement_category)
    age_text = f"{age_months // 12} 岁" + (f" {age_months % 12} 个月" if age_months % 12 else "")
    window_text = (f"{cadre.name}（{cadre.birth_date:%Y-%m} 出生）法定退休年龄 {age_text}，法定退休月份 "
                   f"{retirement:%Y-%m}；退二线窗口 {opens:%Y-%m} 开启，{due:%Y-%m} 到期")
    recorded = {**policy.subset("second_line_open_years", "second_line_due_years"),
                "retirement_rule_version": retirement_rule_version}
    figures = {
        "birth_date": cadre.birth_date.isoformat(), "retirement_category": cadre.retirement_category,
        "statutory_age_months": age_months, "retirement_month": retirement.isoformat(),
        "opens": opens.isoformat(), "due": due.isoformat(), "on": on.isoformat(), "state": state,
    }

    post = cadre.post
    if post is None or not post.is_leadership or post.level not in POST_LEVELS:
        held = "无现任职务" if post is None else f"现任{post.title}不是正科/副科实职"
        figures["state"] = None
        return SecondLineWindow(
            applies=False, reason=f"{window_text}；{held}，不适用到龄退二线机制（{SOURCE}）",
            figures=figures, policy=recorded, retirement_month=retirement, opens=opens, due=due, state=None)

    if state == "before":
        reason = f"{window_text}；至 {on.isoformat()} 尚未进入退二线窗口"
    elif state == "open":
        reason = (f"{window_text}；至 {on.isoformat()} 已进入窗口（离法定退休已在 {policy.second_line_open_years} "
                  f"年以内），经数据局党组批准后原则上退出领导岗位（{SOURCE}）")
    else:
        reason = (f"{window_text}；至 {on.isoformat()} 已到期（离法定退休已在 {policy.second_line_due_years} "
                  f"年以内），应提请数据局党组研究退出领导岗位（{SOURCE}）")
        if on >= retirement:
            reason += "；已到法定退休月份，应办理退休"
    return SecondLineWindow(applies=state != "before", reason=reason, figures=figures, policy=recorded,
                            retirement_month=retirement, opens=opens, due=due, state=state)
