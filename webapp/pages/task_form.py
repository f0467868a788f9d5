"""HTML forms from a task's JSON Schema: which widget each field gets, and the posted fields read back as JSON."""

import re
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

# A list of names may be typed one per line or separated by commas (Chinese or Latin) or 、.
_LIST_SEPARATORS = re.compile(r"[\n,，、;；]+")
BLANK_ROWS = 2
SHORT_TEXT = 60
STAFF_NO = "staff_no"
ROWS_FOR = "x-rows-for"


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
        # A per-cadre list's rows are given (each names its cadre): only its other columns may pick people.
        given = (STAFF_NO,) if self.widget == "rows_for" else ()
        cells = [self.prop, *(prop for column, prop in self.columns if column not in given)]
        return any(cell.get("x-cadre") or cell.get("x-user") for cell in cells)

    @property
    def columns(self) -> list[tuple[str, dict]]:
        """The properties of one row of a list of objects."""
        return list((self.prop.get("items") or {}).get("properties", {}).items())

    def cells(self, index: int) -> list["Field"]:
        """The columns of a per-cadre list's row ``index`` (its staff number aside) as fields of their own,
        named ``<field>.<index>.<column>`` so that :func:`parse` reads them back."""
        required = set((self.prop.get("items") or {}).get("required", []))
        return [Field(f"{self.name}.{index}.{column}", prop, _widget(prop), column in required)
                for column, prop in self.columns if column != STAFF_NO and isinstance(prop, dict)]

    @property
    def column(self) -> str:
        """A row cell's column (the last part of ``<field>.<index>.<column>``)."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def row_title(self) -> str:
        """The title of a per-cadre list's staff-number column (what the rows are: 人选, 考察对象…)."""
        return str((dict(self.columns).get(STAFF_NO) or {}).get("title") or "")

    @property
    def tabular(self) -> bool:
        """Whether a per-cadre list shows as a table (at most four short columns) rather than a fieldset per cadre."""
        cells = self.cells(0)
        return len(cells) <= 4 and all(_short(cell) for cell in cells)


def _short(cell: Field) -> bool:
    """A cell that fits a table: a number, a date, a yes/no, a choice of at most four, a text of at most 60."""
    if cell.widget in ("number", "date", "boolean", "confirm"):
        return True
    if cell.widget == "choice":
        return len(cell.choices) <= 4
    return cell.widget == "text" and 0 < (cell.prop.get("maxLength") or 0) <= SHORT_TEXT


@dataclass(frozen=True)
class Line:
    """One cadre's row of a per-cadre list: where it posts, who it is and what it holds now."""

    index: int
    staff_no: str
    label: str
    row: dict


def lines(field: Field, staff_nos: list[str], labels: dict[str, str], value) -> list[Line]:
    """One row per listed cadre, in the list's order, prefilled from ``value``'s row for that cadre (if any)."""
    held = {str(row.get(STAFF_NO)): row for row in (value or []) if isinstance(row, dict)}
    return [Line(index, staff_no, labels.get(staff_no, staff_no), held.get(staff_no, {}))
            for index, staff_no in enumerate(staff_nos)]


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
            return "rows_for" if prop.get(ROWS_FOR) else "rows"
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
    if prop.get("type") == "boolean":
        choice = _boolean(raw)
        return raw if choice is None else choice
    # A choice posts its code as text: the code itself (a number stays a number).
    codes = [option.get("const") for option in prop.get("oneOf", []) if isinstance(option, dict)]
    for code in [*codes, *prop.get("enum", [])]:
        if str(code) == raw:
            return code
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
        row, ticks = {}, {}
        for column, prop in field.columns:
            raw = form.get(f"{prefix}{index}.{column}", "")
            if _widget(prop) in ("boolean", "confirm"):  # an unticked box posts nothing: it is a "no"
                ticks[column] = raw in ("1", "on", "true")
            elif (value := _scalar(prop, raw)) is not None:
                row[column] = value
        if row:  # a row left blank is not a row
            rows.append({**row, **ticks})
    return rows


def posted_rows(name: str, form: MultiDict) -> int:
    """How many rows (blank ones too) the form posted for the list ``name``."""
    prefix = f"{name}."
    return len({key.split(".")[1] for key in form if key.startswith(prefix) and key.count(".") == 2
                and key.split(".")[1].isdigit()})


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
        elif field.widget in ("rows", "rows_for"):
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
