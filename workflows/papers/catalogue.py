"""The papers a case offers and how each is made: the notices and sheets of its steps, the 审批表 of its appointee."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from storage.models import Case
from workflows.errors import InvalidData
from workflows.papers import approval_case
from workflows.papers import approval_docx
from workflows.papers import approval_pdf
from workflows.papers import case_record
from workflows.papers import notices
from workflows.papers.bureau import BureauDetails
from workflows.queries.case_reads import case_data
from workflows.registry import cadre_records
from workflows.text import t

APPROVAL_FORM = "approval_form"
FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class PaperKind:
    """What the pages and the register need of a kind of paper."""

    kind: str
    title: str
    numbered: bool
    per_candidate: bool
    file_stem: str


@dataclass(frozen=True)
class Offered:
    """A paper the case can give now: its kind, the person it is about (None for the case's own) and its title."""

    kind: str
    staff_no: str | None
    title: str


APPROVAL = PaperKind(APPROVAL_FORM, t("干部任免审批表"), numbered=False, per_candidate=True,
                     file_stem="approval-form")


def kinds() -> dict[str, PaperKind]:
    """Every kind of paper, by its code: the notices' own and the 审批表 (titles in the reader's language)."""
    found = {code: PaperKind(code, t(kind.title), kind.numbered, kind.per_candidate, kind.file_stem)
             for code, kind in notices.KINDS.items()}
    return {**found, APPROVAL_FORM: APPROVAL}


def kind_of(code: str) -> PaperKind:
    """The kind ``code``; :class:`InvalidData` for an unknown one."""
    found = kinds().get(code)
    if found is None:
        raise InvalidData(t("没有「{kind}」这种文书", kind=code), {"kind": t("文书种类不存在")})
    return found


def approval_people(session: Session, case: Case, data: dict | None = None) -> list[str]:
    """Whose 审批表 the case gives: a selection's appointee once chosen, a rotation's or second-line case's cadre."""
    if case.spec.process_id not in (approval_case.SELECTION, approval_case.ROTATION, approval_case.SECOND_LINE):
        return []
    data = case_data(case) if data is None else data
    if case.spec.process_id == approval_case.SELECTION:
        return [str(data["appointee"])] if data.get("appointee") else []
    return approval_case.concerned(case, data, session)[:1]


def offered(session: Session, case: Case, record: case_record.Record | None = None) -> list[Offered]:
    """The papers of the steps ``case`` reached, each person's own, in the order of the procedure.

    ``record`` when the caller has read it: restoring the workflow is most of the cost, so it is done once.
    """
    record = record or case_record.read(session, case)
    found = [Offered(ref.kind, ref.staff_no, ref.title) for ref in notices.available(session, case, record)]
    forms = [Offered(APPROVAL_FORM, staff_no, t("{title}（{name}）", title=APPROVAL.title,
                                                name=cadre_records.find_cadre(session, staff_no).name))
             for staff_no in approval_people(session, case, record.data)]
    return found + forms


def check_offered(session: Session, case: Case, kind: str, staff_no: str | None) -> Offered:
    """The offered paper ``kind`` (of ``staff_no``); :class:`InvalidData` when the case does not give it now."""
    paper = kind_of(kind)
    found = next((item for item in offered(session, case) if item.kind == kind and item.staff_no == staff_no), None)
    if found is None:
        who = t("（{staff_no}）", staff_no=staff_no) if staff_no else ""
        raise InvalidData(t("案件 {case} 目前不能出具「{title}」{who}", case=case.id, title=paper.title, who=who),
                          {"kind": t("该文书所在的步骤尚未办理，或该人选不在本案件中")})
    return found


def render(session: Session, case: Case, kind: str, *, fmt: str, staff_no: str | None, bureau: BureauDetails,
           number: str | None, today: date, filled_by: str = "") -> bytes:
    """The paper's bytes as PDF or .docx; ``number`` None prints a draft's blank number line (``filled_by``: the
    审批表's 填表人)."""
    if fmt not in FORMATS:
        raise InvalidData(t("文件格式只能是 PDF 或 Word"), {"fmt": t("文件格式只能是 pdf 或 docx")})
    if kind == APPROVAL_FORM:
        form = approval_case.for_case(session, case, at=today, staff_no=staff_no, filled_by=filled_by,
                                      reporting_unit=bureau.name)
        return approval_pdf.render(form) if fmt == "pdf" else approval_docx.render(form)
    return notices.render(session, case, kind, fmt=fmt, staff_no=staff_no, bureau=bureau, number=number,
                          today=today)
