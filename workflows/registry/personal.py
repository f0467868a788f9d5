"""Reading what the 干部任免审批表 needs of a cadre: 简历, 奖惩情况, 年度考核, family, photo; and recording each view.

The form (workflows.papers), the .lrmx export and the cadre page read through these functions, so that the text
is the same everywhere: a stored text when the office wrote one, otherwise one made from the registry's rows.
Every view or export of a cadre's form or personal fields goes on record with :func:`record_view`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AnnualAssessment
from storage.models import Award
from storage.models import Cadre
from storage.models import CadrePhoto
from storage.models import FamilyMember
from storage.models import ResumeEntry
from storage.models import Sanction
from workflows.actors import Actor
from workflows.papers.approval_form import FamilyRow
from workflows.papers.approval_form import ResumeLine
from workflows.record import audit
from workflows.record.canonical import sha256_hex
from workflows.registry.codes import ANNUAL_GRADE
from workflows.registry.personal_checks import PERSONAL_LABELS
from workflows.registry.personal_checks import check_family_rows
from workflows.registry.personal_checks import check_personal
from workflows.registry.personal_checks import month_text
from workflows.registry.personal_checks import parse_resume_text
from workflows.vocabulary import Event

__all__ = ["PersonalRecord", "assessment_text", "awards_of", "check_family_rows", "check_personal", "family_rows",
           "generated_resume", "parse_resume_text", "personal_record", "photo", "record_export", "record_view",
           "resume_lines", "rewards_text"]

VIEW_KINDS = ("cadre_page_personal", "approval_form_pdf", "approval_form_docx", "lrmx_export", "photo")


def generated_resume(cadre: Cadre) -> list[ResumeLine]:
    """The 简历 made from the post history: one period a post, "{unit}{section}{title}", the open post last."""
    lines = []
    for post in sorted(cadre.posts, key=lambda post: (post.start_date, post.id or 0)):
        where = f"{post.section.unit.name}{post.section.name}" if post.section is not None else ""
        lines.append(ResumeLine(month_text(post.start_date), month_text(post.end_date), f"{where}{post.title}"))
    # Only the last period may be open: an open post that is not the latest is closed where the next one begins.
    return [ResumeLine(line.start, line.end or (lines[index + 1].start if index + 1 < len(lines) else ""), line.text)
            for index, line in enumerate(lines)]


def stored_resume(session: Session, cadre: Cadre) -> list[ResumeLine]:
    """The 简历 periods the office stored (or imported), in order; [] when there are none."""
    rows = session.scalars(select(ResumeEntry).where(ResumeEntry.cadre_id == cadre.id)
                           .order_by(ResumeEntry.position, ResumeEntry.id))
    return [ResumeLine(month_text(row.start_month), month_text(row.end_month), row.text) for row in rows]


def resume_lines(session: Session, cadre: Cadre) -> list[ResumeLine]:
    """The 简历 as the form prints it: the stored periods, or when none are stored, periods made from the posts."""
    return stored_resume(session, cadre) or generated_resume(cadre)


def awards_of(session: Session, cadre_id: int) -> list[Award]:
    """A cadre's awards, oldest first (the order 奖惩情况 lists them)."""
    return list(session.scalars(select(Award).where(Award.cadre_id == cadre_id)
                                .order_by(Award.awarded_on, Award.id)))


def generated_rewards(session: Session, cadre: Cadre) -> str:
    """奖惩情况 from the award and sanction rows, oldest first: "记三等功（青浦区人民政府，2021.12）；…。", or 无."""
    items = [(award.awarded_on, f"{award.title}（{award.granted_by}，{month_text(award.awarded_on)}）"
              if award.granted_by else f"{award.title}（{month_text(award.awarded_on)}）")
             for award in awards_of(session, cadre.id)]
    items += [(sanction.decided_on, f"{sanction.kind}（{month_text(sanction.decided_on)}）")
              for sanction in session.scalars(select(Sanction).where(Sanction.cadre_id == cadre.id))]
    if not items:
        return "无"
    return "；".join(text for _day, text in sorted(items, key=lambda item: item[0])) + "。"


def rewards_text(session: Session, cadre: Cadre) -> str:
    """The form's 奖惩情况: the text the office wrote, else made from awards and sanctions ("无" when none)."""
    return cadre.rewards_text if cadre.rewards_text else generated_rewards(session, cadre)


def generated_assessments(session: Session, cadre: Cadre, year: int) -> str:
    """年度考核结果 of the three years before ``year``: "2023年度考核称职；2024年度考核优秀。"; "" when none."""
    rows = session.scalars(select(AnnualAssessment).where(
        AnnualAssessment.cadre_id == cadre.id, AnnualAssessment.year >= year - 3, AnnualAssessment.year < year)
        .order_by(AnnualAssessment.year))
    parts = [f"{row.year}年度考核{ANNUAL_GRADE.get(row.grade, row.grade)}" for row in rows]
    return "；".join(parts) + "。" if parts else ""


def assessment_text(session: Session, cadre: Cadre, year: int) -> str:
    """The form's 年度考核结果: the text the office wrote, else the grades of the last three years before ``year``."""
    return cadre.assessment_text if cadre.assessment_text else generated_assessments(session, cadre, year)


def family_rows(session: Session, cadre: Cadre) -> list[FamilyRow]:
    """家庭主要成员及重要社会关系 in the form's order, ``birth`` "YYYY.MM" ("" when not known)."""
    rows = session.scalars(select(FamilyMember).where(FamilyMember.cadre_id == cadre.id)
                           .order_by(FamilyMember.position, FamilyMember.id))
    return [FamilyRow(row.relation, row.name, month_text(row.birth_month), row.political_status or "",
                      row.work_unit_post or "") for row in rows]


def photo(session: Session, cadre: Cadre) -> CadrePhoto | None:
    """The cadre's photo (its ``content`` loads when read), or None."""
    return session.get(CadrePhoto, cadre.id)


def photo_sha256(session: Session, cadre_id: int) -> str | None:
    """The stored photo's sha256 without loading its bytes; None when there is no photo."""
    return session.scalar(select(CadrePhoto.sha256).where(CadrePhoto.cadre_id == cadre_id))


def record_view(session: Session, actor: Actor, at: datetime, staff_no: str | None, what: str,
                case_id: int | None = None, **details) -> None:
    """Put on record that ``actor`` saw or exported a cadre's personal fields or form (``what``: one of
    :data:`VIEW_KINDS`, e.g. "approval_form_pdf"), as ``registry.form_viewed``; on the case's record when the form
    was a case's."""
    case = {"case": case_id} if case_id is not None else {}
    audit.append(session, type_=Event.FORM_VIEWED, actor=actor, at=at, case_id=case_id,
                 payload={"cadre": staff_no, "what": what, **case, **details})


def record_export(session: Session, actor: Actor, at: datetime, what: str, data: bytes) -> None:
    """Put on record an export of the whole registry (its identity numbers and families), with the file's sha256."""
    audit.append(session, type_="registry.exported", actor=actor, at=at,
                 payload={"what": what, "sha256": sha256_hex(data), "size": len(data)})


@dataclass(frozen=True)
class PersonalRecord:
    """What the cadre page shows of the form's fields; ``*_generated`` says the text is made, not written."""

    fields: dict[str, str | None]
    family: list[FamilyRow]
    resume: list[ResumeLine]
    resume_generated: bool
    rewards: str
    rewards_generated: bool
    assessments: str
    assessments_generated: bool
    photo_sha256: str | None

    @property
    def has_photo(self) -> bool:
        return self.photo_sha256 is not None


def personal_record(session: Session, cadre: Cadre, year: int) -> PersonalRecord:
    """The personal fields, family, 简历, 奖惩情况 and 年度考核 (three years before ``year``) and the photo's hash."""
    stored = stored_resume(session, cadre)
    return PersonalRecord(
        fields={field: getattr(cadre, field) for field in PERSONAL_LABELS},
        family=family_rows(session, cadre), resume=stored or generated_resume(cadre), resume_generated=not stored,
        rewards=rewards_text(session, cadre), rewards_generated=not cadre.rewards_text,
        assessments=assessment_text(session, cadre, year), assessments_generated=not cadre.assessment_text,
        photo_sha256=photo_sha256(session, cadre.id))
