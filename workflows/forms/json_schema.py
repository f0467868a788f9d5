"""Validate submitted form data against a task's JSON Schema, with one Chinese message per field."""

from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

from workflows.errors import InvalidData

_TYPE_NAMES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "是/否",
               "object": "对象", "array": "列表", "null": "空值"}


def _title(schema: dict, field: str) -> str:
    prop = schema.get("properties", {}).get(field, {})
    return f"「{prop.get('title', field)}」" if isinstance(prop, dict) else f"「{field}」"


def _message(error, schema: dict, field: str) -> str:
    title, value = _title(schema, field), error.validator_value
    messages = {
        "required": f"{title}为必填项",
        "type": f"{title}应为{_TYPE_NAMES.get(value, value) if isinstance(value, str) else value}",
        "minLength": f"{title}至少 {value} 个字符",
        "maxLength": f"{title}最多 {value} 个字符",
        "minimum": f"{title}不能小于 {value}",
        "maximum": f"{title}不能大于 {value}",
        "exclusiveMinimum": f"{title}必须大于 {value}",
        "exclusiveMaximum": f"{title}必须小于 {value}",
        "enum": f"{title}只能是：{'、'.join(map(str, value)) if isinstance(value, list) else value}",
        "const": f"{title}只能是 {value}",
        "pattern": f"{title}格式不正确",
        "format": f"{title}不是有效的 {value}",
        "minItems": f"{title}至少 {value} 项",
        "maxItems": f"{title}最多 {value} 项",
        "additionalProperties": f"不允许的字段 {field}",
        "oneOf": f"{title}只能是：{_choices(value)}",
    }
    return messages.get(error.validator, f"{title}不符合要求：{error.message}")


def _choices(options) -> str:
    # A choice list written as oneOf [{"const": code, "title": 中文}] reads best by its titles.
    if isinstance(options, list):
        return "、".join(str(o.get("title", o.get("const"))) for o in options if isinstance(o, dict))
    return str(options)


def _field_of(error) -> list[str]:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return [".".join([*path, name]) for name in missing]
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in (error.instance or {}) if name not in allowed]
        return [".".join([*path, name]) for name in extra]
    return [".".join(path) or "_form"]


def validate(schema: dict, data: object) -> dict:
    """Return ``data`` when it satisfies ``schema``; otherwise raise :class:`InvalidData`."""
    if not isinstance(data, dict):
        raise InvalidData("提交的数据必须是一个对象", {"_form": "提交的数据必须是 JSON 对象"})
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        for field in _field_of(error):
            errors.setdefault(field, _message(error, schema, field.split(".")[-1]))
    if errors:
        raise InvalidData("表单数据有误：" + "；".join(errors.values()), errors)
    return data
