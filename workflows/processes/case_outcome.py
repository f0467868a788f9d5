"""How a finished case ended: the end event it reached, completed or terminated, and the status shown for it.

A model marks the end events a refusal or a failed decision reaches with the extension property
``caseOutcome`` = ``terminated`` (动议终止, 无职数空缺, 党组表决未通过 …); every other end completes the case.
The case keeps ``status`` = ``completed`` either way (the workflow did finish, and the record's closing event
is ``case.completed``); ``outcome`` says which, so the lists can tell 已终止 from 已办结.
"""

from sqlalchemy import or_

from storage.models import Case
from workflows.engine import TaskState
from workflows.vocabulary import status_name

PROPERTY = "caseOutcome"
OUTCOMES = ("completed", "terminated")
# The field a terminating choice's form asks the reason in (form_checks drops it when the case goes on).
REASON = "termination_reason"
# The status filter of the lists, in the order shown.
FILTERS = ("running", "completed", "terminated", "cancelled")


def end_of(workflow) -> dict | None:
    """The end event the finished top-level process reached: {end_event, end_name, outcome[, reason]}."""
    ends = [task for task in workflow.get_tasks(state=TaskState.COMPLETED)
            if type(task.task_spec).__name__ == "EndEvent" and task.workflow is workflow]
    if not ends:
        return None
    task = ends[-1]
    spec = task.task_spec
    outcome = ((getattr(spec, "extensions", None) or {}).get("properties") or {}).get(PROPERTY) or "completed"
    end = {"end_event": spec.bpmn_id, "end_name": spec.bpmn_name or spec.bpmn_id, "outcome": outcome}
    reason = task.data.get(REASON)
    if outcome == "terminated" and isinstance(reason, str) and reason.strip():
        end["reason"] = reason.strip()
    return end


def shown_status(status: str | None, outcome: str | None) -> str | None:
    """The status as the lists filter and name it: a completed case that was terminated is ``terminated``."""
    return "terminated" if status == "completed" and outcome == "terminated" else status


def status_label(status: str | None, outcome: str | None = None, end_name: str | None = None,
                 english: bool = False) -> str:
    """"已终止：动议终止", "已办结：正式任职", "办理中": the end's name, as the model has it, once there is one."""
    name = status_name(shown_status(status, outcome), english)
    if not (end_name and status == "completed"):
        return name
    return f"{name}: {end_name}" if english else f"{name}：{end_name}"


def label_of(case, english: bool = False) -> str:
    """The status label of a stored case."""
    return status_label(case.status, case.outcome, case.end_name, english)


def completion_payload(case, workflow) -> dict:
    """What ``case.completed`` records: the title, how the case ended, and the reason of a termination."""
    return {"title": case.title, **(end_of(workflow) or {})}


def status_filter(status: str):
    """The WHERE clause of a list filtered by a shown status (``terminated`` and ``completed`` split one)."""
    if status == "terminated":
        return (Case.status == "completed") & (Case.outcome == "terminated")
    if status == "completed":
        return (Case.status == "completed") & or_(Case.outcome.is_(None), Case.outcome != "terminated")
    return Case.status == status
