"""Giving out a cadre's 干部任免审批表 (PDF or .docx), for the page, the API and the command line: who may, and
the record of it.

The form holds personal information (identity number, family), so only the registry's readers get it, a case's
form only when the case concerns the cadre and the reader may read the case, and every form given out goes on
record (``registry.form_viewed``, with the case when there is one).
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import User
from workflows import access
from workflows.actors import Actor
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.papers import approval_case
from workflows.papers import approval_docx
from workflows.papers import approval_pdf
from workflows.papers.approval_registry import collect
from workflows.queries.case_reads import case_data
from workflows.registry import cadre_records
from workflows.registry import personal
from workflows.text import t

READERS = frozenset({"personnel_office", "admin", "auditor"})  # the registry's readers
FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
TITLE = "干部任免审批表"


@dataclass(frozen=True)
class Paper:
    """A form given out: its bytes, media type and file names (Chinese, and ASCII for old clients)."""

    content: bytes
    media_type: str
    name: str  # 干部任免审批表-崔英.pdf
    ascii_name: str  # approval-form-QP0003.pdf


def check_reader(actor: Actor) -> None:
    """Forbidden unless ``actor`` may read the registry's personal fields."""
    if not READERS & set(actor.roles):
        raise Forbidden(t("只有人事组织部门、管理员和审计人员可以查看干部任免审批表"))


def filled_by(session: Session, actor: Actor) -> str:
    """填表人: the user's display name (the command line's user has none)."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    return user.display_name if user is not None else ""


def give(session: Session, actor: Actor, at: datetime, staff_no: str, *, fmt: str, today: date,
         case_id: int | None = None, reporting_unit: str = "") -> Paper:
    """The form of the cadre ``staff_no`` (of case ``case_id``'s proposal when given) as ``fmt``, on record."""
    check_reader(actor)
    if fmt not in FORMATS:
        raise InvalidData(t("文件格式只能是 PDF 或 Word"), {"format": t("文件格式只能是 pdf 或 docx")})
    cadre = cadre_records.find_cadre(session, staff_no)
    writer = filled_by(session, actor)
    if case_id is None:
        form = collect(session, cadre, at=today, filled_by=writer, reporting_unit=reporting_unit)
    else:
        case = access.readable_case(session, actor, case_id)
        if cadre.staff_no not in approval_case.concerned(case, case_data(case), session):
            raise NotFound(t("案件 {case} 不涉及干部 {staff_no}", case=case_id, staff_no=staff_no))
        form = approval_case.for_case(session, case, at=today, staff_no=cadre.staff_no, filled_by=writer,
                                      reporting_unit=reporting_unit)
    content = approval_pdf.render(form) if fmt == "pdf" else approval_docx.render(form)
    personal.record_view(session, actor, at, cadre.staff_no, f"approval_form_{fmt}", case_id)
    return Paper(content, FORMATS[fmt], f"{TITLE}-{cadre.name}.{fmt}", f"approval-form-{cadre.staff_no}.{fmt}")
