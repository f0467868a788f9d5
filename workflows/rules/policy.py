"""The bureau's local rule parameters in one frozen, versioned, recordable value."""

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from fractions import Fraction
from typing import Any

from workflows.rules.facts import KEY_POST_CATEGORIES
from workflows.rules.facts import POST_CATEGORIES
from workflows.text import joined
from workflows.text import t

# Rotation and second line: the new post counts from the decision or the handover; the window's anchor.
POST_COUNTS_FROM = ("decision", "handover")
SECOND_LINE_ANCHORS = ("statutory", "original")

# Positive whole numbers of days or years; zero would make the rule meaningless.
_POSITIVE_INTS = (
    "publicity_working_days", "rotation_years", "second_line_open_years", "excellent_streak_years",
    "structure_age_limit", "handover_working_days", "section_bottom_ranks",
)
# Zero is allowed here: a bureau may decide the second-line exit is due at retirement itself.
_NON_NEGATIVE_INTS = ("second_line_due_years",)
# Seed 004 structure targets, in whole per cent ("35%左右").
_PERCENTS = (
    "target_young_section_chief_percent", "target_young_deputy_percent",
    "target_young_section_chief_degree_percent", "target_young_deputy_degree_percent",
    "target_women_percent",
)


@dataclass(frozen=True)
class Policy:
    """Every local parameter the rules read; record ``as_record()`` with each decision it informs."""

    version: str = "default-2025.1"
    # 2019 条例 第四十二条: 公示期不少于五个工作日.
    publicity_working_days: int = 5
    # 2019 条例 ch.6: 到会成员须达到应到会成员的三分之二以上; "以上" is read inclusively by default (domain §2 step 13).
    quorum_fraction: Fraction = Fraction(2, 3)
    quorum_inclusive: bool = True
    # A recused member stays among the 应到会成员 (nothing in the 2019 条例 removes them) and, having attended,
    # counts as 到会 for the quorum; they do not vote. Each reading can be switched by the bureau.
    recusal_reduces_due: bool = False
    recused_count_present: bool = True
    # Seed 000 (二): 同一职位连续工作10年以上 ⇒ 轮岗交流; 转任规定: 满10年应当转任.
    rotation_years: int = 10
    # Seed 000 (三): 离退休年龄3-5年内 ⇒ 退出领导岗位; read as opens at 5 years, due at 3 (domain §4).
    second_line_open_years: int = 5
    second_line_due_years: int = 3
    # Seed 000 (六): 连续三年被确定为优秀等次 ⇒ 提拔重用时优先考虑.
    excellent_streak_years: int = 3
    # Seed 004 (二): "40岁及以下".
    structure_age_limit: int = 40
    # 转任规定: 10个工作日内完成工作交接.
    handover_working_days: int = 10
    # Seed 000 (六): 排名后两名.
    section_bottom_ranks: int = 2
    # Seed 004 (二)(三)(四) three-year targets.
    target_young_section_chief_percent: int = 35
    target_young_deputy_percent: int = 89
    target_young_section_chief_degree_percent: int = 43
    target_young_deputy_degree_percent: int = 52
    target_women_percent: int = 25
    # Selection per candidate. 2019 条例 第二十条: 考察对象一般应当多于拟任职务人数 (差额考察); "一般" leaves the
    # bureau to decide, so it is a switch, on by default as the bureau's work plans say 差额考察.
    inspection_requires_more_candidates: bool = True
    # 个人有关事项报告: the national duty starts at 县处级副职; the bureau's 凡提四必 (seed 000) checks 科级 too.
    personal_matters_for_section_level: bool = True
    # Rotation and second line (交流轮岗、到龄退二线).
    # 《公务员转任规定》(2020): besides 内设机构领导职务, staff in key posts (组织、人事、纪检、审计、财务、审批、采购、
    # 许可、处罚) rotate after rotation_years in the same post; the bureau lists the post categories that count.
    rotation_key_post_categories: tuple[str, ...] = KEY_POST_CATEGORIES
    # 2014 条例 第四十四条 (kept in 2019): the term counts from the 党组 decision ("decision"); "handover" counts the
    # new post from the handover date, for a bureau that holds a 转任 effective on 交接.
    rotation_post_counts_from: str = "decision"
    # 《推进领导干部能上能下规定》 第五条: keeping a cadre past the limit is proposed by the 党组 and agreed by the next
    # level (区委组织部), as domain §4 models it; False leaves 科级 retention to the 党组 alone.
    second_line_upper_consent: bool = True
    # Seed 000 (三) counts 3-5 years from 离退休年龄: "statutory" is the statutory retirement month after the 2025
    # reform (domain §4, §7); "original" the pre-2025 age (60 / 55 / 50), for a bureau that keeps the old window.
    second_line_anchor: str = "statutory"

    def __post_init__(self) -> None:
        # Validate here too, so a Policy built directly is as safe as one read from configuration.
        if not isinstance(self.version, str) or not self.version.strip():
            raise ValueError(t("政策参数 version 须为非空字符串"))
        for name in _POSITIVE_INTS + _NON_NEGATIVE_INTS + _PERCENTS:
            value = getattr(self, name)
            # bool is an int subclass; True as "1 year" is almost certainly a configuration slip.
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(t("政策参数 {name} 须为整数，收到 {value}", name=name, value=repr(value)))
            if name in _POSITIVE_INTS and value < 1:
                raise ValueError(t("政策参数 {name} 须为正整数，收到 {value}", name=name, value=value))
            if name in _NON_NEGATIVE_INTS and value < 0:
                raise ValueError(t("政策参数 {name} 不得为负数，收到 {value}", name=name, value=value))
            if name in _PERCENTS and not 0 <= value <= 100:
                raise ValueError(t("政策参数 {name} 须在 0 到 100 之间，收到 {value}", name=name, value=value))
        if not isinstance(self.quorum_fraction, Fraction) or not 0 < self.quorum_fraction <= 1:
            raise ValueError(t("政策参数 quorum_fraction 须为 0 到 1 之间的分数，收到 {value}",
                               value=repr(self.quorum_fraction)))
        for name in ("quorum_inclusive", "recusal_reduces_due", "recused_count_present",
                     "inspection_requires_more_candidates", "personal_matters_for_section_level"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(t("政策参数 {name} 须为 true 或 false，收到 {value}", name=name,
                                   value=repr(getattr(self, name))))
        if self.second_line_due_years > self.second_line_open_years:
            raise ValueError(t(
                "政策参数 second_line_due_years（{due}）不得大于 second_line_open_years（{open}）：窗口须先开启后到期",
                due=self.second_line_due_years, open=self.second_line_open_years))
        _check_rotation_and_second_line(self)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "Policy":
        """A policy from configuration; missing keys keep their defaults, unknown or bad ones raise ValueError."""
        known = {f.name for f in fields(cls)}
        for key in mapping:
            if key not in known:
                raise ValueError(t("未知的政策参数 {key}（可用参数：{known}）", key=repr(key),
                                   known=joined(sorted(known), "、")))
        values = dict(mapping)
        if "quorum_fraction" in values:
            values["quorum_fraction"] = _parse_fraction(values["quorum_fraction"])
        return replace(cls(), **values)

    def as_record(self) -> dict[str, Any]:
        """JSON-ready parameters (fractions as "2/3") to store with each decision."""
        record: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            record[f.name] = f"{value.numerator}/{value.denominator}" if isinstance(value, Fraction) else value
            if isinstance(value, tuple):
                record[f.name] = list(value)  # JSON has lists; from_mapping turns them back into tuples
        return record

    def subset(self, *names: str) -> dict[str, Any]:
        """The version plus the named parameters: what one rule result records."""
        record = self.as_record()
        return {"version": record["version"], **{name: record[name] for name in names}}


def _parse_fraction(value: Any) -> Fraction:
    # Floats are refused: 0.6667 is not 2/3, and the quorum arithmetic must stay exact.
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(t("政策参数 quorum_fraction 须写成分数，如 \"2/3\"，收到 {value}", value=repr(value)))


def _check_rotation_and_second_line(policy: "Policy") -> None:
    # A list read from JSON becomes a tuple, so the policy stays hashable and compares equal to its defaults.
    categories = policy.rotation_key_post_categories
    if isinstance(categories, list):
        categories = tuple(categories)
        object.__setattr__(policy, "rotation_key_post_categories", categories)
    if not isinstance(categories, tuple) or any(code not in POST_CATEGORIES for code in categories):
        raise ValueError(t("政策参数 rotation_key_post_categories 只能列出岗位类别 {known}，收到 {value}",
                           known=joined(POST_CATEGORIES, "、"), value=repr(categories)))
    if policy.rotation_post_counts_from not in POST_COUNTS_FROM:
        raise ValueError(t("政策参数 {name} 只能是 {known}，收到 {value}", name="rotation_post_counts_from",
                           known=joined(POST_COUNTS_FROM, "、"), value=repr(policy.rotation_post_counts_from)))
    if not isinstance(policy.second_line_upper_consent, bool):
        raise ValueError(t("政策参数 {name} 须为 true 或 false，收到 {value}", name="second_line_upper_consent",
                           value=repr(policy.second_line_upper_consent)))
    if policy.second_line_anchor not in SECOND_LINE_ANCHORS:
        raise ValueError(t("政策参数 {name} 只能是 {known}，收到 {value}", name="second_line_anchor",
                           known=joined(SECOND_LINE_ANCHORS, "、"), value=repr(policy.second_line_anchor)))


# The defaults as one shared value: Policy is frozen, so sharing it as a default argument is safe.
DEFAULT_POLICY = Policy()
