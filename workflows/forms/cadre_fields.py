"""Form fields that name cadres (``"x-cadre": true``): checked against the registry, their records attached.

A column of a list of rows may be marked too (the candidate of each vote row): it is checked, not attached
(the rows of a per-cadre list, ``x-rows-for``, have their records attached by :mod:`workflows.rows_for`).

The records go into the task data, and so into the record of the completion, which keeps a replay
independent of later registry changes.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.forms.cadre_qualifications import qualification_record
from workflows.registry import cadre_file
from workflows.registry import cadre_records
from workflows.text import joined
from workflows.text import t

MARK = "x-cadre"


def cadre_fields(schema: dict) -> list[str]:
    """The top-level fields of a form schema marked as naming cadres."""
    return [name for name, prop in (schema.get("properties") or {}).items()
            if isinstance(prop, dict) and prop.get(MARK)]


def attached_record(session: Session, cadre: Cadre) -> dict:
    """The registry record a case keeps of a cadre: :func:`registry.record_of` plus their leave periods.

    The leaves (kind, first and last day only: the record goes into the audit payload) let a model count
    the leave within the probation year (``probation_leave_days``); the education and post history let the
    screening check the 任职资格 (``eligible_staff_nos`` with the motion's requirements).
    """
    return {**cadre_records.record_of(session, cadre), "leaves": cadre_file.leave_record(session, cadre.id),
            **qualification_record(cadre)}


def attach_records(session: Session, schema: dict, data: dict) -> dict:
    """``data`` plus ``<field>_records`` for every cadre field; unknown staff numbers are refused by field."""
    enriched, errors = dict(data), {}
    for field in cadre_fields(schema):
        value = data.get(field)
        if value in (None, "", []):
            continue
        numbers = value if isinstance(value, list) else [value]
        records = []
        for staff_no in numbers:
            try:
                records.append(attached_record(session, cadre_records.find_cadre(session, str(staff_no))))
            except NotFound:
                title = (schema["properties"][field].get("title") or field)
                errors[field] = t("「{title}」中的干部编号 {staff_no} 在干部信息库中不存在", title=title,
                                  staff_no=staff_no)
                break
        enriched[f"{field}_records"] = records if isinstance(value, list) else (records[0] if records else None)
    errors.update(_row_errors(session, schema, data))
    if errors:
        raise InvalidData(t("表单数据有误：{problems}", problems=joined(errors.values())), errors)
    return enriched


def _row_errors(session: Session, schema: dict, data: dict) -> dict[str, str]:
    """A column of a list of rows that names cadres (a candidate's votes) is checked against the registry too."""
    errors = {}
    for field, prop in (schema.get("properties") or {}).items():
        columns = ((prop.get("items") or {}).get("properties") or {}) if isinstance(prop, dict) else {}
        marked = [name for name, cell in columns.items() if isinstance(cell, dict) and cell.get(MARK)]
        rows = data.get(field) if marked and isinstance(data.get(field), list) else []
        numbers = sorted({str(row[name]) for row in rows if isinstance(row, dict) for name in marked if row.get(name)})
        known = set(session.scalars(select(Cadre.staff_no).where(Cadre.staff_no.in_(numbers)))) if numbers else set()
        if missing := [number for number in numbers if number not in known]:
            titles = joined((columns[name].get("title") or name for name in marked), "、")
            errors[field] = t("「{title}」的「{columns}」中的干部编号 {staff_nos} 在干部信息库中不存在",
                              title=prop.get("title") or field, columns=titles, staff_nos=joined(missing, "、"))
    return errors
