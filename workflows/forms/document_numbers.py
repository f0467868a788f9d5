"""A document number typed on a step's form, held against the register: one of the register's numbers must be live
and the case's own (checked when the step is completed, in the command layer)."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import DocumentNumber
from workflows.text import t

# The step whose form records the number of the paper it issues: BPMN task id -> (form field, paper kind).
TYPED = {"appointment_notice": ("document_no", "appointment_notice")}
KIND_STEPS = {kind: (step, field) for step, (field, kind) in TYPED.items()}
PATTERN = re.compile(r"^\s*(?P<prefix>[^\s〔]+)〔(?P<year>\d{4})〕(?P<serial>\d+)号\s*$")


def lookup(session: Session, text: str | None) -> tuple[bool, DocumentNumber | None]:
    """(whether ``text`` is a number of the register's form and 代字, the register's row for it or None)."""
    match = PATTERN.match(text or "")
    if match is None:
        return False, None
    prefix = match["prefix"]
    if session.scalar(select(DocumentNumber.id).where(DocumentNumber.prefix == prefix).limit(1)) is None:
        return False, None  # another body's 代字, or a register this bureau does not keep here: taken as typed
    return True, session.scalar(select(DocumentNumber).where(
        DocumentNumber.prefix == prefix, DocumentNumber.year == int(match["year"]),
        DocumentNumber.serial == int(match["serial"])))


def problems(session: Session, case_id: int, bpmn_id: str, data: dict) -> dict[str, str]:
    """{field: message} when the number typed on the step ``bpmn_id`` contradicts the register; {} otherwise."""
    if bpmn_id not in TYPED:
        return {}
    field, _kind = TYPED[bpmn_id]
    text = str(data.get(field) or "").strip()
    ours, row = lookup(session, text)
    if not ours:
        return {}
    if row is None:
        return {field: t("文号 {number} 不在文号登记簿中：请先在本案件的「文书」栏编发文号，再照录",
                         number=text)}
    if row.status != "issued":
        return {field: t("文号 {number} 已作废（{reason}），不能再用", number=text, reason=row.void_reason or "—")}
    if row.case_id not in (None, case_id):
        return {field: t("文号 {number} 是案件 {case} 的文号", number=text, case=row.case_id)}
    return {}
