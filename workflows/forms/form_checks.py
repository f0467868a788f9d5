"""What a task form fixes beyond JSON Schema: cross-field rules, users and sections named, the calendar used.

A form schema may carry these cadreflow keywords (JSON Schema ignores unknown keywords):

- ``"x-rules": [{"field": …, "check": <expression>, "message": …}]`` — conditions over the submitted
  data and the case data (e.g. ``present <= members_due``), in the allow-listed expression language;
  ``{name}`` in a message is replaced by that value of the data (e.g. the earlier date a date is compared with);
- ``"x-user": "<role>"`` (or a list of roles) on a field — usernames of active users who hold that role (one of them);
- ``"x-section": true`` on a field — a section code of the registry;
- ``"x-cadre": true`` on a field — staff numbers, with their registry records attached (``cadre_fields``);
- ``"x-confirm": <expression>`` on a boolean field — when the expression holds over the submission (the
  choice made ends the case), the field must be true: the person confirmed; otherwise it is dropped, and
  so is the termination reason (``termination_reason``), so that no stale reason outlives the choice;
- ``"x-party-meeting": true`` on the form — a party-group meeting: the members due, the presiding secretary and
  the attendance checks come from :mod:`workflows.party_meeting`;
- ``"x-calendar": true`` on the form — the local calendar changes and the calendar version are attached,
  so working-day timers use them and the record shows which calendar decided the date;
- ``"x-rows-for"`` on a list of rows and ``"x-row-rules"`` on its items — one row per cadre a case list names,
  and rules per row: see :mod:`workflows.rows_for`;
- ``"x-talk-record"`` on the form — the talk the task held is written into the cadre file when it completes:
  see :mod:`workflows.procedure_talks`;
- ``"x-headcount": true`` on the form — the 职数 facts of the case's post are attached (① 分析研判):
  see :mod:`workflows.headcount_fields`.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Section
from storage.models import User
from storage.models import UserRole
from workflows.actors import SYSTEM
from workflows.actors import Actor
from workflows.engine import expressions
from workflows.errors import InvalidData
from workflows.forms import cadre_fields
from workflows.forms import form_rules
from workflows.forms import headcount_fields
from workflows.forms import json_schema
from workflows.forms import party_meeting
from workflows.forms import rows_for
from workflows.forms import talk_records
from workflows.processes import case_outcome
from workflows.processes.local_rules import calendar_overrides
from workflows.queries import people
from workflows.rules.calendar import calendar_version
from workflows.text import joined
from workflows.text import t

RULES = "x-rules"
USER = "x-user"
SECTION = "x-section"
CALENDAR = "x-calendar"
CONFIRM = "x-confirm"


def schema_problems(schema: dict) -> list[str]:
    """What is wrong with a form's cadreflow keywords (checked at deploy time), in Chinese."""
    properties = schema.get("properties") or {}
    problems = form_rules.problems(schema.get(RULES, []), properties, RULES)
    if not isinstance(schema.get(RULES, []), list):
        return problems
    for field, prop in properties.items():
        if isinstance(prop, dict) and CONFIRM in prop:
            if prop.get("type") != "boolean":
                problems.append(t("{keyword} 只能用在布尔字段上（{field}）", keyword=CONFIRM, field=field))
            try:
                expressions.check(str(prop[CONFIRM]))
            except expressions.ExpressionRefused as refused:
                problems.append(t("{field} 的 {keyword} 条件不被允许：{refused}", field=field, keyword=CONFIRM,
                                  refused=refused.args[0]))
    return problems + rows_for.schema_problems(schema) + talk_records.schema_problems(schema)


def _title(schema: dict, field: str) -> str:
    return (schema.get("properties", {}).get(field) or {}).get("title") or field


def _check_rules(schema: dict, data: dict, context: dict, at: datetime | None) -> dict[str, str]:
    # A field the form leaves out is None to the rules, unless the case already holds a value for it.
    scope = {**{name: None for name in schema.get("properties") or {}}, **context, **data}
    errors: dict[str, str] = {}
    for rule in schema.get(RULES, []):
        if not form_rules.holds(rule["check"], scope, at):
            errors.setdefault(rule["field"], form_rules.filled(rule["message"], scope))
    return errors


def _check_confirmations(schema: dict, data: dict, at: datetime | None) -> tuple[dict, dict[str, str]]:
    """A choice that ends the case needs its confirmation ticked; a confirmation of nothing is dropped."""
    scope = {**{name: None for name in schema.get("properties") or {}}, **data}
    errors: dict[str, str] = {}
    for field, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or CONFIRM not in prop:
            continue
        if not form_rules.holds(str(prop[CONFIRM]), scope, at):
            data = {key: value for key, value in data.items() if key not in (field, case_outcome.REASON)}
        elif data.get(field) is not True:
            errors[field] = t("此选择将终止本案件：请勾选「{title}」后再提交", title=_title(schema, field))
    return data, errors


def _values(value) -> list:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def _check_users(session: Session, schema: dict, data: dict) -> dict[str, str]:
    if schema.get(party_meeting.KEYWORD):
        return {}  # the meeting checks its members against the whole party group, secretary included
    errors = {}
    for field, prop in (schema.get("properties") or {}).items():
        roles = people.roles_of(prop) if isinstance(prop, dict) else ()
        names = [str(name) for name in _values(data.get(field))] if roles else []
        if not names:
            continue
        holders = set(session.scalars(
            select(User.username).join(UserRole, UserRole.user_id == User.id)
            .where(User.username.in_(names), User.active.is_(True), UserRole.role_code.in_(roles))))
        missing = [name for name in names if name not in holders]
        if missing:
            errors[field] = t("「{title}」中的用户 {users} 不存在、已停用或不担任该角色", title=_title(schema, field),
                              users=joined(missing, "、"))
    return errors


def _check_sections(session: Session, schema: dict, data: dict) -> dict[str, str]:
    errors = {}
    for field, prop in (schema.get("properties") or {}).items():
        codes = [str(code) for code in _values(data.get(field))] if isinstance(prop, dict) and prop.get(SECTION) else []
        if not codes:
            continue
        known = set(session.scalars(select(Section.code).where(Section.code.in_(codes))))
        missing = [code for code in codes if code not in known]
        if missing:
            errors[field] = t("「{title}」中的科室代码 {codes} 在干部信息库中不存在", title=_title(schema, field),
                              codes=joined(missing, "、"))
    return errors


def prepare(session: Session, schema: dict, data: object, context: dict | None = None,
            at: datetime | None = None, actor: Actor | None = None) -> dict:
    """Validate a submission against its form and return what goes into the task data.

    ``context`` is the case data the task sees, for rules that compare with earlier steps; ``at`` is the
    command's time; ``actor`` who submits (a party-group meeting's presiding secretary).
    Raises :class:`InvalidData` naming every bad field; nothing is changed then.
    """
    try:
        valid = json_schema.validate(schema, data)
    except InvalidData as invalid:  # a per-cadre row's error names the cadre
        named = rows_for.named_errors(session, schema, data, invalid.errors)
        raise InvalidData(t("表单数据有误：{problems}", problems=joined(named.values())), named) from None
    valid, headcount_errors = headcount_fields.attach(session, schema, valid, context or {})
    clean, confirmations = _check_confirmations(schema, valid, at)
    records, row_errors = rows_for.check(session, schema, clean, context or {}, at)
    errors = {**_check_rules(schema, clean, context or {}, at), **_check_users(session, schema, clean),
              **_check_sections(session, schema, clean), **row_errors, **confirmations,
              **headcount_errors}
    if schema.get(party_meeting.KEYWORD) and not errors:
        clean, errors = party_meeting.attach(session, clean, actor or SYSTEM, context or {})
    if errors:
        raise InvalidData(t("表单数据有误：{problems}", problems=joined(errors.values())), errors)
    clean = {**cadre_fields.attach_records(session, schema, clean), **records}
    if schema.get(CALENDAR):
        overrides = calendar_overrides(session)
        clean = {**clean, "calendar_overrides": {day.isoformat(): flag for day, flag in sorted(overrides.items())},
                 "calendar_version": calendar_version(overrides)}
    return clean
