"""Form fields that name cadres (``"x-cadre": true``): checked against the registry, their records attached.

The records go into the task data, and so into the record of the completion, which keeps a replay
independent of later registry changes.
"""

from sqlalchemy.orm import Session

from workflows import registry
from workflows.errors import InvalidData
from workflows.errors import NotFound

MARK = "x-cadre"


def cadre_fields(schema: dict) -> list[str]:
    """The top-level fields of a form schema marked as naming cadres."""
    return [name for name, prop in (schema.get("properties") or {}).items()
            if isinstance(prop, dict) and prop.get(MARK)]


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
                records.append(registry.record_of(session, registry.find_cadre(session, str(staff_no))))
            except NotFound:
                title = (schema["properties"][field].get("title") or field)
                errors[field] = f"「{title}」中的干部编号 {staff_no} 在干部信息库中不存在"
                break
        enriched[f"{field}_records"] = records if isinstance(value, list) else (records[0] if records else None)
    if errors:
        raise InvalidData("表单数据有误：" + "；".join(errors.values()), errors)
    return enriched
