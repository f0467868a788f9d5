"""What a case waits for outside its tasks (a timer, a message) and until when: written by commands, read by lists.

The rows (``case_wait``) are a read model like the inbox: every command rewrites them from the workflow it
has in hand, so the pages and the API read what a case waits for without restoring any workflow.
"""

import ast
from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import CaseWait
from workflows import engine
from workflows.engine.clock import BEIJING
from workflows.engine.clock import parse_iso
from workflows.processes import model_functions

# Deployed versions (by row id and the sha256 of their sources: the id alone names another version in another
# database of the same process) whose model has a message catch event somewhere.
_CATCHES_MESSAGES: dict[tuple[int, str], bool] = {}


@dataclass(frozen=True)
class Wait:
    """One thing a case waits for; ``until`` is the last day (or the time) the wait lasts."""

    kind: str
    boundary: bool
    bpmn_id: str
    name: str
    context: str | None
    lane: str | None
    due_at: datetime | None
    period_end: date | None
    working_days: int | None
    provisional: bool

    @property
    def until(self) -> date | datetime | None:
        """The period's last day; a timer at a Beijing midnight lasts through the day before."""
        if self.period_end is not None or self.due_at is None:
            return self.period_end
        local = self.due_at.astimezone(BEIJING)
        if (local.hour, local.minute, local.second) == (0, 0, 0):
            return local.date() - timedelta(days=1)
        return local

    def as_dict(self) -> dict:
        values = asdict(self)
        until = self.until
        values.update(due_at=self.due_at.isoformat() if self.due_at else None,
                      period_end=self.period_end.isoformat() if self.period_end else None,
                      until=until.isoformat(timespec="minutes") if isinstance(until, datetime)
                      else until.isoformat() if until else None)
        return values


def _catches_messages(case: Case) -> bool:
    key = (case.spec_id, case.spec.sha256)
    if key not in _CATCHES_MESSAGES:
        _CATCHES_MESSAGES[key] = "MessageEventDefinition" in case.spec.spec_json
    return _CATCHES_MESSAGES[key]


def sync(session: Session, case: Case, workflow, *, had_timers: bool) -> None:
    """Rewrite the case's rows from ``workflow`` (inside the command, after it stored the workflow)."""
    rows = [row for task in workflow.get_tasks(state=engine.TaskState.WAITING)
            if (row := _row(case, workflow, task)) is not None]
    table = CaseWait.__table__
    if rows or had_timers or _catches_messages(case):
        session.execute(delete(table).where(table.c.case_id == case.id))
    if rows:
        session.execute(insert(table), rows)


def _row(case: Case, workflow, task) -> dict | None:
    spec = task.task_spec
    if engine.is_timer(task):
        kind, due = "timer", task.internal_data.get("event_value")
        if isinstance(due, dict):  # a cycle timer keeps its next firing inside
            due = due.get("next")
        if not isinstance(due, str):
            return None
    elif engine.is_message(task):
        kind, due = "message", None
    else:
        return None
    boundary = type(spec).__name__ == "BoundaryEvent"
    period = _working_day_period(workflow, task, due) if due else None
    return {"case_id": case.id, "task_id": str(task.id), "bpmn_id": spec.bpmn_id, "kind": kind,
            "boundary": boundary, "name": spec.bpmn_name or spec.bpmn_id, "context": _context(workflow, task, boundary),
            "lane": spec.lane, "due_at": parse_iso(due) if due else None,
            "period_end": period[0] if period else None, "working_days": period[1] if period else None,
            "provisional": period[2] if period else False}


def _context(workflow, task, boundary: bool) -> str | None:
    """The activity a boundary event is on, or the subprocess an event waits in."""
    if boundary and task.parent is not None:
        main = [child for child in task.parent.children if type(child.task_spec).__name__ != "BoundaryEvent"]
        return main[0].task_spec.bpmn_name if main else None
    parent_id = getattr(task.workflow, "parent_task_id", None)
    if task.workflow is not workflow and parent_id is not None:
        return workflow.get_task_from_id(parent_id).task_spec.bpmn_name
    return None


def _working_day_period(workflow, task, due: str) -> tuple[date, int, bool] | None:
    """(last day, working days, provisional) when the timer is ``working_days_timer(start, n[, overrides])``.

    Its arguments are evaluated again in the waiting event's data, and only a result that gives the very
    timer the engine set counts: otherwise the list shows the date alone rather than a guessed ordinal.
    """
    try:
        call = ast.parse(task.task_spec.event_definition.expression or "", mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and not call.keywords
            and call.func.id == "working_days_timer" and 2 <= len(call.args) <= 3):
        return None
    try:
        args = [workflow.script_engine.evaluate(task, ast.unparse(arg)) for arg in call.args]
        if parse_iso(model_functions.working_days_timer(*args)) != parse_iso(due):
            return None
        end = date.fromisoformat(model_functions.working_days_end(*args))
        return end, int(args[1]), model_functions.period_is_provisional(*args)
    except Exception:  # noqa: BLE001  (a display detail must never fail the command that stores the case)
        return None


def of_cases(session: Session, case_ids: list[int]) -> dict[int, list[Wait]]:
    """What each of the cases waits for: timers first, soonest first, then messages."""
    found: dict[int, list[Wait]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = session.scalars(select(CaseWait).where(CaseWait.case_id.in_(case_ids)).order_by(
        CaseWait.case_id, CaseWait.kind.desc(), CaseWait.due_at, CaseWait.id))
    for row in rows:
        found[row.case_id].append(Wait(row.kind, row.boundary, row.bpmn_id, row.name, row.context, row.lane,
                                       row.due_at, row.period_end, row.working_days, row.provisional))
    return found


def of_case(session: Session, case_id: int) -> list[Wait]:
    """What one case waits for."""
    return of_cases(session, [case_id])[case_id]


def refresh_running(session: Session, load) -> int:
    """Write the rows of every running case that has none yet (after the upgrade that added them)."""
    known = select(CaseWait.case_id)
    cases = session.scalars(select(Case).where(Case.status == "running", Case.id.not_in(known))).all()
    for case in cases:
        sync(session, case, load(case), had_timers=False)
    return len(cases)
