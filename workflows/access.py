"""Who may read a case, act on a task, and which tasks fill an inbox: the one place that decides."""

from sqlalchemy import ColumnElement
from sqlalchemy import exists
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from workflows.actors import Actor
from workflows.errors import Forbidden
from workflows.errors import NotFound
from workflows.text import t

# The office steers every case, admins keep the system, auditors read every record.
READ_ALL_ROLES = frozenset({"personnel_office", "admin", "auditor"})
# Those who read any task (its form included) without acting on it; the API shows it to them.
READ_ANY_TASK_ROLES = frozenset({"auditor", "admin"})


def _offered(actor: Actor) -> ColumnElement[bool]:
    """Tasks put before ``actor``: assigned to them, or of one of their roles and assigned to nobody."""
    of_my_roles = HumanTask.lane.in_(sorted(actor.roles)) & HumanTask.assignee_id.is_(None)
    return (HumanTask.assignee_id == actor.user_id) | of_my_roles


def inbox_condition(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition for the tasks ``actor`` sees in an inbox: open and put before them.

    A task claimed by someone else still shows (the claim is a conflict when acted on, not a refusal);
    a task with neither lane nor assignee shows to nobody.
    """
    return (HumanTask.status == "open") & _offered(actor)


def may_read_all_cases(actor: Actor) -> bool:
    """Whether ``actor`` reads every case (the office, admins and auditors)."""
    return bool(actor.roles & READ_ALL_ROLES)


def check_reads_all_cases(actor: Actor) -> None:
    """:class:`Forbidden` unless ``actor`` may list everyone's cases."""
    if not may_read_all_cases(actor):
        raise Forbidden(t("只有人事组织部门、管理员和审计人员可以查看全部案件"))


def may_read_case(session: Session, actor: Actor, case: Case) -> bool:
    """Whether ``actor`` may read ``case``: office, admins, auditors, its starter, whoever had a task in it.

    "Had a task" counts closed tasks too, so that someone who acted keeps reading the case.
    """
    if may_read_all_cases(actor) or case.started_by_id == actor.user_id:
        return True
    return bool(session.scalar(select(exists().where(HumanTask.case_id == case.id, _offered(actor)))))


def readable_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, if ``actor`` may read it; :class:`NotFound` or :class:`Forbidden` otherwise."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(t("案件 {case} 不存在", case=case_id))
    if not may_read_case(session, actor, case):
        raise Forbidden(t("您无权查看案件 {case}", case=case_id))
    return case


def known_task(session: Session, task_id: str) -> HumanTask:
    """The inbox row of ``task_id``; :class:`NotFound` when there is none."""
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(t("任务 {task} 不存在", task=task_id))
    return row


def acting_role(actor: Actor, task: HumanTask) -> str | None:
    """The role ``actor`` acts in on ``task`` (its lane); :class:`Forbidden` when they may not act on it.

    An assigned task is its assignee's alone; an unassigned one belongs to its lane's role, and one
    with no lane to anyone. Neither the task's status nor its claim is looked at: an open task claimed
    by another is a conflict for the command to report, not a refusal.
    """
    if task.assignee_id is not None:
        if task.assignee_id != actor.user_id:
            raise Forbidden(t("任务「{name}」指定由他人办理", name=task.name))
        return task.lane
    if task.lane is not None and task.lane not in actor.roles:
        raise Forbidden(t("任务「{name}」属于「{role}」角色，您没有该角色", name=task.name, role=task.lane))
    return task.lane


def check_reads_task(actor: Actor, task: HumanTask) -> None:
    """:class:`Forbidden` unless ``actor`` may read ``task``: auditors and admins read every task, others
    those they may act on."""
    if not actor.roles & READ_ANY_TASK_ROLES:
        acting_role(actor, task)


def check_delivers_messages(session: Session, actor: Actor, case: Case, message_lanes: frozenset[str | None]) -> None:
    """:class:`Forbidden` unless ``actor`` may deliver messages to ``case``: one who may read it, or one holding
    the role of a lane that catches a message in its process (``message_lanes``: a complaint goes to the
    discipline office, which had no task in the case). Checked before the case's state, which a refusal
    would otherwise tell to one who may not read it.
    """
    if None in message_lanes or actor.roles & message_lanes or may_read_case(session, actor, case):
        return
    raise Forbidden(t("您无权向案件 {case} 发送消息", case=case.id))


def message_role(actor: Actor, name: str, lanes: set[str | None]) -> str | None:
    """The role ``actor`` delivers message ``name`` in, given the lanes of the events waiting for it.

    A catching event outside any lane accepts the message from anyone (None); otherwise :class:`Forbidden`.
    """
    for lane in sorted(lanes, key=str):
        if lane is None or lane in actor.roles:
            return lane
    raise Forbidden(t("接收消息「{name}」需要角色：{roles}", name=name, roles="、".join(sorted(map(str, lanes)))))


# Why a request was refused, as the record keeps it (in Chinese, whatever the page's language).
AUDITORS_ONLY_READ = t("审计角色只能查阅记录，不能办理或修改任何事项")


def needs_roles(roles) -> str:
    """The recorded reason for a page refused to someone holding none of ``roles``."""
    return t("需要角色：{roles}", roles="、".join(roles))
