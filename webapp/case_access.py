"""The case or task a request is after, loaded for the current user: noted for a refusal's record, then checked."""

from flask import g

from storage.models import Case
from storage.models import HumanTask
from webapp import db
from webapp.security import current_actor
from workflows import access
from workflows.queries import case_reads


def note_case(case_id: int | None) -> None:
    """Name the case this request is after, so that a refusal goes on record with it (the only place that does)."""
    g.case_id = case_id


def note_task(task_id: str) -> HumanTask | None:
    """The task (None when unknown), its case noted for a refusal's record; the command checks access itself."""
    row = case_reads.get_task(db.session(), task_id)
    note_case(row.case_id if row else None)
    return row


def readable_case(case_id: int) -> Case:
    """The case, if the current user may read it (a refusal goes on record with the case)."""
    note_case(case_id)
    return access.readable_case(db.session(), current_actor(), case_id)


def task_to_act_on(task_id: str) -> HumanTask:
    """The task, if the current user may act on it (a refusal goes on record with its case)."""
    row = _known_task(task_id)
    access.acting_role(current_actor(), row)
    return row


def readable_task(task_id: str) -> HumanTask:
    """The task, if the current user may read it: auditors and admins read every task, others those they act on."""
    row = _known_task(task_id)
    access.check_reads_task(current_actor(), row)
    return row


def _known_task(task_id: str) -> HumanTask:
    row = access.known_task(db.session(), task_id)
    note_case(row.case_id)
    return row
