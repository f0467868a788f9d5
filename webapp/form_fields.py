"""HTML forms from a task's JSON Schema: which widget each field gets, and the posted fields read back as JSON."""

import re
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

# A list of names may be typed one per line or separated by commas (Chinese or Latin) or 、.
_LIST_SEPARATORS = re.compile(r"[\n,，、;；]+")
BLANK_ROWS = 2


@dataclass(frozen=True)
class Field:
    """One form field: its name, schema, the widget that shows it and whether it must be filled."""

    name: str
    prop: dict
    widget: str
    required: bool

    @property
    def title(self) -> str:
        return self.prop.get("title") or self.name

    @property
    def choices(self) -> list[tuple[str, str]]:
        if self.prop.get("type") == "boolean":  # a yes/no decision posts "true"/"false" (see _boolean)
            return [("true" if o.get("const") else "false", str(o.get("title", o.get("const"))))
                    for o in self.prop.get("oneOf", [])]
        if "oneOf" in self.prop:
            return [(str(o.get("const")), str(o.get("title", o.get("const")))) for o in self.prop["oneOf"]]
        return [(str(value), str(value)) for value in self.prop.get("enum", [])]

    @property
    def picks_people(self) -> bool:
        """Whether the field (or a column of its rows) names cadres or users: its page lists them to pick from."""
        cells = [self.prop, *(prop for _, prop in self.columns)]
        return any(cell.get("x-cadre") or cell.get("x-user") for cell in cells)

    @property
    def columns(self) -> list[tuple[str, dict]]:
        """The properties of one row of a list of objects."""
        return list((self.prop.get("items") or {}).get("properties", {}).items())


def _widget(prop: dict) -> str:
    kind = prop.get("type")
    if kind == "boolean":
        # A decision states both options (oneOf) and shows as radios with none chosen: an unticked box
        # must never read as "no". A confirmation (x-confirm) is asked for only when the case would end.
        return "choice" if "oneOf" in prop else "confirm" if prop.get("x-confirm") else "boolean"
    if kind in ("integer", "number"):
        return "number"
    if kind == "array":
        items = prop.get("items") or {}
        if "sha256" in (items.get("properties") or {}):
            return "files"
        if items.get("type") == "object":
            return "rows"
        return "users" if prop.get("x-user") else "cadres" if prop.get("x-cadre") else "lines"
    if "oneOf" in prop or "enum" in prop:
        return "choice"
    if prop.get("x-section"):
        return "section"
    if prop.get("x-cadre"):
        return "cadre"
    if prop.get("x-user"):
        return "user"
    if prop.get("format") == "date":
        return "date"
    return "textarea" if (prop.get("maxLength") or 0) > 200 else "text"


def fields(schema: dict | None) -> list[Field]:
    """The fields of a form in schema order."""
    required = set((schema or {}).get("required", []))
    return [Field(name, prop, _widget(prop), name in required)
            for name, prop in ((schema or {}).get("properties") or {}).items() if isinstance(prop, dict)]


def _scalar(prop: dict, raw: str):
    """A posted text as the JSON value the schema wants; what cannot be read is left for the schema to name."""
    raw = raw.strip()
    if raw == "":
        return None
    if prop.get("type") == "integer" and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if prop.get("type") == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def _rows(field: Field, form: MultiDict) -> list[dict]:
    prefix = f"{field.name}."
    indexes = sorted({int(key.split(".")[1]) for key in form if key.startswith(prefix)
                      and key.count(".") == 2 and key.split(".")[1].isdigit()})
    rows = []
    for index in indexes:
        row = {}
        for column, prop in field.columns:
            value = _scalar(prop, form.get(f"{prefix}{index}.{column}", ""))
            if value is not None:
                row[column] = value
        if row:  # a row left blank is not a row
            rows.append(row)
    return rows


def _boolean(raw: str | None) -> bool | None:
    """A posted yes/no choice; nothing chosen stays None, so "required" names the field."""
    return {"true": True, "1": True, "on": True, "false": False, "0": False}.get((raw or "").strip().lower())


def parse(schema: dict | None, form: MultiDict) -> dict:
    """The posted values of ``schema``'s fields as JSON; blanks are left out so "required" can name them."""
    data: dict = {}
    for field in fields(schema):
        if field.widget in ("boolean", "confirm"):
            data[field.name] = form.get(field.name) in ("1", "on", "true")
        elif field.widget == "choice" and field.prop.get("type") == "boolean":
            if (choice := _boolean(form.get(field.name))) is not None:
                data[field.name] = choice
        elif field.widget in ("users", "cadres"):
            data[field.name] = [name for name in form.getlist(field.name) if name]
        elif field.widget == "lines":
            items = [item.strip() for item in _LIST_SEPARATORS.split(form.get(field.name, "")) if item.strip()]
            if items or field.name in form:
                data[field.name] = items
        elif field.widget == "rows":
            data[field.name] = _rows(field, form)
        elif field.widget == "files":
            continue  # the uploads themselves: see task_pages
        else:
            value = _scalar(field.prop, form.get(field.name, ""))
            if value is not None:
                data[field.name] = value
    return data


def shown_value(value) -> str:
    """A value as the form shows it back (lists one per line)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Errors keyed by top-level field (``tally.0.votes`` shows at ``tally``)."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        shown.setdefault(key.split(".")[0], message)
    return shown
