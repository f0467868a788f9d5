"""Party-group (党组) meeting arithmetic: quorum of two thirds and a majority of the members due."""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import Text
from workflows.text import joined
from workflows.text import t


@dataclass(frozen=True)
class Decision:
    """Whether a 党组会 vote counts and passes, with the arithmetic in Chinese for the minutes."""

    quorum: bool
    passed: bool
    explanation: str
    figures: dict[str, Any]
    policy: dict[str, Any]


def party_group_decision(members_due: int, present: int, approve: int = 0, policy: Policy = DEFAULT_POLICY, *,
                         recused: int = 0, recused_names: Sequence[str] = ()) -> Decision:
    """Quorum (present vs members due × fraction) and passing (approve > half of the members due, not of present).

    2019 条例 ch.6: 到会成员须达到应到会成员的三分之二以上; 以超过应到会成员半数同意形成决定.
    A vote below the quorum is void, so it never passes whatever the count; without ``approve`` the decision
    answers for the meeting's quorum alone. ``recused`` members attended
    (they are among ``present``) and do not vote. Nothing in the regulation removes them from 应到会成员, and
    having attended they are 到会: that is the default reading; ``policy.recusal_reduces_due`` and
    ``policy.recused_count_present`` switch to the other readings, and the decision records which was used.
    """
    _check_counts(members_due, present, approve, recused)
    if recused_names and len(recused_names) != recused:
        raise ValueError(t("回避人数（{recused}）与回避成员名单（{listed} 人）不符", recused=recused,
                           listed=len(recused_names)))
    due = members_due - recused if policy.recusal_reduces_due else members_due
    attending = present if policy.recused_count_present else present - recused
    if due == 0:
        raise ValueError(t("除回避成员外，应到会人数不得为 0"))
    fraction = policy.quorum_fraction
    threshold = due * fraction
    # "三分之二以上" includes exactly two thirds unless the bureau decides otherwise (policy.quorum_inclusive).
    quorum = attending >= threshold if policy.quorum_inclusive else attending > threshold
    half = Fraction(due, 2)
    majority = approve > half
    passed = quorum and majority

    # The explanation is shown on the meeting page: each piece a message, so that it reads in the page's language.
    fraction_text = f"{fraction.numerator}/{fraction.denominator}"
    threshold_text = f"{due}×{fraction_text}{_value(threshold)}"
    due_text = t("应到 {due} 人", due=due) if due == members_due else \
        t("应到 {due} 人（{members} 人中回避 {recused} 人）", due=due, members=members_due, recused=recused)
    present_text = t("实到 {count} 人{note}", count=attending, note=_recusal_note(recused, recused_names, policy))
    if quorum:
        symbol = "≥" if policy.quorum_inclusive else ">"
        parts = [t("{due}，{present} {symbol} {threshold}，达到法定人数", due=due_text, present=present_text,
                   symbol=symbol, threshold=threshold_text)]
        if majority:
            parts.append(t("同意 {approve} 票 > {due}/2{half}，通过", approve=approve, due=due, half=_value(half)))
        else:
            parts.append(t("同意 {approve} 票 ≤ {due}/2{half}，未超过应到会成员半数，未通过",
                           approve=approve, due=due, half=_value(half)))
    else:
        symbol = "<" if policy.quorum_inclusive else "≤"
        parts = [t("{due}，{present} {symbol} {threshold}，未达到法定人数", due=due_text, present=present_text,
                   symbol=symbol, threshold=threshold_text),
                 t("会议不得作出决定，表决无效")]
    return Decision(
        quorum=quorum, passed=passed, explanation=joined(parts),
        figures={"members_due": members_due, "present": present, "approve": approve, "recused": recused,
                 "quorum_threshold": f"{threshold.numerator}/{threshold.denominator}",
                 "majority_threshold": f"{half.numerator}/{half.denominator}"},
        policy=policy.subset("quorum_fraction", "quorum_inclusive", "recusal_reduces_due", "recused_count_present"))


def _recusal_note(recused: int, names: Sequence[str], policy: Policy) -> Text | str:
    if not recused:
        return ""
    listed = t("：{names}", names=joined(names, "、")) if names else ""
    if policy.recused_count_present:
        return t("（含回避 {count} 人{names}）", count=recused, names=listed)
    return t("（回避 {count} 人{names}，不计入到会人数）", count=recused, names=listed)


def _value(number: Fraction) -> str:
    # Show exact values exactly ("=6", "=4.5") and the rest rounded with "≈" so nobody misreads 20/3 as 6.67 exactly.
    if number.denominator == 1:
        return f"={number.numerator}"
    denominator = number.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator == 1:  # a terminating decimal (21/4 = 5.25): exact
        return f"={float(number):g}"
    return f"≈{float(number):.2f}"


def _check_counts(members_due: int, present: int, approve: int, recused: int) -> None:
    for label, value in ((t("应到会人数"), members_due), (t("实到人数"), present), (t("同意票数"), approve),
                         (t("回避人数"), recused)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(t("{label}须为整数，收到 {value}", label=label, value=repr(value)))
        if value < 0:
            raise ValueError(t("{label}不得为负数，收到 {value}", label=label, value=value))
    if members_due == 0:
        raise ValueError(t("应到会人数不得为 0"))
    if present > members_due:
        raise ValueError(t("实到人数（{present}）不得多于应到会人数（{due}）", present=present, due=members_due))
    if recused > present:
        raise ValueError(t("回避人数（{recused}）不得多于实到人数（{present}）", recused=recused, present=present))
    if approve > present - recused:
        if recused:
            raise ValueError(t("同意票数（{approve}）不得多于参加表决的人数（{voting}）", approve=approve,
                               voting=present - recused))
        raise ValueError(t("同意票数（{approve}）不得多于实到人数（{present}）", approve=approve, present=present))


def recommendation_meeting_counts(range_size: int, attended: int) -> bool:
    """Whether a recommendation meeting (会议推荐) counts: at least two thirds of the defined range took part.

    2019 条例 and the 2014 Q&A: 参加民主推荐的人数至少要达到确定范围人数的三分之二 (domain §2 step 6).
    """
    if isinstance(range_size, bool) or not isinstance(range_size, int) or range_size < 1:
        raise ValueError(t("应参加人数须为正整数，收到 {value}", value=repr(range_size)))
    if isinstance(attended, bool) or not isinstance(attended, int) or not 0 <= attended <= range_size:
        raise ValueError(t("实到人数须在 0 到 {most} 之间，收到 {value}", most=range_size, value=repr(attended)))
    return attended * 3 >= range_size * 2
