"""Talks held inside a procedure go into the cadre file: ``"x-talk-record"`` on a task form says how.

``"x-talk-record": {"kind": "任职谈话", "date": "<field>", "summary": "<field>" or ["<field>", …],
"talkers": "<field>", "cadre": "<data key>"}`` — when a task with that form completes, the registry adds a talk
record for the case's cadre (or, with ``cadre``, for the staff number the case data holds under that key, e.g.
the appointee of a selection) in the same transaction, and it goes on record as a talk entered by hand does,
with the case's id. A ``talkers`` field that names users (``x-user``) is written with their names.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import Actor
from workflows.errors import EngineError
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.queries import people
from workflows.registry import cadre_file
from workflows.registry import cadre_file_codes as codes
from workflows.registry import cadre_records
from workflows.registry import codes as registry_codes
from workflows.text import joined
from workflows.text import t

KEYWORD = "x-talk-record"
FIELD_KEYS = ("date", "summary", "talkers")
OPTIONAL_KEYS = ("cadre",)


def _summary_fields(keyword: dict) -> list:
    summary = keyword.get("summary")
    return summary if isinstance(summary, list) else [summary]


def schema_problems(schema: dict) -> list[str]:
    """What is wrong with a form's ``x-talk-record`` (checked at deploy time), in Chinese."""
    keyword = schema.get(KEYWORD)
    if keyword is None:
        return []
    if not isinstance(keyword, dict):
        return [t("{keyword} 须为对象", keyword=KEYWORD)]
    properties = schema.get("properties") or {}
    problems = [t("{keyword} 不认识的键 {key}", keyword=KEYWORD, key=key)
                for key in keyword if key not in ("kind", *FIELD_KEYS, *OPTIONAL_KEYS)]
    if registry_codes.code_for(codes.TALK_KIND, str(keyword.get("kind") or "")) is None:
        problems.append(t("{keyword} 的 kind 只能是：{kinds}", keyword=KEYWORD,
                          kinds=joined(codes.TALK_KIND.values(), "、")))
    for key in FIELD_KEYS:
        names = _summary_fields(keyword) if key == "summary" else [keyword.get(key)]
        for name in names:
            if not isinstance(name, str) or name not in properties:
                problems.append(t("{keyword} 的 {key} 须为表单中的字段，收到 {name}", keyword=KEYWORD, key=key,
                                  name=repr(name)))
    date_field = properties.get(keyword.get("date")) or {}
    if keyword.get("date") in properties and date_field.get("format") != "date":
        problems.append(t("{keyword} 的 date 字段 {field} 须为日期（format: date）", keyword=KEYWORD,
                          field=keyword["date"]))
    if "cadre" in keyword and not (isinstance(keyword["cadre"], str) and keyword["cadre"]):
        problems.append(t("{keyword} 的 cadre 须为流程数据中干部编号的键名", keyword=KEYWORD))
    return problems


def talk_forms(spec: ProcessSpec) -> dict[str, dict]:
    """{BPMN id: keyword} of the tasks whose form records a talk."""
    return {bpmn_id: form[KEYWORD] for bpmn_id, form in (spec.forms or {}).items()
            if isinstance(form, dict) and isinstance(form.get(KEYWORD), dict)}


def _text(prop: dict, value) -> str:
    """A submitted value as a reader sees it: a choice by its title, a yes/no in words."""
    if isinstance(value, bool):
        return "是" if value else "否"
    titles = {option.get("const"): option.get("title") for option in prop.get("oneOf") or [] if "const" in option}
    return str(titles.get(value, value))


def _summary(schema: dict, keyword: dict, data: dict) -> str:
    properties = schema.get("properties") or {}
    fields = [name for name in _summary_fields(keyword) if data.get(name) not in (None, "")]
    if len(fields) == 1:
        return _text(properties[fields[0]], data[fields[0]])
    # Several fields: each on a line of its own, under the form's title for it.
    return "\n".join(f"{properties[name].get('title') or name}：{_text(properties[name], data[name])}"
                     for name in fields)


def _talkers(session: Session, schema: dict, name: str, value) -> str:
    values = [str(item) for item in value] if isinstance(value, list) else [str(value or "")]
    if people.roles_of(schema["properties"][name]):
        names = dict(session.execute(select(User.username, User.display_name)
                                     .where(User.username.in_(values))).all())
        values = [names.get(username) or username for username in values]
    return "、".join(value for value in values if value)


def _cadre(session: Session, case: Case, keyword: dict, data: dict):
    key = keyword.get("cadre")
    try:
        if key:
            if data.get(key) in (None, ""):
                raise EngineError(t("记入谈话记录需要流程数据 {key}（干部编号），但当前没有（请检查表单与模型）",
                                    key=key))
            return cadre_records.find_cadre(session, str(data[key]))
        if case.cadre_id is None:
            raise EngineError(t("记入谈话记录需要案件关联一名干部（从干部信息库发起），"
                                "或在表单的 {keyword} 中指定 cadre", keyword=KEYWORD))
        return cadre_records.get_cadre(session, case.cadre_id)
    except NotFound as missing:
        raise EngineError(t("记入谈话记录时找不到干部：{missing}", missing=missing.message)) from None


def record(session: Session, actor: Actor, at: datetime, case: Case, bpmn_id: str, data: dict):
    """Write the talk the completed task ``bpmn_id`` held into the cadre file; returns the talk record."""
    schema = case.spec.forms[bpmn_id]
    keyword = schema[KEYWORD]
    cadre = _cadre(session, case, keyword, data)
    try:
        held_on = date.fromisoformat(str(data.get(keyword["date"]) or "")[:10])
    except ValueError:
        raise EngineError(t("记入谈话记录时 {field} 不是日期：{value}", field=keyword["date"],
                            value=repr(data.get(keyword["date"])))) from None
    values = {"talk_date": held_on, "talk_kind": registry_codes.code_for(codes.TALK_KIND, keyword["kind"]),
              "talkers": _talkers(session, schema, keyword["talkers"], data.get(keyword["talkers"])),
              "summary": _summary(schema, keyword, data)}
    try:
        return cadre_file.add(session, actor, at, cadre_file.TALK, cadre.id, values, case_id=case.id)
    except InvalidData as invalid:
        # The form checked each field already: what is left is a form and model that do not fit together.
        raise EngineError(t("任务「{task}」的谈话无法记入干部信息库：{problems}", task=bpmn_id,
                            problems=joined(invalid.errors.values()))) from None
