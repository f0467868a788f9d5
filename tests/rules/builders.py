"""Plain CadreFacts for the rule tests: a leader at 正科/副科 level unless told otherwise."""

from datetime import date

from workflows.rules.facts import CadreFacts
from workflows.rules.facts import PostFacts


def post(level: str | None = "section_chief", leadership: bool = True, same_post_start: date | None = None,
         title: str | None = None, **extra) -> PostFacts:
    """A current post; the title follows the level."""
    default_title = {"section_chief": "科长", "deputy_section_chief": "副科长"}.get(level, "一级科员")
    return PostFacts(section_code="S1", title=title or default_title, level=level, is_leadership=leadership,
                     same_post_start=same_post_start, **extra)


def cadre(birth: date = date(1980, 5, 10), gender: str = "male", category: str | None = None,
          post_facts: PostFacts | None = None, name: str = "张三", **extra) -> CadreFacts:
    """A cadre; the retirement category follows the gender (women as 女干部)."""
    return CadreFacts(cadre_id=extra.pop("cadre_id", "C001"), name=name, gender=gender, birth_date=birth,
                      retirement_category=category or ("male" if gender == "male" else "female_cadre"),
                      post=post_facts, **extra)
