"""Changing a cadre's personal fields for the 干部任免审批表 (identity number, 籍贯 …) and the written override texts.

Only the personnel office and administrators change them; each change is checked field by field, refused whole
when anything is wrong, and goes on record as ``registry.personal_updated``.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from workflows.actors import Actor
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.registry import identity_no
from workflows.registry.cadre_records import get_cadre
from workflows.registry.personal_checks import PERSONAL_LABELS
from workflows.registry.personal_checks import TEXT_LABELS
from workflows.registry.personal_checks import check_personal
from workflows.text import joined
from workflows.text import t

EDITORS = frozenset({"personnel_office", "admin"})
FIELDS = (*PERSONAL_LABELS, *TEXT_LABELS)


def require_editor(actor: Actor) -> None:
    """:class:`Forbidden` unless ``actor`` may change the registry's personal records."""
    if not actor.roles & EDITORS:
        raise Forbidden(t("只有人事组织部门或管理员可以修改干部的个人信息"))


def masked(number: str | None) -> str | None:
    """An identity number as the record keeps it: enough to tell numbers apart, not the whole number."""
    return f"{number[:6]}********{number[-4:]}" if number and len(number) == 18 else number


def identity_owner(session: Session, number: str, cadre_id: int | None) -> Cadre | None:
    """The other cadre already registered with ``number``, if any."""
    return session.scalar(select(Cadre).where(Cadre.identity_no == number, Cadre.id != (cadre_id or 0)))


def duplicate_identity(session: Session, number: str | None, cadre_id: int | None) -> str | None:
    """The message when ``number`` belongs to another cadre, else None."""
    other = identity_owner(session, number, cadre_id) if number else None
    if other is None:
        return None
    return t("公民身份号码 {number} 已登记在干部 {staff_no}（{name}）名下", number=number, staff_no=other.staff_no,
             name=other.name)


def cleaned(values: dict) -> dict:
    """The posted values of :data:`FIELDS` stripped, blanks as None, the identity number normalised."""
    clean = {}
    for field in FIELDS:
        if field in values:
            value = values[field]
            value = value.strip() if isinstance(value, str) else value
            clean[field] = value or None
    if clean.get("identity_no"):
        clean["identity_no"] = identity_no.normalised(clean["identity_no"])
    return clean


def update_personal(session: Session, actor: Actor, at: datetime, cadre_id: int, values: dict) -> Cadre:
    """Set the personal fields and override texts given in ``values`` (others stay); blank clears a field.

    A blank 奖惩情况 or 年度考核结果 means the form makes the text from the registry again.
    """
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    values = cleaned(values)
    errors = check_personal({**values, "birth_date": cadre.birth_date, "gender": cadre.gender})
    if "identity_no" not in errors:
        duplicate = duplicate_identity(session, values.get("identity_no"), cadre.id)
        if duplicate:
            errors["identity_no"] = duplicate
    if errors:
        raise InvalidData(t("个人信息有误：{problems}", problems=joined(errors.values())), errors)
    changed = {field: [getattr(cadre, field), value] for field, value in values.items()
               if getattr(cadre, field) != value}
    if not changed:
        return cadre
    for field, (_old, new) in changed.items():
        setattr(cadre, field, new)
    if "identity_no" in changed:
        changed["identity_no"] = [masked(number) for number in changed["identity_no"]]
    audit.append(session, type_="registry.personal_updated", actor=actor, at=at,
                 payload={"cadre": cadre.staff_no, "changes": changed})
    return cadre
