"""The 干部任免审批表 of a cadre as the registry holds it: every box filled from the cadre's record.

The texts made of several rows (简历, 奖惩情况, 年度考核, family, photo) come from ``workflows.registry.personal``,
the same functions the cadre page and the .lrmx export read, so the form says what the page says.
"""

from datetime import date

from sqlalchemy.orm import Session

from storage.models import Cadre
from workflows.papers.approval_form import ApprovalForm
from workflows.registry import codes
from workflows.registry import personal
from workflows.registry.personal_checks import month_text as month


def post_text(post) -> str:
    """A post as the form names it: "{section name}{title}"."""
    if post is None:
        return ""
    return f"{post.section.name if post.section else ''}{post.title}"


PARTY_MEMBERS = ("cpc_member", "cpc_probationary")


def school_text(school: str | None, major: str | None) -> str:
    """毕业院校系及专业: "华东师范大学计算机科学与技术专业"."""
    major = (major or "").strip()
    if major and not major.endswith("专业"):
        major += "专业"
    return f"{(school or '').strip()}{major}"


def party_join(cadre: Cadre) -> str:
    """入党时间: the month for a party member, else the affiliation in words (群众, 民主党派 …)."""
    if cadre.political_affiliation in PARTY_MEMBERS:
        return month(cadre.party_join_date)
    return str(codes.POLITICAL_AFFILIATION.get(cadre.political_affiliation, cadre.political_affiliation or ""))


def current_post_text(cadre: Cadre) -> str:
    """现任职务: the written text when there is one (an imported form, a hand correction), else the open post.

    The written text wins as 奖惩情况 and 年度考核结果 do; a recorded appointment clears it (registry.edit.appoint),
    so it cannot outlive the post it described.
    """
    if cadre.post_text:
        return cadre.post_text
    post = cadre.current_post
    return post_text(post) if post is not None else ""


def collect(session: Session, cadre: Cadre, *, at: date, case=None, filled_by: str = "",
            reporting_unit: str = "") -> ApprovalForm:
    """The form of ``cadre`` as the registry holds it on ``at`` (ages at ``at``); 拟任/拟免/理由 empty.

    ``case`` is accepted for a caller that has one; the case's boxes are filled by ``approval_case.for_case``.
    """
    picture = personal.photo(session, cadre)
    return ApprovalForm(
        name=cadre.name, gender=str(codes.GENDER.get(cadre.gender, cadre.gender)),
        birth=month(cadre.birth_date), ethnicity=cadre.ethnicity or "",
        native_place=cadre.native_place or "", birthplace=cadre.birthplace or "",
        party_join=party_join(cadre), work_start=month(cadre.work_start_date), health=cadre.health or "",
        professional_title=cadre.professional_title or "", expertise=cadre.expertise or "",
        ft_education=str(codes.EDUCATION_LEVEL.get(cadre.ft_education_level, cadre.ft_education_level or "")),
        ft_degree=cadre.ft_degree or "", ft_school=school_text(cadre.ft_school, cadre.ft_major),
        ft_degree_school=cadre.ft_degree_school or "",
        pt_education=str(codes.EDUCATION_LEVEL.get(cadre.pt_education_level, cadre.pt_education_level or "")),
        pt_degree=cadre.pt_degree or "", pt_school=school_text(cadre.pt_school, cadre.pt_major),
        pt_degree_school=cadre.pt_degree_school or "",
        current_post=current_post_text(cadre), proposed_post="", removed_post="",
        resume=tuple(personal.resume_lines(session, cadre)),
        rewards=personal.rewards_text(session, cadre), assessments=personal.assessment_text(session, cadre, at.year),
        reason="",
        family=tuple(personal.family_rows(session, cadre)),
        reporting_unit=reporting_unit, age_at=month(at), filled_on=month(at), filled_by=filled_by,
        identity_no=cadre.identity_no or "",
        photo=picture.content if picture is not None else None,
        photo_type=picture.media_type if picture is not None else "", staff_no=cadre.staff_no)
