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
from storage.models import Section
from workflows import registry
from workflows import registry_edit
from workflows.actors import Actor
from workflows.engine import TaskState
from workflows.errors import EngineError
from workflows.rules.dates import add_years

PROPERTY = "registryEffect"


def _value(data: dict, key: str, effect: str):
    if data.get(key) in (None, ""):
        raise EngineError(f"登记 {effect} 需要流程数据 {key}，但当前没有（请检查表单与模型）")
    return data[key]


def _day(data: dict, key: str, effect: str) -> date:
    try:
        return date.fromisoformat(str(_value(data, key, effect))[:10])
    except ValueError:
        raise EngineError(f"登记 {effect} 时 {key} 不是日期：{data[key]!r}") from None


def _section_id(session: Session, code: str, effect: str) -> int:
    section = session.scalar(select(Section.id).where(Section.code == code))
    if section is None:
        raise EngineError(f"登记 {effect} 时科室代码 {code} 不存在")
    return section


def _case_cadre(session: Session, case: Case, effect: str):
    if case.cadre_id is None:
        raise EngineError(f"登记 {effect} 需要案件关联一名干部（从干部信息库发起）")
    return registry.get_cadre(session, case.cadre_id)


def _appointee(session: Session, data: dict, effect: str):
    return registry.find_cadre(session, str(_value(data, "appointee", effect)))


def _rotated(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "rotation.completed"
    cadre = _case_cadre(session, case, effect)
    current = cadre.current_post
    registry_edit.appoint(session, actor, at, cadre.id, {
        "section_id": _section_id(session, _value(data, "target_section_code", effect), effect),
        "title": _value(data, "target_title", effect), "level": current.level if current else None,
        "is_leadership": bool(current and current.is_leadership),
        "civil_service_rank": current.civil_service_rank if current else None,
        "start_date": _day(data, "handover_date", effect), "appointment_mode": "transfer"})


def _demoted(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "rotation.demoted"
    cadre = _case_cadre(session, case, effect)
    current = cadre.current_post
    level = data.get("demotion_level") or None
    registry_edit.appoint(session, actor, at, cadre.id, {
        "section_id": current.section_id if current else None, "title": _value(data, "demotion_title", effect),
        "level": level, "is_leadership": level is not None,
        "civil_service_rank": current.civil_service_rank if current else None,
        "start_date": _day(data, "demotion_date", effect), "appointment_mode": "demotion"})


def _left_leadership(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "second_line.exit"
    cadre = _case_cadre(session, case, effect)
    current = cadre.current_post
    # 退二线: the leadership post goes, the rank (职级) and its treatment stay (domain reference §4).
    registry_edit.appoint(session, actor, at, cadre.id, {
        "section_id": current.section_id if current else None, "title": _value(data, "new_post_title", effect),
        "level": None, "is_leadership": False,
        "civil_service_rank": current.civil_service_rank if current else None,
        "start_date": _day(data, "exit_date", effect), "appointment_mode": "second_line"})


def _appointed(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "appointment.made"
    cadre = _appointee(session, data, effect)
    decided = _day(data, "decision_date", effect)
    # The term counts from the party group's decision; the first year is probation (domain reference §2).
    registry_edit.appoint(session, actor, at, cadre.id, {
        "section_id": _section_id(session, _value(data, "post_section_code", effect), effect),
        "title": _value(data, "post_title", effect), "level": _value(data, "post_level", effect),
        "is_leadership": True, "civil_service_rank": None, "start_date": decided, "decision_date": decided,
        "appointment_mode": "promotion", "probation_start": decided, "probation_end": add_years(decided, 1)})


def _probation_confirmed(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    registry_edit.close_probation(session, actor, at, _appointee(session, data, "probation.confirmed").id,
                                  "passed", None)


def _probation_failed(session: Session, actor: Actor, at: datetime, case: Case, data: dict) -> None:
    effect = "probation.failed"
    registry_edit.close_probation(session, actor, at, _appointee(session, data, effect).id, "failed",
                                  _day(data, "return_date", effect))


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
    if not _marked(case):
        return set()  # a model without effects needs no bookkeeping on the hot path
    return {str(task.id) for task in workflow.get_tasks(state=TaskState.COMPLETED)}


def apply(session: Session, actor: Actor, at: datetime, case: Case, workflow, before: set[str]) -> list[str]:
    """Run the effects of the elements this command completed; returns their names."""
    marked = _marked(case)
    if not marked:
        return []
    applied = []
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        effect = marked.get(task.task_spec.bpmn_id)
        if effect is None or str(task.id) in before:
            continue
        EFFECTS[effect](session, actor, at, case, task.data)
        applied.append(effect)
    return applied
