"""The number a step's form records for the paper it issues: taken from the register while the step is open, and
carried by the paper issued afterwards instead of a second number for one notice (the check of what is typed:
:mod:`workflows.forms.document_numbers`)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import DocumentNumber
from storage.models import HumanTask
from workflows.actors import Actor
from workflows.commands.case_state import lock_case
from workflows.errors import Conflict
from workflows.forms.document_numbers import KIND_STEPS
from workflows.forms.document_numbers import TYPED
from workflows.forms.document_numbers import lookup
from workflows.papers import numbers
from workflows.text import t


def reserved(data_of_step: dict | None, session: Session, case_id: int, kind: str) -> DocumentNumber | None:
    """The live register number the step's form recorded for the paper ``kind`` and no paper carries yet, or None."""
    if kind not in KIND_STEPS or not data_of_step:
        return None
    _step, field = KIND_STEPS[kind]
    ours, row = lookup(session, str(data_of_step.get(field) or ""))
    if not ours or row is None or row.status != "issued" or row.sha256 is not None \
            or row.case_id not in (None, case_id):
        return None
    row.case_id = case_id
    return row


def waiting(session: Session, case_id: int) -> list[tuple[str, DocumentNumber | None]]:
    """(paper kind, its number taken for the open step or None) for each step of ``TYPED`` open in the case."""
    steps = set(session.scalars(select(HumanTask.bpmn_id).where(
        HumanTask.case_id == case_id, HumanTask.status == "open", HumanTask.bpmn_id.in_(TYPED))))
    return [(kind, _unused(session, case_id, kind)) for step, (_field, kind) in TYPED.items() if step in steps]


def _unused(session: Session, case_id: int, kind: str) -> DocumentNumber | None:
    return session.scalar(select(DocumentNumber).where(
        DocumentNumber.case_id == case_id, DocumentNumber.kind == kind, DocumentNumber.status == "issued",
        DocumentNumber.sha256.is_(None)).order_by(DocumentNumber.serial).limit(1))


def take_for_step(session: Session, actor: Actor, at: datetime, case_id: int, kind: str, *, prefix: str,
                  title: str) -> DocumentNumber:
    """Take the number the open step's form will record for the paper ``kind`` (once: a second click gets none)."""
    lock_case(session, case_id)  # two clicks take turns, and the second finds the first one's number
    if kind not in dict(waiting(session, case_id)):
        raise Conflict(t("本案件没有正在办理、需填写{kind}文号的环节", kind=title))
    if (taken := _unused(session, case_id, kind)) is not None:
        raise Conflict(t("已为本案件编发文号 {number}，请在表单中照录", number=numbers.formatted(taken)))
    return numbers.issue(session, actor, at, prefix=prefix, kind=kind, title=title, case_id=case_id)
