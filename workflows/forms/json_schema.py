"""Validate submitted form data against a task's JSON Schema, with one Chinese message per field."""

from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

from workflows.errors import InvalidData
from workflows.text import joined
from workflows.text import t

_TYPE_NAMES = {"string": t("文本"), "integer": t("整数"), "number": t("数字"), "boolean": t("是/否"),
               "object": t("对象"), "array": t("列表"), "null": t("空值")}


def _title(schema: dict, field: str) -> str:
    prop = schema.get("properties", {}).get(field, {})
    return prop.get("title", field) if isinstance(prop, dict) else field


def _message(error, schema: dict, field: str) -> str:
    title, value = _title(schema, field), error.validator_value
    kind = _TYPE_NAMES.get(value, value) if isinstance(value, str) else value
    messages = {
        "required": t("「{title}」为必填项", title=title),
        "type": t("「{title}」应为{kind}", title=title, kind=kind),
        "minLength": t("「{title}」至少 {value} 个字符", title=title, value=value),
        "maxLength": t("「{title}」最多 {value} 个字符", title=title, value=value),
        "minimum": t("「{title}」不能小于 {value}", title=title, value=value),
        "maximum": t("「{title}」不能大于 {value}", title=title, value=value),
        "exclusiveMinimum": t("「{title}」必须大于 {value}", title=title, value=value),
        "exclusiveMaximum": t("「{title}」必须小于 {value}", title=title, value=value),
        "enum": t("「{title}」只能是：{choices}", title=title,
                  choices=joined(map(str, value), "、") if isinstance(value, list) else value),
        "const": t("「{title}」只能是 {value}", title=title, value=value),
        "pattern": t("「{title}」格式不正确", title=title),
        "format": t("「{title}」不是有效的 {value}", title=title, value=value),
        "minItems": t("「{title}」至少 {value} 项", title=title, value=value),
        "maxItems": t("「{title}」最多 {value} 项", title=title, value=value),
        "additionalProperties": t("不允许的字段 {field}", field=field),
        "oneOf": t("「{title}」只能是：{choices}", title=title, choices=_choices(value)),
    }
    return messages.get(error.validator) or t("「{title}」不符合要求：{error}", title=title, error=error.message)


def _choices(options) -> str:
    # A choice list written as oneOf [{"const": code, "title": 中文}] reads best by its titles.
    if isinstance(options, list):
        return joined((str(o.get("title", o.get("const"))) for o in options if isinstance(o, dict)), "、")
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
        raise InvalidData(t("提交的数据必须是一个对象"), {"_form": t("提交的数据必须是 JSON 对象")})
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        for field in _field_of(error):
            errors.setdefault(field, _message(error, schema, field.split(".")[-1]))
    if errors:
        raise InvalidData(t("表单数据有误：{problems}", problems=joined(errors.values())), errors)
    return data
