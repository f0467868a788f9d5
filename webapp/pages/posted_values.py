"""Turning posted HTML form fields into typed values, with a Chinese message per bad field."""

from datetime import date

from werkzeug.datastructures import MultiDict

from workflows.errors import InvalidData


def parse(form: MultiDict, spec: dict[str, tuple[str, str]]) -> dict:
    """Values of ``spec`` ({field: (kind, label)}; kind is text/date/int/bool/id); blanks become None."""
    values, errors = {}, {}
    for field, (kind, label) in spec.items():
        raw = (form.get(field) or "").strip()
        if kind == "bool":
            values[field] = raw in ("1", "on", "true", "yes")
        elif raw == "":
            values[field] = None
        elif kind == "date":
            try:
                values[field] = date.fromisoformat(raw)
            except ValueError:
                errors[field] = f"「{label}」应为日期，格式 YYYY-MM-DD"
        elif kind in ("int", "id"):
            try:
                values[field] = int(raw)
            except ValueError:
                errors[field] = f"「{label}」应为整数"
        else:
            values[field] = raw
    if errors:
        raise InvalidData("表单有误：" + "；".join(errors.values()), errors)
    return values
