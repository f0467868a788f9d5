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
  so working-day timers use them and the record shows which calendar decided the date.
"""

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Section
from storage.models import User
from storage.models import UserRole
from workflows import cadre_fields
from workflows import case_outcome
from workflows import expressions
from workflows import forms
from workflows import party_meeting
from workflows import people
from workflows.actors import SYSTEM
from workflows.actors import Actor
from workflows.clock import engine_now
from workflows.clock import engine_time
from workflows.errors import InvalidData
from workflows.local_rules import calendar_overrides
from workflows.rules.calendar import calendar_version

RULES = "x-rules"
USER = "x-user"
SECTION = "x-section"
CALENDAR = "x-calendar"
CONFIRM = "x-confirm"
_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


def schema_problems(schema: dict) -> list[str]:
    """What is wrong with a form's cadreflow keywords (checked at deploy time), in Chinese."""
    problems = []
    properties = schema.get("properties") or {}
    rules = schema.get(RULES, [])
    if not isinstance(rules, list):
        return [f"{RULES} 必须是列表"]
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or not {"field", "check", "message"} <= set(rule):
            problems.append(f"{RULES} 第 {number} 条须有 field、check、message")
            continue
        if rule["field"] not in properties:
            problems.append(f"{RULES} 第 {number} 条的字段 {rule['field']} 不在表单中")
        try:
            expressions.check(str(rule["check"]))
        except expressions.ExpressionRefused as refused:
            problems.append(f"{RULES} 第 {number} 条的条件不被允许：{refused}")
    for field, prop in properties.items():
        if isinstance(prop, dict) and CONFIRM in prop:
            if prop.get("type") != "boolean":
                problems.append(f"{CONFIRM} 只能用在布尔字段上（{field}）")
            try:
                expressions.check(str(prop[CONFIRM]))
            except expressions.ExpressionRefused as refused:
                problems.append(f"{field} 的 {CONFIRM} 条件不被允许：{refused}")
    return problems


def _title(schema: dict, field: str) -> str:
    return (schema.get("properties", {}).get(field) or {}).get("title") or field


def _filled(message: str, scope: dict) -> str:
    # A message quotes the value it was compared with, so the user sees which earlier date or count bounds it.
    def value(match: re.Match) -> str:
        found = scope.get(match.group(1))
        return str(found) if isinstance(found, str | int) and not isinstance(found, bool) and found != "" else "未记录"
    return _PLACEHOLDER.sub(value, message)


def _check_rules(schema: dict, data: dict, context: dict, at: datetime | None) -> dict[str, str]:
    # A field the form leaves out is None to the rules, unless the case already holds a value for it.
    scope = {**{name: None for name in schema.get("properties") or {}}, **context, **data}
    environment = expressions.RestrictedEnvironment()
    errors: dict[str, str] = {}
    for rule in schema.get(RULES, []):
        try:
            # A rule may ask for today(): the command's time, as the engine sees it.
            with engine_time(at or engine_now()):
                holds = environment.evaluate(rule["check"], dict(scope))
        except (TypeError, ValueError, KeyError, NameError):
            holds = False  # a rule that cannot be evaluated on this data is not met
        if not holds:
            errors.setdefault(rule["field"], _filled(rule["message"], scope))
    return errors


def _holds(check: str, scope: dict, at: datetime | None) -> bool:
    try:
        # A rule may ask for today(): the command's time, as the engine sees it.
        with engine_time(at or engine_now()):
            return bool(expressions.RestrictedEnvironment().evaluate(check, dict(scope)))
    except (TypeError, ValueError, KeyError, NameError):
        return False  # a rule that cannot be evaluated on this data is not met


def _check_confirmations(schema: dict, data: dict, at: datetime | None) -> tuple[dict, dict[str, str]]:
    """A choice that ends the case needs its confirmation ticked; a confirmation of nothing is dropped."""
    scope = {**{name: None for name in schema.get("properties") or {}}, **data}
    errors: dict[str, str] = {}
    for field, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or CONFIRM not in prop:
            continue
        if not _holds(str(prop[CONFIRM]), scope, at):
            data = {key: value for key, value in data.items() if key not in (field, case_outcome.REASON)}
        elif data.get(field) is not True:
            errors[field] = f"此选择将终止本案件：请勾选「{_title(schema, field)}」后再提交"
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
            errors[field] = f"「{_title(schema, field)}」中的用户 {'、'.join(missing)} 不存在、已停用或不担任该角色"
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
            errors[field] = f"「{_title(schema, field)}」中的科室代码 {'、'.join(missing)} 在干部信息库中不存在"
    return errors


def prepare(session: Session, schema: dict, data: object, context: dict | None = None,
            at: datetime | None = None, actor: Actor | None = None) -> dict:
    """Validate a submission against its form and return what goes into the task data.

    ``context`` is the case data the task sees, for rules that compare with earlier steps; ``at`` is the
    command's time; ``actor`` who submits (a party-group meeting's presiding secretary).
    Raises :class:`InvalidData` naming every bad field; nothing is changed then.
    """
    clean, confirmations = _check_confirmations(schema, forms.validate(schema, data), at)
    errors = {**_check_rules(schema, clean, context or {}, at), **_check_users(session, schema, clean),
              **_check_sections(session, schema, clean), **confirmations}
    if schema.get(party_meeting.KEYWORD) and not errors:
        clean, errors = party_meeting.attach(session, clean, actor or SYSTEM, context or {})
    if errors:
        raise InvalidData("表单数据有误：" + "；".join(errors.values()), errors)
    clean = cadre_fields.attach_records(session, schema, clean)
    if schema.get(CALENDAR):
        overrides = calendar_overrides(session)
        clean = {**clean, "calendar_overrides": {day.isoformat(): flag for day, flag in sorted(overrides.items())},
                 "calendar_version": calendar_version(overrides)}
    return clean
