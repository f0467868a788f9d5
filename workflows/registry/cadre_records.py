"""Reading the cadre registry: search, one cadre's record, and the facts the rules take."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from storage.models import AnnualAssessment
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from workflows.errors import NotFound
from workflows.queries.paging import PAGE_SIZE
from workflows.queries.paging import rows_before
from workflows.queries.text_search import found_in
from workflows.rules.dates import full_years
from workflows.rules.facts import CadreFacts
from workflows.rules.facts import PostFacts
from workflows.rules.facts import SanctionFacts
from workflows.rules.facts import SectionFacts
from workflows.text import t


@dataclass(frozen=True)
class CadreFilter:
    """What the registry list is narrowed to."""

    text: str = ""  # name or staff number, partial
    section_id: int | None = None
    level: str | None = None  # section_chief / deputy_section_chief
    gender: str | None = None
    leadership: bool | None = None
    active: bool | None = True


def search(session: Session, wanted: CadreFilter, page: int = 1) -> tuple[list[Cadre], int]:
    """One page of cadres matching ``wanted`` (by name), and how many match in all."""
    query = select(Cadre).outerjoin(Post, (Post.cadre_id == Cadre.id) & Post.end_date.is_(None))
    if wanted.text.strip():
        typed = wanted.text.strip()
        query = query.where(or_(found_in(Cadre.name, typed), found_in(Cadre.staff_no, typed)))
    if wanted.section_id is not None:
        query = query.where(Post.section_id == wanted.section_id)
    if wanted.level:
        query = query.where(Post.level == wanted.level)
    if wanted.leadership is not None:
        query = query.where(Post.is_leadership == wanted.leadership)
    if wanted.gender:
        query = query.where(Cadre.gender == wanted.gender)
    if wanted.active is not None:
        query = query.where(Cadre.active == wanted.active)
    total = session.scalar(select(func.count()).select_from(query.with_only_columns(Cadre.id).subquery()))
    rows = session.scalars(query.options(selectinload(Cadre.posts).selectinload(Post.section))
                           .order_by(Cadre.name, Cadre.id)
                           .limit(PAGE_SIZE).offset(rows_before(page, PAGE_SIZE))).all()
    return list(rows), total


def get_cadre(session: Session, cadre_id: int) -> Cadre:
    """A cadre with their posts."""
    cadre = session.get(Cadre, cadre_id, options=[selectinload(Cadre.posts).selectinload(Post.section)])
    if cadre is None:
        raise NotFound(t("干部 {id} 不存在", id=cadre_id))
    return cadre


def find_cadre(session: Session, staff_no: str) -> Cadre:
    """A cadre by staff number."""
    cadre = session.scalar(select(Cadre).where(Cadre.staff_no == staff_no)
                           .options(selectinload(Cadre.posts).selectinload(Post.section)))
    if cadre is None:
        raise NotFound(t("干部编号 {staff_no} 不存在", staff_no=staff_no))
    return cadre


def snapshot(cadre: Cadre) -> dict:
    """What a case keeps of the cadre's record when it starts (plain JSON, for the workflow data)."""
    post = cadre.current_post
    return {
        "staff_no": cadre.staff_no, "name": cadre.name, "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(), "retirement_category": cadre.retirement_category,
        "political_affiliation": cadre.political_affiliation,
        "section": post.section.name if post and post.section else None,
        "section_code": post.section.code if post and post.section else None,
        "post_title": post.title if post else None, "post_level": post.level if post else None,
        "is_leadership": bool(post and post.is_leadership),
        "same_post_start": post.same_post_start.isoformat() if post else None,
        "post_category": post.category if post else None,  # 岗位类别: key posts rotate after ten years too
    }


def record_of(session: Session, cadre: Cadre) -> dict:
    """A cadre's record as a case keeps it: the snapshot plus grades, sanctions and investigation status."""
    grades = {str(row.year): row.grade for row in session.scalars(
        select(AnnualAssessment).where(AnnualAssessment.cadre_id == cadre.id))}
    sanctions = [{"kind": row.kind, "decided_on": row.decided_on.isoformat(),
                  "impact_until": row.impact_until.isoformat() if row.impact_until else None}
                 for row in sanctions_of(session, cadre.id)]
    return {**snapshot(cadre), "annual_grades": grades, "sanctions": sanctions,
            "under_investigation": cadre.under_investigation, **dossier_facts(cadre)}


def dossier_facts(cadre: Cadre) -> dict:
    """The 三龄二历一身份 the registry holds, which ⑩ 干部档案审核 compares with the dossier."""
    def day(value):
        return value.isoformat() if value else None
    return {"work_start_date": day(cadre.work_start_date), "party_join_date": day(cadre.party_join_date),
            "ft_education_level": cadre.ft_education_level, "pt_education_level": cadre.pt_education_level,
            "staff_category": cadre.staff_category}


def assessments_of(session: Session, cadre_id: int) -> list[AnnualAssessment]:
    """A cadre's annual assessments, newest first."""
    return list(session.scalars(select(AnnualAssessment).where(AnnualAssessment.cadre_id == cadre_id)
                                .order_by(AnnualAssessment.year.desc())))


def sanctions_of(session: Session, cadre_id: int) -> list[Sanction]:
    """A cadre's sanctions, newest first."""
    return list(session.scalars(select(Sanction).where(Sanction.cadre_id == cadre_id)
                                .order_by(Sanction.decided_on.desc())))


def all_facts(session: Session) -> list[CadreFacts]:
    """Every active cadre as rule facts (four queries, whatever the registry's size)."""
    cadres = session.scalars(select(Cadre).where(Cadre.active.is_(True))
                             .options(selectinload(Cadre.posts).selectinload(Post.section))).all()
    grades: dict[int, dict[int, str]] = {}
    for row in session.execute(select(AnnualAssessment.cadre_id, AnnualAssessment.year,
                                      AnnualAssessment.grade)):
        grades.setdefault(row.cadre_id, {})[row.year] = row.grade
    sanctions: dict[int, list[SanctionFacts]] = {}
    for row in session.scalars(select(Sanction)):
        sanctions.setdefault(row.cadre_id, []).append(
            SanctionFacts(row.kind, row.decided_on, row.impact_until))
    return [to_facts(cadre, grades.get(cadre.id, {}), sanctions.get(cadre.id, [])) for cadre in cadres]


def to_facts(cadre: Cadre, grades: dict[int, str], sanctions: list[SanctionFacts]) -> CadreFacts:
    """One cadre as the rules see them."""
    post = cadre.current_post
    post_facts = None
    if post is not None:
        post_facts = PostFacts(
            section_code=post.section.code if post.section else None, title=post.title, level=post.level,
            is_leadership=post.is_leadership, same_post_start=post.same_post_start,
            decision_date=post.decision_date, probation_end=post.probation_end,
            probation_result=post.probation_result, category=post.category)
    return CadreFacts(
        cadre_id=cadre.staff_no, name=cadre.name, gender=cadre.gender, birth_date=cadre.birth_date,
        retirement_category=cadre.retirement_category, ethnicity=cadre.ethnicity,
        political_affiliation=cadre.political_affiliation, ft_education_level=cadre.ft_education_level,
        post=post_facts, annual_grades=dict(grades), sanctions=tuple(sanctions),
        under_investigation=cadre.under_investigation)


def section_facts(session: Session) -> list[SectionFacts]:
    """Every section with its leader in charge, its heads and its yearly assessments."""
    sections = session.scalars(select(Section).options(selectinload(Section.assessments))).all()
    leaders = dict(session.execute(select(Cadre.id, Cadre.staff_no)).all())
    heads: dict[int, list[str]] = {}
    for row in session.execute(select(Post.section_id, Cadre.staff_no).join(Cadre)
                               .where(Post.end_date.is_(None), Post.is_leadership.is_(True))):
        heads.setdefault(row.section_id, []).append(row.staff_no)
    return [SectionFacts(
        code=section.code, name=section.name,
        leader_in_charge=leaders.get(section.leader_in_charge_id),
        head_ids=tuple(sorted(heads.get(section.id, []))),
        assessments={a.year: (a.grade, a.rank) for a in section.assessments})
        for section in sections]


def age_on(birth: date, on: date) -> int:
    """Full years of age (周岁) on a day, the way the rules count them (29 February: 28 February)."""
    return full_years(birth, on)
