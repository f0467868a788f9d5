"""Lists of rows in a task form: one row per cadre of a case list (``x-rows-for``) and rules per row (``x-row-rules``).

- ``"x-rows-for": "<case variable>"`` on an array of objects with a ``staff_no`` column: the case variable holds
  a list of staff numbers (e.g. ``candidates``); the submission must hold exactly one row for each of them (none
  missing, none extra, none twice), in any order. The rows' registry records go into ``<field>_records`` (a
  list in row order), so a script or rule of the model can read them.
- ``"x-row-rules": [{"field": <column>, "check": <expression>, "message": …}]`` on the array's ``items``: checked
  for each row, with the case data, the form's data and the row's own columns as names (the row wins), and
  ``record``: the row's registry record (None when the row names no known cadre). A failed check is an error at
  ``<field>.<index>.<column>``: 「姓名」：message (``{name}`` in the message is filled as in ``x-rules``).
"""

import keyword
from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from workflows.errors import NotFound
from workflows.forms import form_rules
from workflows.registry import cadre_records
from workflows.text import Text
from workflows.text import joined
from workflows.text import t

ROWS_FOR = "x-rows-for"
ROW_RULES = "x-row-rules"
STAFF_NO = "staff_no"


def _columns(prop: dict) -> dict:
    return ((prop.get("items") or {}).get("properties") or {}) if isinstance(prop, dict) else {}


def row_fields(schema: dict | None) -> list[tuple[str, dict]]:
    """The form's lists of rows that carry either keyword."""
    return [(field, prop) for field, prop in ((schema or {}).get("properties") or {}).items()
            if isinstance(prop, dict) and (ROWS_FOR in prop or ROW_RULES in (prop.get("items") or {}))]


def schema_problems(schema: dict) -> list[str]:
    """What is wrong with the form's ``x-rows-for`` and ``x-row-rules`` (checked at deploy time), in Chinese."""
    problems = []
    for field, prop in row_fields(schema):
        columns = _columns(prop)
        if ROWS_FOR in prop:
            variable = prop[ROWS_FOR]
            if not _identifier(variable):
                problems.append(t("{field} 的 {keyword} 须是案件数据的变量名（字母、数字、下划线），而不是 {variable}",
                                  field=field, keyword=ROWS_FOR, variable=repr(variable)))
            if prop.get("type") != "array" or STAFF_NO not in columns:
                problems.append(t("{keyword} 只能用在每行有 {column} 列的行列表上（{field}）", keyword=ROWS_FOR,
                                  column=STAFF_NO, field=field))
        problems += form_rules.problems((prop.get("items") or {}).get(ROW_RULES, []), columns,
                                        t("{field} 的 {keyword}", field=field, keyword=ROW_RULES))
    return problems


def _identifier(name) -> bool:
    # The model's expressions read the list by this name: a plain name the allow-list accepts.
    return isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def _title(prop: dict, field: str) -> str:
    return prop.get("title") or field


def _rows(data: dict, field: str) -> list:
    value = data.get(field)
    return value if isinstance(value, list) else []


def _staff_no(row) -> str | None:
    value = row.get(STAFF_NO) if isinstance(row, dict) else None
    return str(value) if value not in (None, "") else None


def listed(context: dict, variable: str) -> list[str] | None:
    """The staff numbers the case variable lists, each once and in order; None when the case holds no such list."""
    value = context.get(variable)
    if not isinstance(value, list) or not all(isinstance(item, str | int) and not isinstance(item, bool)
                                              for item in value):
        return None
    return list(dict.fromkeys(str(item) for item in value))


def names(session: Session, schema: dict, data: dict, context: dict) -> dict[str, str]:
    """The name of each cadre the rows and the listed case variables mention (one query)."""
    numbers = set()
    for field, prop in row_fields(schema):
        numbers |= {no for row in _rows(data, field) if (no := _staff_no(row))}
        numbers |= set(listed(context, prop[ROWS_FOR]) or []) if isinstance(prop.get(ROWS_FOR), str) else set()
    if not numbers:
        return {}
    return dict(session.execute(select(Cadre.staff_no, Cadre.name).where(Cadre.staff_no.in_(sorted(numbers)))).all())


def _who(row, index: int, known: dict[str, str]) -> str:
    staff_no = _staff_no(row)
    return t("「{name}」", name=known.get(staff_no, staff_no)) if staff_no else t("第 {number} 行", number=index + 1)


def _retitled(message: str, column: str, title: str) -> str:
    # A schema message built with the cell's key as its title is built again with the column's title.
    if isinstance(message, Text) and message.params.get("title") == column:
        return Text(message.msgid, **{**message.params, "title": title})
    return message.replace(f"「{column}」", f"「{title}」")


def named_errors(session: Session, schema: dict, data, errors: dict[str, str]) -> dict[str, str]:
    """Errors of a per-cadre list's rows (``<field>.<index>.<column>``) led by the cadre's name, like the row rules."""
    fields = {field for field, prop in row_fields(schema) if ROWS_FOR in prop}
    if not fields or not isinstance(data, dict):
        return errors
    known = names(session, {"properties": {f: schema["properties"][f] for f in fields}}, data, {})
    shown = {}
    for key, message in errors.items():
        field, index, column = (key.split(".") + ["", ""])[:3]
        rows = _rows(data, field)
        if field in fields and index.isdigit() and int(index) < len(rows):
            # The schema's message quotes a cell by its key (「verdict」): the column's title reads better.
            title = (_columns(schema["properties"][field]).get(column) or {}).get("title")
            message = _retitled(message, column, title) if column and title else message
            message = t("{who}：{message}", who=_who(rows[int(index)], int(index), known), message=message)
        shown[key] = message
    return shown


def _coverage(field: str, prop: dict, rows: list, context: dict, known: dict[str, str]) -> dict[str, str]:
    """One row for each listed cadre: none missing, none extra, none twice."""
    title, variable = _title(prop, field), prop[ROWS_FOR]
    wanted = listed(context, variable)
    if wanted is None:
        return {field: t("「{title}」须按案件数据「{variable}」中的名单逐人填写，但本案件没有这份名单："
                         "流程模型有误，请告知管理员", title=title, variable=variable)}
    counts = Counter(no for row in rows if (no := _staff_no(row)))
    problems = [t("「{title}」缺少「{name}」一行", title=title, name=known.get(no, no))
                for no in wanted if not counts[no]]
    problems += [t("「{title}」中的「{name}」不在本步骤的人选之中", title=title, name=known.get(no, no))
                 for no in counts if no not in wanted]
    problems += [t("「{title}」中的「{name}」有 {count} 行：每人只填一行", title=title, name=known.get(no, no),
                   count=count) for no, count in counts.items() if count > 1 and no in wanted]
    return {field: joined(problems)} if problems else {}


def _record(session: Session, row) -> dict | None:
    staff_no = _staff_no(row)
    if staff_no is None:
        return None
    try:
        return cadre_records.record_of(session, cadre_records.find_cadre(session, staff_no))
    except NotFound:
        return None


def check(session: Session, schema: dict, data: dict, context: dict,
          at: datetime | None) -> tuple[dict[str, list], dict[str, str]]:
    """The records to attach (``<field>_records``) and the errors of the form's lists of rows, by key."""
    known = names(session, schema, data, context)
    records: dict[str, list] = {}
    errors: dict[str, str] = {}
    base = {**{name: None for name in schema.get("properties") or {}}, **context, **data}
    for field, prop in row_fields(schema):
        rows = _rows(data, field)
        row_records = [_record(session, row) for row in rows]
        if ROWS_FOR in prop:
            errors.update(_coverage(field, prop, rows, context, known))
            records[f"{field}_records"] = row_records
        columns = _columns(prop)
        for index, (row, record) in enumerate(zip(rows, row_records, strict=True)):
            scope = {**base, **dict.fromkeys(columns), **(row if isinstance(row, dict) else {}), "record": record}
            for rule in (prop.get("items") or {}).get(ROW_RULES, []):
                if not form_rules.holds(str(rule["check"]), scope, at):
                    errors.setdefault(f"{field}.{index}.{rule['field']}",
                                      t("{who}：{message}", who=_who(row, index, known),
                                        message=form_rules.filled(rule["message"], scope)))
    return records, errors
