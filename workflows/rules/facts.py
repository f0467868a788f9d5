"""The facts the rules read, as plain frozen dataclasses; the registry layer fills them from storage."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from workflows.text import t

# Codes used throughout (the registry stores the same codes; pages translate them).
GENDERS = ("male", "female")
RETIREMENT_CATEGORIES = ("male", "female_cadre", "female_worker")
POST_LEVELS = ("section_chief", "deputy_section_chief")  # 正科 / 副科 (乡科级正职 / 副职)
ANNUAL_GRADES = ("excellent", "competent", "basically_competent", "incompetent", "not_graded")
SECTION_GRADES = ("excellent", "good", "pass", "fail")  # 优秀 / 良好 / 合格 / 不合格
POLITICAL_AFFILIATIONS = ("cpc_member", "cpc_probationary", "democratic_party", "non_partisan", "masses")
EDUCATION_LEVELS = ("doctorate", "master", "bachelor", "college", "secondary", "other")
# What a post's work is (岗位类别), for the key-post rotation rule; "other" is any post outside the list. The
# labels live here, once, because the rules name them in their reasons (registry_codes reuses them).
POST_CATEGORY_LABELS = {
    "organisation": t("组织"), "personnel": t("人事"), "discipline": t("纪检"), "audit": t("审计"),
    "finance": t("财务"), "approval": t("审批"), "procurement": t("采购"), "licensing": t("许可"),
    "penalty": t("处罚"), "other": t("其他"),
}
POST_CATEGORIES = tuple(POST_CATEGORY_LABELS)
# 组织、人事、纪检、审计、财务、审批、采购、许可、处罚: the key posts of the 转任 rules (the default policy list).
KEY_POST_CATEGORIES = POST_CATEGORIES[:-1]


@dataclass(frozen=True)
class PostFacts:
    """The post a cadre holds now."""

    section_code: str | None
    title: str
    level: str | None  # one of POST_LEVELS, None for posts below section level
    is_leadership: bool
    same_post_start: date | None  # when the cadre began in this same post (section + title)
    decision_date: date | None = None
    probation_end: date | None = None  # set while the probation year runs
    probation_result: str | None = None  # None while on probation; "passed" / "failed"
    category: str | None = None  # one of POST_CATEGORIES; None when the registry has not classified the post


@dataclass(frozen=True)
class PostHistoryFacts:
    """One row of a cadre's post history: the 职务层次 and 职级 held, and from when to when."""

    title: str
    level: str | None  # one of POST_LEVELS, None below section level
    rank: str | None  # 职级 as the registry writes it, e.g. "四级主任科员"; None when not recorded
    start_date: date
    decision_date: date | None = None  # the term counts from the party group's decision when there is one
    end_date: date | None = None  # None: held now; otherwise the start of the next post


@dataclass(frozen=True)
class SanctionFacts:
    """A sanction, admonishment or organisational measure and the end of its impact period."""

    kind: str
    decided_on: date
    impact_until: date | None  # None: no impact period (or it is over)


@dataclass(frozen=True)
class CadreFacts:
    """One cadre as the rules see them."""

    cadre_id: str
    name: str
    gender: str
    birth_date: date
    retirement_category: str
    ethnicity: str = "汉族"
    political_affiliation: str = "cpc_member"
    ft_education_level: str | None = None
    post: PostFacts | None = None
    annual_grades: dict[int, str] = field(default_factory=dict)  # year -> one of ANNUAL_GRADES
    sanctions: tuple[SanctionFacts, ...] = ()
    under_investigation: bool = False
    # Read by the 任职资格 checks of a selection (rules/qualifications.py).
    pt_education_level: str | None = None
    post_history: tuple[PostHistoryFacts, ...] | None = None  # None: no history given (not "no posts")


@dataclass(frozen=True)
class SectionFacts:
    """A section (科室) with the bureau leader in charge and its yearly assessment."""

    code: str
    name: str
    leader_in_charge: str | None  # cadre_id of the 分管班子成员
    head_ids: tuple[str, ...] = ()  # cadre_ids of its 科长 and 副科长
    assessments: dict[int, tuple[str, int]] = field(default_factory=dict)  # year -> (grade, rank)
