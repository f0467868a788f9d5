"""A cadre's 家庭主要成员及重要社会关系, replaced as a whole list (the form's table), checked row by row, on record."""

import dataclasses
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models import FamilyMember
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.papers.approval_form import FamilyRow
from workflows.record import audit
from workflows.registry.cadre_records import get_cadre
from workflows.registry.personal import family_rows
from workflows.registry.personal_checks import check_family_rows
from workflows.registry.personal_checks import family_is_blank
from workflows.registry.personal_checks import family_month
from workflows.registry.personal_checks import month_text
from workflows.registry.personal_edit import require_editor
from workflows.text import joined
from workflows.text import t


def _row(values) -> FamilyRow:
    """One checked row, stripped, its 出生年月 as "YYYY.MM"."""
    values = dataclasses.asdict(values) if dataclasses.is_dataclass(values) else dict(values)
    text = {name: str(values.get(name) or "").strip() for name in
            ("relation", "name", "political_status", "work_unit_post")}
    return FamilyRow(text["relation"], text["name"], month_text(family_month(values.get("birth"))),
                     text["political_status"], text["work_unit_post"])


def checked_rows(rows) -> list[FamilyRow]:
    """The filled rows of ``rows`` in order; :class:`InvalidData` names every bad row and field."""
    rows = list(rows)
    errors = check_family_rows(rows)
    if errors:
        raise InvalidData(t("家庭成员信息有误：{problems}", problems=joined(errors.values())), errors)
    return [_row(row) for row in rows if not family_is_blank(row)]


def replace_rows(session: Session, cadre_id: int, rows: list[FamilyRow]) -> None:
    """Store ``rows`` (checked) as the cadre's family, in order, in place of the rows stored."""
    session.execute(delete(FamilyMember).where(FamilyMember.cadre_id == cadre_id))
    session.add_all(FamilyMember(cadre_id=cadre_id, position=position, relation=row.relation, name=row.name,
                                 birth_month=family_month(row.birth), political_status=row.political_status,
                                 work_unit_post=row.work_unit_post)
                    for position, row in enumerate(rows, start=1))


def set_family(session: Session, actor: Actor, at: datetime, cadre_id: int, rows) -> list[FamilyRow]:
    """Replace the cadre's family rows with ``rows`` (dicts or FamilyRow; blank rows are skipped).

    Refused whole when a row is wrong; goes on record as ``registry.family_updated`` with the rows before and after.
    """
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    new = checked_rows(rows)
    old = family_rows(session, cadre)
    if new == old:
        return new
    replace_rows(session, cadre.id, new)
    session.flush()
    audit.append(session, type_="registry.family_updated", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "before": [list(dataclasses.astuple(row)) for row in old],
        "after": [list(dataclasses.astuple(row)) for row in new]})
    return new
