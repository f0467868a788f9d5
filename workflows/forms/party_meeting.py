"""The party-group meeting as the command layer fixes it: who is due, who attends, who may vote, and once only.

A form with ``"x-party-meeting": true`` is the secretary's record of a meeting. The members due (应到会成员)
are not typed: they are the party group at the meeting, every active user holding ``party_group`` or
``party_secretary``. The secretary who records the meeting presides, counts as present and votes once, last,
on the secretary's ballot; so they are never among the members ticked present, who each get a member ballot.
A recused member attended (counts as 到会 by the default reading) and gets no ballot.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import User
from storage.models import UserRole
from workflows.actors import Actor
from workflows.text import joined
from workflows.text import t

KEYWORD = "x-party-meeting"
MEMBER_ROLES = ("party_group", "party_secretary")
# Dates the three procedures record before a party-group meeting, which the meeting cannot precede: it decides
# on what these steps prepared (a later meeting_date is the earlier sitting's, or the recommendation meeting's).
EARLIER_DATES = {
    "announced_on": t("职位公布日期"), "meeting_date": t("此前的会议日期"), "study_date": t("确定考察对象的研究日期"),
    "notice_date": t("考察预告日期"), "concluded_on": t("举报核查结论日期"), "screened_on": t("审查日期"),
    "consulted_on": t("征求意见日期"), "talk_date": t("谈话日期"), "education_date": t("批评教育日期"),
    "deferral_decided_on": t("暂缓申请审批日期"),
}


def roster(session: Session) -> dict[str, str]:
    """The party group now: {username: display name} of every active user holding a member role, by username."""
    rows = session.execute(
        select(User.username, User.display_name).join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role_code.in_(MEMBER_ROLES))
        .distinct().order_by(User.username)).all()
    return {username: display_name or username for username, display_name in rows}


def problems(members: dict[str, str], data: dict, secretary: str) -> dict[str, str]:
    """Field → message for each attendance the regulation makes impossible."""
    errors = {}
    present, recused = list(data.get("members_present") or []), list(data.get("recused") or [])
    if secretary not in members:
        errors["members_present"] = t("记录会议的用户 {secretary} 不是党组成员，不能主持党组会议", secretary=secretary)
    elif secretary in present:
        errors["members_present"] = t("书记本人主持会议，已自动计入出席，并在最后单独表态；请不要勾选书记本人")
    elif strangers := [name for name in present if name not in members]:
        errors["members_present"] = t("{names} 不是党组成员，不能计入出席", names=joined(strangers, "、"))
    if secretary in recused:
        errors["recused"] = t("主持会议的书记须回避时，应由其他党组成员主持该议题，不能在此登记书记回避")
    elif outside := [name for name in recused if name not in present]:
        errors["recused"] = t("回避的成员须是出席的成员：{names} 未勾选出席", names=joined(outside, "、"))
    return errors


def too_early(data: dict, case_data: dict) -> str | None:
    """Why the meeting's date precedes a step the case already recorded (None when it does not)."""
    day = str(data.get("meeting_date") or "")
    for key, label in EARLIER_DATES.items():
        earlier = case_data.get(key)
        if day and isinstance(earlier, str) and day < earlier[:10]:
            return t("「会议日期」（{day}）不得早于本案已记录的{label}（{earlier}）：党组会议在此前环节之后召开",
                     day=day, label=label, earlier=earlier[:10])
    return None


def attach(session: Session, data: dict, actor: Actor, case_data: dict) -> tuple[dict, dict[str, str]]:
    """The meeting data with the roster, the count due and present, and the presiding secretary; or the errors."""
    members = roster(session)
    # What the command adds below overrides any submitted value (the form refuses unknown fields anyway).
    errors = problems(members, data, actor.username)
    if (early := too_early(data, case_data)) is not None:
        errors["meeting_date"] = early
    if errors:
        return data, errors
    present, recused = list(data.get("members_present") or []), list(data.get("recused") or [])
    return {**data, "members_roster": sorted(members), "members_due": len(members), "secretary": actor.username,
            "members_present_count": len(present) + 1,
            "recused_names": [members[name] for name in recused]}, {}
