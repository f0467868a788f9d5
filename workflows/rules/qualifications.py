"""What the registry shows of a promotion's 任职资格: the post's requirements, years in the lower level, education."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from typing import Any

from workflows.rules.dates import add_years
from workflows.rules.dates import months_between
from workflows.rules.facts import POST_LEVELS
from workflows.rules.facts import CadreFacts
from workflows.rules.facts import PostHistoryFacts
from workflows.text import Text
from workflows.text import joined
from workflows.text import t

# 《公务员职务、职级与级别管理办法》(2020), 晋升乡科级领导职务的最低任职年限 (domain §2 step 4 quotes the same figures
# from local rules): 晋升乡科级正职 ⇐ 任乡科级副职领导职务、三级或四级主任科员及相当层次职级（可累计）2 年以上;
# 晋升乡科级副职 ⇐ 任一级科员及相当层次职级 3 年以上. The motion may set its own figure; blank means these.
NATIONAL_YEARS = {"section_chief": 2, "deputy_section_chief": 3}
LEVEL_ZH = {"section_chief": t("乡科级正职"), "deputy_section_chief": t("乡科级副职")}
LOWER_ZH = {"section_chief": t("乡科级副职领导职务或四级主任科员以上职级"),
            "deputy_section_chief": t("一级科员以上职级")}
# 综合管理类职级, lowest first (《公务员职务与职级并行规定》(2019) 第七条). A higher 职级 is time at least at the
# lower one, so every rank from the lowest that counts upwards counts.
RANKS = ("二级科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
         "四级调研员", "三级调研员", "二级调研员", "一级调研员", "二级巡视员", "一级巡视员")
LOWEST_COUNTING_RANK = {"section_chief": "四级主任科员", "deputy_section_chief": "一级科员"}
# The registry's education codes, lowest first; "other" (其他) cannot be ranked and is left out on purpose.
EDUCATION_ZH = {"secondary": t("中专"), "college": t("大专"), "bachelor": t("大学本科"), "master": t("硕士研究生"),
                "doctorate": t("博士研究生")}
EDUCATION_RANK = {code: rank for rank, code in enumerate(EDUCATION_ZH)}
# Consecutive posts abut (a post ends the day the next starts); a month between them is a removal awaiting the
# next appointment, anything longer is time the registry does not account for.
GAP_ALLOWED = timedelta(days=31)


@dataclass(frozen=True)
class PositionRequirements:
    """The motion's 任职条件 the rules can read; None means not set by the motion."""

    post_level: str | None = None
    required_education: str | None = None
    required_years_in_lower_level: int | None = None  # None: the national figure for the post level

    def __post_init__(self) -> None:
        if self.post_level is not None and self.post_level not in POST_LEVELS:
            raise ValueError(t("拟任职务层次只能是 {known}，收到 {value}", known=joined(POST_LEVELS, "、"),
                               value=repr(self.post_level)))
        if self.required_education is not None and self.required_education not in EDUCATION_RANK:
            raise ValueError(t("最低学历要求只能是 {known}，收到 {value}", known=joined(EDUCATION_RANK, "、"),
                               value=repr(self.required_education)))
        years = self.required_years_in_lower_level
        if years is not None and (not isinstance(years, int) or isinstance(years, bool) or not 0 <= years <= 10):
            raise ValueError(t("下一级职务层次任职年限须为 0 到 10 的整数，收到 {value}", value=repr(years)))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "PositionRequirements":
        """Requirements from case data (what ``position_requirements`` returned); unknown keys raise ValueError."""
        known = ("post_level", "required_education", "required_years_in_lower_level")
        if unknown := [key for key in mapping if key not in known]:
            raise ValueError(t("未知的任职条件 {unknown}（可用：{known}）", unknown=joined(map(str, unknown), "、"),
                               known=joined(known, "、")))
        # A blank form field may arrive as "": it means "not set", as a missing one does.
        return cls(**{key: None if mapping.get(key) == "" else mapping.get(key) for key in known})

    def as_record(self) -> dict[str, Any]:
        """The plain dict a case keeps and the screening reads."""
        return {"post_level": self.post_level, "required_education": self.required_education,
                "required_years_in_lower_level": self.required_years_in_lower_level}

    @property
    def years_required(self) -> int | None:
        """The motion's figure, else the national one for the post level; None when the level is not known."""
        if self.required_years_in_lower_level is not None:
            return self.required_years_in_lower_level
        return NATIONAL_YEARS.get(self.post_level) if self.post_level else None


@dataclass(frozen=True)
class Tenure:
    """Time in the level below a post (or higher) as far as the registry's post history shows it."""

    days: int
    since: date  # ``on`` less the counted time: where one unbroken stretch of that length would have begun
    complete: bool  # the history reaches back to a post that does not count, with no unaccounted gaps
    unplaced: tuple[str, ...]  # titles of posts with neither a 职务层次 nor a known 职级
    first_recorded: date | None

    def meets(self, years: int, on: date) -> bool:
        """At least ``years`` whole years: the anniversary reached, as 「两年以上」 includes two."""
        return add_years(self.since, years) <= on


def _counts(post: PostHistoryFacts, target: str) -> bool | None:
    """Whether a post is time in the level below ``target`` or higher; None when the registry cannot tell."""
    if post.level in POST_LEVELS:
        return True
    rank = (post.rank or "").strip()
    if rank in RANKS:
        return RANKS.index(rank) >= RANKS.index(LOWEST_COUNTING_RANK[target])
    return None


def tenure_in_lower_level(cadre: CadreFacts, target: str, on: date) -> Tenure | None:
    """The counted time up to ``on`` for a promotion to ``target``; None when the registry gave no post history."""
    if not cadre.post_history:
        return None
    posts = sorted((post for post in cadre.post_history if post.start_date <= on), key=lambda post: post.start_date)
    counted: list[tuple[date, date]] = []
    for post in posts:
        if _counts(post, target):
            # The term counts from the party group's decision (2019 条例; domain §2 step 15) when it is recorded.
            start = min(post.decision_date or post.start_date, post.start_date)
            counted.append((start, min(post.end_date or on, on)))
    days, reached = 0, None
    for start, end in sorted(counted):  # overlapping rows (a data slip) are counted once
        start = max(start, reached) if reached else start
        if end > start:
            days, reached = days + (end - start).days, end
    gaps = any(later.start_date - (earlier.end_date or on) > GAP_ALLOWED
               for earlier, later in zip(posts, posts[1:], strict=False))
    unplaced = tuple(post.title for post in posts if _counts(post, target) is None)
    complete = bool(posts) and _counts(posts[0], target) is False and not gaps and not unplaced
    return Tenure(days=days, since=on - timedelta(days=days), complete=complete, unplaced=unplaced,
                  first_recorded=posts[0].start_date if posts else None)


def span_zh(since: date, on: date) -> Text:
    """A stretch of time in whole years and months, e.g. "1 年 10 个月"."""
    months = months_between(since, on) - (1 if on.day < since.day else 0)
    years, months = divmod(max(months, 0), 12)
    return t("{years} 年 {months} 个月", years=years, months=months) if years else t("{months} 个月", months=months)


@dataclass(frozen=True)
class Education:
    """A cadre's highest recorded education against the motion's minimum."""

    highest: str | None  # the higher ranked of full-time and part-time; None when neither is ranked
    meets: bool
    known: bool  # False: nothing recorded, or an unranked 其他 might be the higher one


def education_against(cadre: CadreFacts, required: str) -> Education:
    """Full-time and part-time (在职) education both count: the higher of the two is compared."""
    recorded = [level for level in (cadre.ft_education_level, cadre.pt_education_level) if level]
    ranked = [level for level in recorded if level in EDUCATION_RANK]
    highest = max(ranked, key=EDUCATION_RANK.__getitem__) if ranked else None
    meets = highest is not None and EDUCATION_RANK[highest] >= EDUCATION_RANK[required]
    # A missing part-time entry means none was taken; only "nothing at all" or an unrankable 其他 is unknown.
    known = meets or (bool(recorded) and len(ranked) == len(recorded))
    return Education(highest=highest, meets=meets, known=known)
