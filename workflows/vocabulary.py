"""The words of the record and the lists: event types and case statuses as constants, named in Chinese and English."""

from enum import StrEnum

from workflows.text import t


class Event(StrEnum):
    """The type of an event of the record (``audit_event.type``); stored as its string value."""

    CASE_STARTED = "case.started"
    TASK_CLAIMED = "task.claimed"
    TASK_UNCLAIMED = "task.unclaimed"
    TASK_COMPLETED = "task.completed"
    TIMER_FIRED = "timer.fired"
    MESSAGE_RECEIVED = "message.received"
    CASE_CANCELLED = "case.cancelled"
    CASE_COMPLETED = "case.completed"
    ACCESS_DENIED = "access.denied"
    # The papers of a case: they go on its record and leave its workflow alone (no state digest, no replay).
    NUMBER_ISSUED = "papers.number_issued"
    NUMBER_VOIDED = "papers.number_voided"
    PAPER_ISSUED = "papers.issued"
    FILING_PACKAGE_BUILT = "papers.filing_package_built"
    FORM_VIEWED = "registry.form_viewed"  # a cadre's personal fields or form seen or exported (personal data)


# The events that move a case's workflow: replay applies exactly these, in order.
TRANSITIONS = (Event.CASE_STARTED, Event.TASK_COMPLETED, Event.TIMER_FIRED, Event.MESSAGE_RECEIVED,
               Event.CASE_CANCELLED)

# Each event as the record's readers name it (translated at the edge, like every domain message).
EVENT_NAMES = {Event.CASE_STARTED: t("发起案件"), Event.TASK_CLAIMED: t("认领"), Event.TASK_UNCLAIMED: t("释放"),
               Event.TASK_COMPLETED: t("办理"), Event.TIMER_FIRED: t("期限届满"), Event.MESSAGE_RECEIVED: t("收到消息"),
               Event.CASE_CANCELLED: t("撤销案件"), Event.CASE_COMPLETED: t("办结"), Event.ACCESS_DENIED: t("拒绝访问"),
               Event.NUMBER_ISSUED: t("编发文号"), Event.NUMBER_VOIDED: t("文号作废"),
               Event.PAPER_ISSUED: t("出具文书"), Event.FILING_PACKAGE_BUILT: t("生成备案材料包"),
               Event.FORM_VIEWED: t("查阅或导出干部个人信息")}


class Status(StrEnum):
    """A case's status (``case.status``); a finished case shows ``terminated`` when it ended on a terminating end."""

    RUNNING = "running"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    CANCELLED = "cancelled"


STATUS_NAMES = {Status.RUNNING: ("办理中", "In progress"), Status.COMPLETED: ("已办结", "Completed"),
                Status.TERMINATED: ("已终止", "Terminated"), Status.CANCELLED: ("已撤销", "Withdrawn")}


def event_name(event_type: str) -> str:
    """An event type in words; an unknown type stays as it is."""
    return EVENT_NAMES.get(event_type, event_type)


def status_name(status: str | None, english: bool = False) -> str:
    """A case status in words; an unknown code stays as it is."""
    names = STATUS_NAMES.get(status or "")
    return names[english] if names else (status or "—")
