"""The register of document numbers (文号): "{代字}〔{year}〕{n}号", gapless per 代字 and year, never reused.

A number is taken in the caller's transaction: the counter row of (代字, year) is created if missing and then
moved on by one UPDATE, whose row lock makes concurrent issuers take turns until the first commits. A
transaction that rolls back takes its increment with it, so no serial is skipped; a withdrawn document keeps
its number, marked void (作废).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from storage.models import DocumentCounter
from storage.models import DocumentNumber
from storage.models import User
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.queries import paging
from workflows.record import audit
from workflows.text import joined
from workflows.text import t
from workflows.vocabulary import Event

ISSUER_ROLES = ("personnel_office", "admin")
ISSUED, VOID = "issued", "void"


def issuer_role(actor: Actor) -> str:
    """The role ``actor`` issues and voids numbers in; :class:`Forbidden` for anyone but the office and admins."""
    role = next((role for role in ISSUER_ROLES if role in actor.roles), None)
    if role is None:
        raise Forbidden(t("只有人事组织部门或管理员可以编发文号"))
    return role


def formatted(number: DocumentNumber) -> str:
    """The number as the document prints it: "青数〔2026〕18号"."""
    return f"{number.prefix}〔{number.year}〕{number.serial}号"


def _checked(prefix: str, kind: str, title: str) -> tuple[str, str, str]:
    """The fields of a new number, stripped; :class:`InvalidData` names each bad one."""
    values = {"prefix": (prefix or "").strip(), "kind": (kind or "").strip(), "title": (title or "").strip()}
    labels = {"prefix": t("机关代字"), "kind": t("文书种类"), "title": t("文件标题")}
    errors = {}
    for name, value in values.items():
        limit = DocumentNumber.__table__.c[name].type.length
        if not value:
            errors[name] = t("「{field}」为必填项", field=labels[name])
        elif len(value) > limit:
            errors[name] = t("「{field}」最多 {limit} 个字符", field=labels[name], limit=limit)
    if values["prefix"] and any(char.isspace() or char in "〔〕" for char in values["prefix"]):
        errors["prefix"] = t("「机关代字」不能含空格或〔〕")
    if errors:
        raise InvalidData(t("文号信息有误：{problems}", problems=joined(errors.values())), errors)
    return values["prefix"], values["kind"], values["title"]


def _insert_ignoring_conflict(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING for the counter row: two first issuers of a year both go on."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(DocumentCounter.__table__).on_conflict_do_nothing(index_elements=["prefix", "year"])


def next_serial(session: Session, prefix: str, year: int) -> int:
    """The next serial of (``prefix``, ``year``), taken under the counter row's lock until the transaction ends."""
    counters = DocumentCounter.__table__
    dialect = session.get_bind().dialect.name
    session.execute(_insert_ignoring_conflict(dialect), {"prefix": prefix, "year": year, "last_serial": 0})
    # One statement reads and moves the counter: PostgreSQL re-reads a row another transaction just committed,
    # SQLite holds the database's write lock from BEGIN IMMEDIATE.
    moved = (update(counters).where(counters.c.prefix == prefix, counters.c.year == year)
             .values(last_serial=counters.c.last_serial + 1).returning(counters.c.last_serial))
    return session.execute(moved).scalar_one()


def issue(session: Session, actor: Actor, at: datetime, *, prefix: str, kind: str, title: str,
          case_id: int | None = None) -> DocumentNumber:
    """Take the next number of ``prefix`` in the year of ``at`` (Beijing time); it goes on record."""
    role = issuer_role(actor)
    prefix, kind, title = _checked(prefix, kind, title)
    year = local_date(at).year
    serial = next_serial(session, prefix, year)
    number = DocumentNumber(prefix=prefix, year=year, serial=serial, kind=kind, title=title, case_id=case_id,
                            status=ISSUED, issued_at=at, issued_by_id=actor.user_id)
    session.add(number)
    session.flush()
    audit.append(session, type_=Event.NUMBER_ISSUED, actor=actor.acting_as(role), at=at, case_id=case_id,
                 payload={"number": formatted(number), "number_id": number.id, "prefix": prefix, "year": year,
                          "serial": serial, "kind": kind, "title": title})
    return number


def get_number(session: Session, number_id: int, *, lock: bool = False) -> DocumentNumber:
    """The number ``number_id`` (row-locked on PostgreSQL when ``lock``); :class:`NotFound` when there is none."""
    query = select(DocumentNumber).where(DocumentNumber.id == number_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    number = session.scalar(query.execution_options(populate_existing=True))
    if number is None:
        raise NotFound(t("文号 {number} 不存在", number=number_id))
    return number


def void(session: Session, actor: Actor, at: datetime, number_id: int, reason: str, *,
         case_id: int | None = None) -> DocumentNumber:
    """Mark a number void (作废) with the reason; it stays in the register and is never issued again.

    ``case_id`` given: the number must be one of that case's papers (the case page voids only its own).
    """
    role = issuer_role(actor)
    reason = (reason or "").strip()
    limit = DocumentNumber.__table__.c.void_reason.type.length
    if not reason or len(reason) > limit:
        raise InvalidData(t("作废原因有误"), {"reason": t("作废原因为必填项，最多 {limit} 个字符", limit=limit)})
    number = get_number(session, number_id, lock=True)
    if case_id is not None and number.case_id != case_id:
        raise NotFound(t("案件 {case} 没有编号为 {number} 的文号", case=case_id, number=number_id))
    if number.status == VOID:
        raise Conflict(t("文号 {number} 已于此前作废", number=formatted(number)))
    number.status, number.void_reason = VOID, reason
    number.voided_at, number.voided_by_id = at, actor.user_id
    audit.append(session, type_=Event.NUMBER_VOIDED, actor=actor.acting_as(role), at=at, case_id=number.case_id,
                 payload={"number": formatted(number), "number_id": number.id, "kind": number.kind,
                          "reason": reason})
    return number


@dataclass(frozen=True)
class RegisterRow:
    """A line of the register: the number, and who issued or voided it."""

    number: DocumentNumber
    text: str
    issued_by: str
    voided_by: str


def _who(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return (user.display_name or user.username) if user is not None else ""


def register(session: Session, prefix: str | None = None, year: int | None = None,
             page: int = 1) -> tuple[list[RegisterRow], int]:
    """One page of the register, newest year first and each year in serial order; and how many rows match."""
    query = select(DocumentNumber)
    if prefix:
        query = query.where(DocumentNumber.prefix == prefix)
    if year:
        query = query.where(DocumentNumber.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(DocumentNumber.year.desc(), DocumentNumber.prefix, DocumentNumber.serial)
                           .offset(paging.rows_before(page)).limit(paging.PAGE_SIZE))
    return [RegisterRow(row, formatted(row), _who(session, row.issued_by_id), _who(session, row.voided_by_id))
            for row in rows], total


def prefixes(session: Session) -> list[str]:
    """The 代字 the register holds, for the page's filter."""
    return list(session.scalars(select(DocumentCounter.prefix).distinct().order_by(DocumentCounter.prefix)))


def years(session: Session) -> list[int]:
    """The years the register holds, newest first."""
    return list(session.scalars(select(DocumentCounter.year).distinct().order_by(DocumentCounter.year.desc())))
