"""The notices and sheets a selection case issues (考察预告 … 任职通知), each filled from the record, as PDF or .docx.

``KINDS`` names them with the BPMN step that issues each; ``available`` lists those a case has reached,
``build`` fills a kind's template into a :class:`~workflows.papers.layout.Document` and ``render`` writes it.
A paper shows what the record holds: the step's own submission, the registry's facts about the person, and the
bureau's details from the settings; the 文号 is given by the caller (the register), a draft has none.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

from storage.models import Case
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.papers import case_record
from workflows.papers import contexts
from workflows.papers import layout
from workflows.papers import templating
from workflows.papers.bureau import BureauDetails
from workflows.text import t

PROCESS = "cadre_selection"


@dataclass(frozen=True)
class NoticeKind:
    """One kind of paper: its title, the step that issues it, numbered or not, one per candidate or one a case."""

    kind: str
    title: str
    step: str  # the BPMN user task whose completion (or, with ``on_open``, opening) makes the paper
    numbered: bool
    per_candidate: bool
    file_stem: str
    on_open: bool = False  # the letter asks for the step's answer: it is written when the step opens


KINDS: dict[str, NoticeKind] = {kind.kind: kind for kind in (
    NoticeKind("inspection_notice", t("考察预告"), "inspection_notice", True, False, "考察预告"),
    NoticeKind("recommendation", t("民主推荐情况"), "meeting_recommendation", False, False, "民主推荐情况"),
    NoticeKind("inspection_material", t("考察材料"), "organizational_inspection", False, True, "考察材料"),
    NoticeKind("discipline_letter", t("征求党风廉政意见函"), "discipline_opinion", False, True, "征求党风廉政意见函",
               on_open=True),
    NoticeKind("meeting_minutes", t("党组会议纪要（摘要）"), "secretary_ballot", False, False, "党组会议纪要"),
    NoticeKind("publicity", t("任前公示"), "publicity_notice", True, False, "任前公示"),
    NoticeKind("appointment_notice", t("任职通知"), "appointment_notice", True, False, "任职通知"),
    NoticeKind("removal_notice", t("免职通知"), "appointment_notice", True, False, "免职通知"),
)}


@dataclass(frozen=True)
class PaperRef:
    """A paper a case can issue: its kind, the candidate (per-candidate kinds) and its title."""

    kind: str
    staff_no: str | None
    title: str

    def file_name(self, case_id: int, fmt: str) -> str:
        """"任前公示-案件3.pdf", "考察材料-案件3-QP0003.docx"."""
        stem = KINDS[self.kind].file_stem
        return f"{stem}-案件{case_id}{'-' + self.staff_no if self.staff_no else ''}.{fmt}"


def _staff(record: case_record.Record, kind: str) -> list[str]:
    """The candidates a per-candidate paper is written for."""
    if kind == "inspection_material":
        rows = record.steps["organizational_inspection"].get("candidate_inspections") or []
    elif "discipline_opinion" in record.steps:
        rows = record.steps["discipline_opinion"].get("discipline_checks") or []
    else:
        return list(record.data.get("candidates") or [])
    return [row["staff_no"] for row in rows if isinstance(row, dict) and row.get("staff_no")]


def _reached(record: case_record.Record, notice: NoticeKind) -> bool:
    if notice.on_open:
        return notice.step in record.opened_on and bool(_staff(record, notice.kind))
    if notice.step not in record.steps:
        return False
    if notice.kind == "removal_notice":  # only when the appointee leaves a leadership post for the new one
        held = record.data.get("appointee_records") or {}
        return bool(held.get("post_title") and held.get("is_leadership"))
    return True


def available(session: Session, case: Case, record: case_record.Record | None = None) -> list[PaperRef]:
    """The papers of ``case`` whose step it has reached, in the order of the procedure (``record``: when read)."""
    if case.spec.process_id != PROCESS:
        return []
    record = record or case_record.read(session, case)
    papers = []
    for notice in KINDS.values():
        if not _reached(record, notice):
            continue
        if notice.per_candidate:
            people = {staff_no: case_record.person(session, staff_no, case_record.snapshot_of(
                record.data, staff_no, *contexts.RECORDS)).name for staff_no in _staff(record, notice.kind)}
            papers += [PaperRef(notice.kind, staff_no, t("{title}（{name}）", title=notice.title, name=name))
                       for staff_no, name in people.items()]
        else:
            papers.append(PaperRef(notice.kind, None, notice.title))
    return papers


def _check(session: Session, case: Case, kind: str, staff_no: str | None) -> tuple[NoticeKind, case_record.Record]:
    notice = KINDS.get(kind)
    if notice is None:
        raise NotFound(t("没有这种文书：{kind}（可用：{kinds}）", kind=kind, kinds="、".join(KINDS)))
    if case.spec.process_id != PROCESS:
        raise InvalidData(t("案件 {case} 不是科级干部选拔任用，没有{title}", case=case.id, title=notice.title),
                          {"kind": t("该流程没有此文书")})
    record = case_record.read(session, case)
    if not _reached(record, notice):
        raise InvalidData(t("案件 {case} 尚未办理到出具{title}的环节", case=case.id, title=notice.title),
                          {"kind": t("尚未办理到该环节")})
    if notice.per_candidate and staff_no not in _staff(record, kind):
        message = t("{staff_no} 不是本案件{title}的考察对象", staff_no=staff_no or "—", title=notice.title) \
            if staff_no else t("{title}须指明考察对象（干部编号）", title=notice.title)
        raise InvalidData(message, {"staff_no": message})
    return notice, record


def build(session: Session, case: Case, kind: str, *, staff_no: str | None = None, bureau: BureauDetails,
          number: str | None = None, today: date) -> layout.Document:
    """The paper ``kind`` of ``case`` as a document; NotFound / InvalidData (in Chinese) when it cannot be made."""
    notice, record = _check(session, case, kind, staff_no)
    data = record.data
    section = case_record.section_name(session, data.get("post_section_code"), data)
    context = {
        "bureau": bureau, "number": number or "", "draft": not number, "today": case_record.cn_date(today),
        "year": today.year, "case_id": case.id, "kind": notice, "post": f"{section}{data.get('post_title') or ''}",
        "section": section, "post_title": data.get("post_title") or "", "is_promotion": bool(data.get("is_promotion")),
        "recorded_on": case_record.cn_date(record.done_on.get(notice.step) or record.opened_on.get(notice.step)),
        **contexts.CONTEXTS[kind](session, record, staff_no if notice.per_candidate else None),
    }
    text = templating.render_text(kind, context, bureau.templates)
    return templating.parse(text, author=bureau.name, dated=today)


def render(session: Session, case: Case, kind: str, *, fmt: Literal["pdf", "docx"], staff_no: str | None = None,
           bureau: BureauDetails, number: str | None = None, today: date) -> bytes:
    """The paper as PDF or .docx bytes (the same record, settings and day give the same bytes)."""
    if fmt not in ("pdf", "docx"):
        raise InvalidData(t("文书格式只能是 pdf 或 docx，收到 {fmt}", fmt=fmt), {"format": t("只能是 pdf 或 docx")})
    document = build(session, case, kind, staff_no=staff_no, bureau=bureau, number=number, today=today)
    return layout.to_pdf(document) if fmt == "pdf" else layout.to_docx(document)
