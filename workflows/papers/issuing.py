"""Issuing a paper onto a case's record: its number taken, its exact bytes kept with their sha256, an event on the case.

Issuing twice is refused: the page says which issued paper it means to replace (``replaces``), so a second click,
which still names the earlier state, finds the paper the first click made and is a conflict, not a second number.
A numbered paper is issued again only once its number was voided (作废): one number, one document.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import DocumentNumber
from storage.models import IssuedPaper
from storage.models import User
from workflows.actors import Actor
from workflows.commands.case_state import lock_case
from workflows.errors import Conflict
from workflows.errors import NotFound
from workflows.forms import document_numbers
from workflows.papers import case_record
from workflows.papers import catalogue
from workflows.papers import numbers
from workflows.papers import typed_numbers
from workflows.papers.bureau import BureauDetails
from workflows.record import audit
from workflows.registry import cadre_records
from workflows.registry import personal
from workflows.text import t
from workflows.vocabulary import Event


def person_name(session: Session, staff_no: str | None) -> str:
    """The registry's name of ``staff_no`` ("" for none or an unknown number)."""
    if not staff_no:
        return ""
    try:
        return cadre_records.find_cadre(session, staff_no).name
    except NotFound:
        return ""


def latest(session: Session, case_id: int, kind: str, staff_no: str | None) -> IssuedPaper | None:
    """The paper of ``kind`` (about ``staff_no``) last issued on the case."""
    person = IssuedPaper.staff_no.is_(None) if staff_no is None else IssuedPaper.staff_no == staff_no
    return session.scalar(select(IssuedPaper).where(IssuedPaper.case_id == case_id, IssuedPaper.kind == kind, person)
                          .order_by(IssuedPaper.id.desc()).limit(1))


def _check_again(session: Session, previous: IssuedPaper | None, replaces: int | None, title: str) -> None:
    """Refuse a second issue of the same paper unless it names the one it replaces (and that one's number is void)."""
    if previous is None:
        if replaces is not None:
            raise Conflict(t("要替换的文书不存在，请刷新页面后重试"))
        return
    number = session.get(DocumentNumber, previous.document_number_id) if previous.document_number_id else None
    if replaces != previous.id:
        shown = numbers.formatted(number) if number is not None else previous.file_name
        raise Conflict(t("「{title}」已经出具（{shown}），不会重复出具；请刷新页面查看", title=title, shown=shown))
    if number is not None and number.status != numbers.VOID:
        raise Conflict(t("「{title}」已使用文号 {number}；须先作废该文号，才能重新出具",
                         title=title, number=numbers.formatted(number)))


def typed_step_data(session: Session, case: Case, kind: str) -> dict | None:
    """What the step that records ``kind``'s number was completed with (None: not yet, or no such step)."""
    if kind not in document_numbers.KIND_STEPS:
        return None
    step, _field = document_numbers.KIND_STEPS[kind]
    return case_record.read(session, case).steps.get(step)


def file_name(title: str, person: str, number: str | None, fmt: str) -> str:
    """The issued file's name: "任职通知-崔英-青数〔2026〕18号.pdf"."""
    parts = [title, person, number or ""]
    name = "-".join(part for part in parts if part)
    return f"{name.replace('/', '-').replace(chr(92), '-')}.{fmt}"


def issue_paper(session: Session, actor: Actor, at: datetime, case: Case, kind: str, *, staff_no: str | None = None,
                fmt: str = "pdf", bureau: BureauDetails, today: date, replaces: int | None = None) -> IssuedPaper:
    """Issue the paper ``kind`` of ``case`` (about ``staff_no``): numbered if its kind is, kept, and on record."""
    role = numbers.issuer_role(actor)
    # Issuers of one case take turns: a second click waits for the first and then finds its paper.
    case = lock_case(session, case.id)
    paper = catalogue.kind_of(kind)
    offered = catalogue.check_offered(session, case, kind, staff_no)
    previous = latest(session, case.id, kind, staff_no)
    _check_again(session, previous, replaces, offered.title)
    person = person_name(session, staff_no)
    title = f"{offered.title}（{person}）" if person and person not in offered.title else offered.title
    number = None
    if paper.numbered:  # the number first: the document prints it
        # The number the step's form recorded (taken from the register before the notice was made), else the next.
        number = typed_numbers.reserved(typed_step_data(session, case, kind), session, case.id, kind) \
            or numbers.issue(session, actor, at, prefix=bureau.prefix, kind=kind, title=title, case_id=case.id)
    text = numbers.formatted(number) if number is not None else None
    issuer = session.get(User, actor.user_id) if actor.user_id is not None else None
    content = catalogue.render(session, case, kind, fmt=fmt, staff_no=staff_no, bureau=bureau, number=text,
                               today=today, filled_by=issuer.display_name if issuer is not None else "")
    sha256 = hashlib.sha256(content).hexdigest()
    if previous is not None and previous.sha256 == sha256:  # nothing changed since: the issued file stands
        raise Conflict(t("「{title}」与已出具的文件完全相同，无需重新出具", title=offered.title))
    if number is not None:
        number.sha256 = sha256
    issued = IssuedPaper(case_id=case.id, kind=kind, staff_no=staff_no,
                         document_number_id=number.id if number is not None else None,
                         file_name=file_name(paper.title, person, text, fmt), media_type=catalogue.FORMATS[fmt],
                         size=len(content), sha256=sha256, content=content, issued_at=at, issued_by_id=actor.user_id)
    session.add(issued)
    session.flush()
    audit.append(session, type_=Event.PAPER_ISSUED, actor=actor.acting_as(role), at=at, case_id=case.id, payload={
        "paper_id": issued.id, "kind": kind, "title": title, "staff_no": staff_no, "number": text,
        "number_id": number.id if number is not None else None, "file_name": issued.file_name,
        "media_type": issued.media_type, "size": issued.size, "sha256": sha256, "replaces": replaces})
    return issued


@dataclass(frozen=True)
class IssuedRow:
    """An issued paper as the case page lists it."""

    paper: IssuedPaper
    title: str
    number: DocumentNumber | None
    number_text: str
    issued_by: str
    current: bool  # the latest of its kind and person (an earlier one was replaced)


def issued(session: Session, case: Case) -> list[IssuedPaper]:
    """The papers issued on ``case``, in the order they were issued (their bytes load when read)."""
    return list(session.scalars(select(IssuedPaper).where(IssuedPaper.case_id == case.id).order_by(IssuedPaper.id)))


def issued_rows(session: Session, case: Case) -> list[IssuedRow]:
    """The case's issued papers with their numbers and issuers, for the page."""
    papers, kinds, rows = issued(session, case), catalogue.kinds(), []
    newest = {(paper.kind, paper.staff_no): paper.id for paper in papers}
    for paper in papers:
        number = session.get(DocumentNumber, paper.document_number_id) if paper.document_number_id else None
        user = session.get(User, paper.issued_by_id) if paper.issued_by_id else None
        kind = kinds.get(paper.kind)
        person, named = person_name(session, paper.staff_no), kind.title if kind else paper.kind
        title = t("{title}（{name}）", title=named, name=person) if person else named
        rows.append(IssuedRow(paper, title, number, numbers.formatted(number) if number is not None else "",
                              (user.display_name or user.username) if user else "",
                              newest[(paper.kind, paper.staff_no)] == paper.id))
    return rows


def get_paper(session: Session, case_id: int, paper_id: int) -> IssuedPaper:
    """The issued paper ``paper_id`` of case ``case_id``; :class:`NotFound` otherwise."""
    paper = session.get(IssuedPaper, paper_id)
    if paper is None or paper.case_id != case_id:
        raise NotFound(t("案件 {case} 没有编号为 {paper} 的已出具文书", case=case_id, paper=paper_id))
    return paper


def record_form_read(session: Session, actor: Actor, at: datetime, case_id: int, paper_id: int,
                     staff_no: str | None) -> None:
    """An issued 审批表 read again: personal data, so it goes on record as every reading of a form does."""
    personal.record_view(session, actor, at, staff_no, "approval_form_issued", case_id, paper_id=paper_id)
