"""Whether an appointment is a promotion (提拔) or a lateral one (转任), from the 职务层次 held and the new one."""

# 2019 条例 (domain reference §2 step 16): the probation year (试用期) is for 提拔任职; a cadre appointed to a post
# of the 职务层次 they already hold is not promoted and serves no probation. A non-leadership post (职级 only,
# e.g. 一级主任科员) or no post at all sits below 副科 here: the level of a leadership post is what is compared.

from workflows.text import t

# The 职务层次 of section-level leadership posts, lowest first (乡科级副职, 乡科级正职).
LEVEL_ORDER = {"deputy_section_chief": 1, "section_chief": 2}
PROMOTION, TRANSFER, DEMOTION = "promotion", "transfer", "demotion"  # registry appointment modes


def level_rank(level: str | None, is_leadership: bool) -> int:
    """0 for no leadership post (a 职级 only, or nothing), else the post's place in ``LEVEL_ORDER``."""
    return LEVEL_ORDER.get(level or "", 0) if is_leadership else 0


def _new_rank(new_level: str) -> int:
    if new_level not in LEVEL_ORDER:
        raise ValueError(t("拟任职务层次 {level} 不是正科或副科", level=repr(new_level)))
    return LEVEL_ORDER[new_level]


def is_promotion(current_level: str | None, current_is_leadership: bool, new_level: str) -> bool:
    """Whether appointing to ``new_level`` raises the cadre's 职务层次 (none/副科 → 正科, none → 副科)."""
    return _new_rank(new_level) > level_rank(current_level, current_is_leadership)


def appointment_mode(current_level: str | None, current_is_leadership: bool, new_level: str) -> str:
    """The registry's 任职方式: 提拔 when higher, 转任 at the same 职务层次, 降职 when lower."""
    new, held = _new_rank(new_level), level_rank(current_level, current_is_leadership)
    return PROMOTION if new > held else TRANSFER if new == held else DEMOTION
