"""A form rule's check evaluated on its data by the allow-listed expression language, and its message filled."""

import re
from datetime import datetime

from workflows.engine import expressions
from workflows.engine.clock import engine_now
from workflows.engine.clock import engine_time
from workflows.text import t

_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


def problems(rules, known_fields, where: str) -> list[str]:
    """What is wrong with a list of ``{"field", "check", "message"}`` rules (checked at deploy time), in Chinese."""
    if not isinstance(rules, list):
        return [t("{where} 必须是列表", where=where)]
    found = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or not {"field", "check", "message"} <= set(rule):
            found.append(t("{where} 第 {number} 条须有 field、check、message", where=where, number=number))
            continue
        if rule["field"] not in known_fields:
            found.append(t("{where} 第 {number} 条的字段 {field} 不在表单中", where=where, number=number,
                           field=rule["field"]))
        try:
            expressions.check(str(rule["check"]))
        except expressions.ExpressionRefused as refused:
            found.append(t("{where} 第 {number} 条的条件不被允许：{refused}", where=where, number=number,
                           refused=refused.args[0]))
    return found


def holds(check: str, scope: dict, at: datetime | None) -> bool:
    """Whether ``check`` is true over ``scope``; a check that cannot be evaluated on this data is not met."""
    try:
        # A rule may ask for today(): the command's time, as the engine sees it.
        with engine_time(at or engine_now()):
            return bool(expressions.RestrictedEnvironment().evaluate(check, dict(scope)))
    except (TypeError, ValueError, KeyError, NameError):
        return False


def filled(message: str, scope: dict) -> str:
    """``message`` with each ``{name}`` replaced by that value of ``scope`` ("未记录" where there is none)."""
    # A message quotes the value it was compared with, so the user sees which earlier date or count bounds it.
    def value(match: re.Match) -> str:
        found = scope.get(match.group(1))
        return str(found) if isinstance(found, str | int) and not isinstance(found, bool) and found != "" else "未记录"
    return _PLACEHOLDER.sub(value, message)
