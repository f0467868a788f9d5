"""Read models for callers: case summaries, task details, processes and records (no workflow deserialising)."""

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import defer

from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from workflows import engine
from workflows.processes import case_outcome


def task_summary(row: HumanTask | dict) -> dict:
    """The inbox view of one task (an ORM row or a row as a dict)."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    due, created = get("due_at"), get("created_at")
    return {
        "id": get("id"), "case_id": get("case_id"), "bpmn_id": get("bpmn_id"), "name": get("name"),
        "lane": get("lane"), "status": get("status"), "assignee_id": get("assignee_id"),
        "claimed_by_id": get("claimed_by_id"), "has_form": get("has_form"),
        "due_at": due.isoformat() if due else None,
        "created_at": created.isoformat() if created else None,
    }


def case_summary(session: Session, case: Case, open_tasks: list[dict] | None = None) -> dict:
    """Status, version and open tasks of a case (pass ``open_tasks`` when they are at hand)."""
    rows = open_tasks if open_tasks is not None else session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id))
    return {
        "id": case.id, "process": case.spec.process_id, "process_version": case.spec.version,
        "title": case.title, "subject": case.subject, "status": case.status,
        "outcome": case.outcome, "end_event": case.end_event, "end_name": case.end_name,
        "status_label": case_outcome.label_of(case),
        "version": case.version, "started_at": case.started_at.isoformat(),
        "ended_at": case.ended_at.isoformat() if case.ended_at else None,
        "open_tasks": [task_summary(row) for row in rows],
    }


def get_case(session: Session, case_id: int) -> Case | None:
    """A case by id."""
    return session.get(Case, case_id)


def processes(session: Session) -> list[ProcessSpec]:
    """The newest version of every deployed process."""
    # The lists name the processes only: each version's spec and forms (tens of KB) stay unread until asked for.
    rows = session.scalars(select(ProcessSpec).options(defer(ProcessSpec.spec_json), defer(ProcessSpec.forms),
                                                       defer(ProcessSpec.task_info))
                           .order_by(ProcessSpec.process_id, ProcessSpec.version.desc()))
    newest: dict[str, ProcessSpec] = {}
    for row in rows:
        newest.setdefault(row.process_id, row)
    return list(newest.values())


def case_events(session: Session, case_id: int) -> list[AuditEvent]:
    """The record of one case, in order."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)
                                .order_by(AuditEvent.seq)))


def get_task(session: Session, task_id: str) -> HumanTask | None:
    """An inbox row by its task id."""
    return session.get(HumanTask, task_id)


def read_workflow(case: Case):
    """The case's workflow restored for reading, once per state of the loaded case: a page's parts (the diagram,
    the candidates, the papers) share it. A command restores its own (workflows.commands.case_state)."""
    kept = getattr(case, "_read_workflow", None)
    if kept is not None and kept[0] == case.state_digest:
        return kept[1]
    workflow = engine.restore(case.workflow_state, case.spec.spec_json)
    case._read_workflow = (case.state_digest, workflow)
    return workflow


def case_data(case: Case) -> dict:
    """The case's current workflow data: of the last completed task, or the final data (a copy to change)."""
    return dict(workflow_data(read_workflow(case)))


def workflow_data(workflow) -> dict:
    """A restored workflow's current data: of the last completed task, or the final data."""
    if workflow.completed and workflow.data:
        return workflow.data
    return workflow.last_task.data if workflow.last_task is not None else {}
