"""What a procedure writes back to the registry when it reaches certain elements (``registryEffect``).

A model marks an element with the extension property ``registryEffect``; when a command completes
that element, the effect reads the workflow data and changes the registry in the same transaction
(the change goes on record like a change made by hand).
"""

from collections.abc import Callable
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import Post
from storage.models import Section
from workflows.actors import Actor
from workflows.engine import TaskState
from workflows.errors import EngineError
from workflows.forms import talk_records
from workflows.record import audit
from workflows.registry import cadre_records
from workflows.registry import codes as codes
from workflows.registry import edit
from workflows.rules.appointments import PROMOTION
from workflows.rules.appointments import appointment_mode
from workflows.rules.dates import add_years
from workflows.text import t

PROPERTY = "registryEffect"
TALK_RECORDED = "talk.recorded"  # what apply() reports for a talk a task wrote into the cadre file


def _value(data: dict, key: str, effect: str):
    if data.get(key) in (None, ""):
        raise EngineError(t("登记 {effect} 需要流程数据 {key}，但当前没有（请检查表单与模型）", effect=effect, key=key))
    return data[key]


def _day(data: dict, key: str, effect: str) -> date:
    try:
        return date.fromisoformat(str(_value(data, key, effect))[:10])
    except ValueError:
        raise EngineError(t("登记 {effect} 时 {key} 不是日期：{value}", effect=effect, key=key,
                             value=repr(data[key]))) from None


def _section_id(session: Session, code: str, effect: str) -> int:
    section = session.scalar(select(Section.id).where(Section.code == code))
    if section is None:
        raise EngineError(t("登记 {effect} 时科室代码 {code} 不存在", effect=effect, code=code))
    return section


def _case_cadre(session: Session, case: Case, effect: str):
    if case.cadre_id is None:
        raise EngineError(t("登记 {effect} 需要案件关联一名干部（从干部信息库发起）", effect=effect))
    return cadre_records.get_cadre(session, case.cadre_id)


def _appointee(session: Session, data: dict, effect: str):
    return cadre_records.find_cadre(session, str(_value(data, "appointee", effect)))


def _rotated(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "rotation.completed"
    cadre = _case_cadre(session, case, effect)
    current = cadre.current_post
    post = {
        "section_id": _section_id(session, _value(data, "target_section_code", effect), effect),
        "title": _value(data, "target_title", effect), "level": current.level if current else None,
        "is_leadership": bool(current and current.is_leadership),
        "civil_service_rank": current.civil_service_rank if current else None,
        "start_date": _day(data, "handover_date", effect), "appointment_mode": "transfer"}
    # The new post counts from the 党组 decision (2014 条例 第四十四条, kept in 2019) unless the case's policy says
    # the handover. A case whose model records no rotation_decision_date (started on a version before the policy
    # named it) keeps the handover date its model promised on the handover form.
    if data.get("rotation_decision_date"):
        decided = _day(data, "rotation_decision_date", effect)
        counts_from = (data.get("policy") or {}).get("rotation_post_counts_from", "decision")
        post.update(decision_date=decided, notice_date=_day(data, "notice_date", effect),
                    category=data.get("target_post_category") or None)
        if counts_from == "decision":
            post["start_date"] = decided
    edit.appoint(session, actor, at, cadre.id, post)


def _demoted(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "rotation.demoted"
    cadre = _case_cadre(session, case, effect)
    current = cadre.current_post
    level = data.get("demotion_level") or None
    edit.appoint(session, actor, at, cadre.id, {
        "section_id": current.section_id if current else None, "title": _value(data, "demotion_title", effect),
        "level": level, "is_leadership": level is not None,
        "civil_service_rank": current.civil_service_rank if current else None,
        "start_date": _day(data, "demotion_date", effect), "appointment_mode": "demotion"})


def _left_leadership(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "second_line.exit"
    cadre = _case_cadre(session, case, effect)
    current = cadre.current_post
    # 退二线: the leadership post goes, the rank (职级) and its treatment stay (domain reference §4).
    edit.appoint(session, actor, at, cadre.id, {
        "section_id": current.section_id if current else None, "title": _value(data, "new_post_title", effect),
        "level": None, "is_leadership": False,
        "civil_service_rank": current.civil_service_rank if current else None,
        "start_date": _day(data, "exit_date", effect), "appointment_mode": "second_line"})


def _held_before(cadre, data: dict) -> tuple[str | None, bool]:
    """The 职务层次 the appointee held: as the case recorded it (``appointee_records``), else the registry's.

    The model routes the probation by the same record (``appointment_is_promotion``), so both agree.
    """
    record = data.get("appointee_records")
    if isinstance(record, dict) and record.get("staff_no") == cadre.staff_no:
        return record.get("post_level"), bool(record.get("is_leadership"))
    current = cadre.current_post
    return (current.level, current.is_leadership) if current else (None, False)


def _appointed(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "appointment.made"
    cadre = _appointee(session, data, effect)
    decided = _day(data, "decision_date", effect)
    level = _value(data, "post_level", effect)
    try:
        mode = appointment_mode(*_held_before(cadre, data), level)
    except ValueError as bad:
        # the rule's own message (args[0]), which str(bad) would copy without its template
        raise EngineError(t("登记 {effect} 时{problem}", effect=effect, problem=bad.args[0])) from None
    # The 职级 stays unless the decision sets one (职务与职级并行: a new post is not by itself a new rank).
    rank = data.get("civil_service_rank") or None
    if rank is not None and rank not in codes.CIVIL_SERVICE_RANK:
        raise EngineError(t("登记 {effect} 时职级 {rank} 不在干部信息库的职级中", effect=effect, rank=repr(rank)))
    current = cadre.current_post
    post = {
        "section_id": _section_id(session, _value(data, "post_section_code", effect), effect),
        "title": _value(data, "post_title", effect), "level": level, "is_leadership": True,
        "civil_service_rank": rank or (current.civil_service_rank if current else None),
        "start_date": decided, "decision_date": decided, "appointment_mode": mode}
    if mode == PROMOTION:
        # The term counts from the party group's decision; only a promotion's first year is probation (domain §2).
        post |= {"probation_start": decided, "probation_end": add_years(decided, 1)}
    edit.appoint(session, actor, at, cadre.id, post)


def _probation_confirmed(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    edit.close_probation(session, actor, at, _appointee(session, data, "probation.confirmed").id,
                                  "passed", None)


def _on_trial(cadre) -> Post | None:
    """The post whose probation is still open (a correction of the record may have followed it)."""
    return next((post for post in reversed(cadre.posts)
                 if post.probation_end is not None and post.probation_result is None), None)


def _probation_failed(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    """试用期不胜任: the probationary post goes, and the cadre holds again the post and 职级 held before it."""
    effect = "probation.failed"
    cadre = _appointee(session, data, effect)
    back_on = _day(data, "return_date", effect)
    trial = _on_trial(cadre)
    if trial is None:
        raise EngineError(t("登记 {effect} 时 {name}（{staff_no}）没有试用期中的职务", effect=effect, name=cadre.name,
                             staff_no=cadre.staff_no))
    # The post held before the appointment, by date: not merely the row before the current one, which may be
    # a correction entered during the probation year (the earlier code restored that, or refused).
    former = next((post for post in reversed(cadre.posts) if post.start_date < trial.start_date), None)
    current = cadre.current_post
    if current is None or back_on <= current.start_date:
        raise EngineError(t("登记 {effect} 时恢复日期 {day} 应晚于现任职务的起始日期", effect=effect,
                             day=back_on.isoformat()))
    trial.probation_result = "failed"
    audit.append(session, type_="registry.probation_closed", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "post": trial.title, "result": "failed"})
    reason = "试用期不胜任，免去试任职务"
    if former is None:
        current.end_date, current.end_reason = back_on, f"{reason}（试任前无任职记录，请补录现任职务）"
        return
    edit.appoint(session, actor, at, cadre.id, {
        "section_id": former.section_id, "title": former.title, "level": former.level,
        "is_leadership": former.is_leadership, "civil_service_rank": former.civil_service_rank,
        "start_date": back_on, "appointment_mode": "demotion"})
    current.end_reason = reason


EFFECTS: dict[str, Callable] = {
    "rotation.completed": _rotated, "rotation.demoted": _demoted, "second_line.exit": _left_leadership,
    "appointment.made": _appointed, "probation.confirmed": _probation_confirmed,
    "probation.failed": _probation_failed,
}


def _marked(case: Case) -> dict[str, str]:
    return {bpmn_id: info["registry_effect"] for bpmn_id, info in case.spec.task_info.items()
            if info.get("registry_effect")}


def completed_ids(case: Case, workflow) -> set[str]:
    """The ids of the tasks completed so far (taken before a command runs the engine)."""
    if not _marked(case) and not talk_records.talk_forms(case.spec):
        return set()  # a model without effects needs no bookkeeping on the hot path
    return {str(task.id) for task in workflow.get_tasks(state=TaskState.COMPLETED)}


def apply(session: Session, actor: Actor, at: datetime, case: Case, workflow, before: set[str]) -> list[str]:
    """Run the effects of the elements this command completed; returns their names."""
    marked, talks = _marked(case), talk_records.talk_forms(case.spec)
    if not marked and not talks:
        return []
    applied = []
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        bpmn_id = task.task_spec.bpmn_id
        if str(task.id) in before:
            continue
        if bpmn_id in talks:  # a talk the task held goes into the cadre file (x-talk-record on its form)
            talk_records.record(session, actor, at, case, bpmn_id, task.data)
            applied.append(TALK_RECORDED)
        if (effect := marked.get(bpmn_id)) is not None:
            EFFECTS[effect](session, actor, at, case, task.data)
            applied.append(effect)
    return applied
