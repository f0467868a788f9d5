"""Cadre structure statistics against the seed 004 targets (age, education, gender, party, ethnicity)."""

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.rules.dates import full_years
from workflows.rules.facts import POST_LEVELS
from workflows.rules.facts import CadreFacts
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import t

SOURCE = "区数据局科级干部队伍建设实施意见（区委 2019-2021 年实施意见）二"
# 全日制本科及以上: the seed counts full-time degrees separately from in-service (在职) education.
FULL_TIME_DEGREE = ("doctorate", "master", "bachelor")
# 党外干部 = not a CPC member or probationary member (domain §6.1). Narrower united-front usage counts only
# 民主党派 and 无党派人士; the registry cannot tell 无党派人士 from 群众 reliably, so 群众 are counted too.
CPC = ("cpc_member", "cpc_probationary")
MAJORITY_ETHNICITY = "汉族"


@dataclass(frozen=True)
class Metric:
    """One structure share: who is counted, the target (if the seed gives a number) and whether it is met."""

    code: str
    label: str
    numerator: int
    denominator: int
    value: float | None  # numerator / denominator; None when nobody is in the denominator
    target: float | None  # the seed's share ("35%左右" → 0.35); None for "一定比例"
    meets: bool | None  # value ≥ target; None when there is no number or no denominator
    direction: str  # "≥": every numbered target in seed 004 is a share to reach ("达到…左右")
    age_reference: date  # ages are full years (周岁) on this day
    policy: dict[str, Any]


def structure_statistics(cadres: Sequence[CadreFacts], as_of: date,
                         policy: Policy = DEFAULT_POLICY) -> list[Metric]:
    """The seed 004 structure metrics at ``as_of``, ages in full years on that day.

    Seed 004 二: 40岁及以下正科实职 ≈35% of 正科实职; 40岁及以下副科实职 ≈89% of 副科实职; of the ≤40 正科实职
    ≈43% with 全日制本科及以上, of the ≤40 副科实职 ≈52%; women ≈25% of 科级干部; 党外干部 and 少数民族干部
    "占有一定比例" (no number, so counted without a target).
    Ambiguities kept visible: "左右" (about) is judged as "at least" because each sentence says "达到";
    the knowledge-structure sentence is cut off in the seed ("因人员结构限制以及职位、职数限制，。"), so its
    caveat is unknown; the total 副科级 headcount target is redacted ("***") and the "30岁左右正科实职" reserve has
    no number, so neither is a metric here. 科级干部 (for gender, party, ethnicity) means anyone whose current
    post has a 正科/副科 level, leadership or not; 实职 means a leadership post at that level.
    """
    limit = policy.structure_age_limit

    def young(cadre: CadreFacts) -> bool:
        return full_years(cadre.birth_date, as_of) <= limit

    def degree(cadre: CadreFacts) -> bool:
        return cadre.ft_education_level in FULL_TIME_DEGREE

    section_level = [c for c in cadres if c.post is not None and c.post.level in POST_LEVELS]
    chiefs = [c for c in section_level if c.post.is_leadership and c.post.level == "section_chief"]
    deputies = [c for c in section_level if c.post.is_leadership and c.post.level == "deputy_section_chief"]
    young_chiefs = [c for c in chiefs if young(c)]
    young_deputies = [c for c in deputies if young(c)]

    recorded = policy.subset(
        "structure_age_limit", "target_young_section_chief_percent", "target_young_deputy_percent",
        "target_young_section_chief_degree_percent", "target_young_deputy_degree_percent", "target_women_percent")

    def metric(code: str, label: str, population: list[CadreFacts], counted: Callable[[CadreFacts], bool],
               target_percent: int | None) -> Metric:
        numerator, denominator = sum(1 for c in population if counted(c)), len(population)
        value = numerator / denominator if denominator else None
        # Integer arithmetic for the comparison, so 35 of 100 meets 35% exactly (no float rounding).
        meets = None if target_percent is None or not denominator else numerator * 100 >= target_percent * denominator
        return Metric(code=code, label=label, numerator=numerator, denominator=denominator, value=value,
                      target=None if target_percent is None else target_percent / 100, meets=meets,
                      direction="≥", age_reference=as_of, policy=recorded)

    return [
        metric("young_section_chief_share", t("{limit}岁及以下正科实职干部占正科实职干部总数的比例", limit=limit),
               chiefs, young, policy.target_young_section_chief_percent),
        metric("young_deputy_share", t("{limit}岁及以下副科实职干部占副科实职干部总数的比例", limit=limit),
               deputies, young, policy.target_young_deputy_percent),
        metric("young_section_chief_degree_share",
               t("{limit}岁及以下正科实职干部中具有全日制本科及以上学历的比例", limit=limit),
               young_chiefs, degree, policy.target_young_section_chief_degree_percent),
        metric("young_deputy_degree_share",
               t("{limit}岁及以下副科实职干部中具有全日制本科及以上学历的比例", limit=limit),
               young_deputies, degree, policy.target_young_deputy_degree_percent),
        metric("women_share", t("女性干部占科级干部总数的比例"),
               section_level, lambda c: c.gender == "female", policy.target_women_percent),
        metric("non_party_share", t("党外干部占科级干部总数的比例（目标：占有一定比例）"),
               section_level, lambda c: c.political_affiliation not in CPC, None),
        # A blank ethnicity is unknown, not a minority: only a recorded non-汉族 ethnicity is counted.
        metric("ethnic_minority_share", t("少数民族干部占科级干部总数的比例（目标：占有一定比例）"),
               section_level, lambda c: bool(c.ethnicity) and c.ethnicity != MAJORITY_ETHNICITY, None),
    ]
