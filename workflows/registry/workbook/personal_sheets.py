"""The registry workbook's 干部任免审批表 parts: identity numbers (干部 sheet), the 家庭成员, 简历 and 奖励 sheets.

A cadre's rows in the 家庭成员 or 简历 sheet replace that cadre's list, in the file's order (a cadre without rows
keeps theirs), so that a re-import of an export changes nothing. Awards have no natural key: a row is added
unless an identical one is recorded (as for 处分). Every problem names its sheet, row and column.
"""

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Award
from storage.models import Cadre
from storage.models import FamilyMember
from storage.models import ResumeEntry
from workflows.registry import identity_no
from workflows.registry.codes import GENDER
from workflows.registry.personal_checks import FAMILY_MAX
from workflows.registry.personal_checks import RESUME_MAX
from workflows.registry.personal_checks import month_text
from workflows.registry.workbook.file_sheets import unknown_cadres
from workflows.registry.workbook.reading import ParsedRow
from workflows.registry.workbook.reading import ParsedWorkbook
from workflows.registry.workbook.sheets import AWARDS
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import FAMILY
from workflows.registry.workbook.sheets import PERSONAL_SHEETS
from workflows.registry.workbook.sheets import RESUME
from workflows.registry.workbook.sheets import CellError
from workflows.text import t

LISTS = {FAMILY.name: (FamilyMember, ("relation", "name", "birth_month", "political_status", "work_unit_post")),
         RESUME.name: (ResumeEntry, ("start_month", "end_month", "text"))}
LIMITS = {FAMILY.name: FAMILY_MAX, RESUME.name: RESUME_MAX}
BLANK_AS_EMPTY = ("political_status", "work_unit_post")  # text columns stored as "" rather than NULL


def check(session: Session, parsed: ParsedWorkbook, stored: dict[str, Cadre]) -> list[CellError]:
    """Every problem of the identity numbers and the three sheets, against the file and the registry."""
    return unknown_cadres(parsed, stored, PERSONAL_SHEETS) + _identity_errors(parsed, stored) + _list_errors(parsed)


def _identity_errors(parsed: ParsedWorkbook, stored: dict[str, Cadre]) -> list[CellError]:
    errors, header, first_row = [], CADRES.column("identity_no").header, {}
    holders = {cadre.identity_no: staff_no for staff_no, cadre in stored.items() if cadre.identity_no}
    for row in parsed.rows(CADRES):
        number, staff_no = row.values.get("identity_no"), row.values.get("staff_no")
        cadre = stored.get(staff_no)
        column = header
        if number is None and "identity_no" not in row.values and cadre is not None and cadre.identity_no:
            # A file without the column keeps the stored number: a new birth date or sex must still agree with it.
            number = cadre.identity_no
            column = CADRES.column("birth_date" if "birth_date" in row.values else "gender").header
        if number is None:
            continue
        birth = row.values.get("birth_date") or (cadre.birth_date if cadre else None)
        gender = row.values.get("gender") or (cadre.gender if cadre else None)
        problem = None
        if birth is not None and identity_no.birth_date(number) != birth:
            problem = t("号码中的出生日期 {number_date} 与「出生日期」{birth} 不一致",
                        number_date=identity_no.birth_date(number).isoformat(), birth=birth.isoformat())
        elif gender in GENDER and identity_no.gender(number) != gender:
            problem = t("号码第 17 位表示性别为{number_gender}，与「性别」{gender}不一致",
                        number_gender=GENDER[identity_no.gender(number)], gender=GENDER[gender])
        elif number in first_row:
            problem = t("与第 {row} 行的公民身份号码重复", row=first_row[number])
        elif holders.get(number, staff_no) != staff_no:
            problem = t("已登记在干部 {staff_no} 名下", staff_no=holders[number])
        first_row.setdefault(number, row.number)
        if problem:
            errors.append(CellError(CADRES.name, row.number, column, problem))
    return errors


def _list_errors(parsed: ParsedWorkbook) -> list[CellError]:
    errors = []
    for sheet in (FAMILY, RESUME):
        header = sheet.column("staff_no").header
        for staff_no, rows in _by_cadre(parsed.rows(sheet)).items():
            if len(rows) > LIMITS[sheet.name]:
                errors += [CellError(sheet.name, row.number, header, t(
                    "干部编号 {staff_no} 的{sheet}最多 {limit} 行，文件中有 {count} 行", staff_no=staff_no,
                    sheet=sheet.name, limit=LIMITS[sheet.name], count=len(rows))) for row in rows[LIMITS[sheet.name]:]]
    end_header = RESUME.column("end_month").header
    for rows in _by_cadre(parsed.rows(RESUME)).values():
        for index, row in enumerate(rows):
            start, end = row.values.get("start_month"), row.values.get("end_month")
            if start is not None and end is not None and end < start:
                errors.append(CellError(RESUME.name, row.number, end_header, t(
                    "不能早于「{first}」{month}", first=RESUME.column("start_month").header, month=month_text(start))))
            elif end is None and "end_month" not in row.bad and index < len(rows) - 1:
                errors.append(CellError(RESUME.name, row.number, end_header, t(
                    "只有该干部的最后一段简历可以留空（至今），其后还有第 {row} 行", row=rows[index + 1].number)))
    return errors


def _by_cadre(rows: list[ParsedRow]) -> dict[str, list[ParsedRow]]:
    grouped = defaultdict(list)
    for row in rows:
        if row.values.get("staff_no") is not None:
            grouped[row.values["staff_no"]].append(row)
    return grouped


def write(session: Session, parsed: ParsedWorkbook, cadres: dict[str, Cadre], summary,
          step: Callable[[], None]) -> None:
    """Replace the family and 简历 lists of the cadres the file lists, and add the new awards (after the cadres)."""
    for name, (model, fields) in LISTS.items():
        part = parsed.sheets.get(name)
        if part is None:
            continue
        stored = defaultdict(list)
        for record in session.scalars(select(model).order_by(model.position, model.id)):
            stored[record.cadre_id].append(record)
        for staff_no, rows in _by_cadre(part.rows).items():
            cadre_id = cadres[staff_no].id
            wanted = [{field: _value(field, row.values.get(field)) for field in fields} for row in rows]
            had = [{field: getattr(record, field) for field in fields} for record in stored[cadre_id]]
            changed = wanted != had
            if changed:
                for record in stored[cadre_id]:
                    session.delete(record)
                session.add_all(model(cadre_id=cadre_id, position=position, **values)
                                for position, values in enumerate(wanted, start=1))
            for _row in rows:
                summary.sheets[name].count(changed and not had, changed and bool(had))
                step()
    _add_awards(session, parsed, cadres, summary, step)


def _value(field: str, value):
    return value if value is not None or field not in BLANK_AS_EMPTY else ""


def _add_awards(session: Session, parsed: ParsedWorkbook, cadres: dict[str, Cadre], summary,
                step: Callable[[], None]) -> None:
    part = parsed.sheets.get(AWARDS.name)
    if part is None:
        return
    # Without the optional 授予单位 column a row is matched on the rest, and the stored value stays.
    fields = [name for name in ("awarded_on", "title", "granted_by") if name in part.fields]
    recorded = {(award.cadre_id, *(getattr(award, name) for name in fields))
                for award in session.scalars(select(Award))}
    for row in part.rows:
        values = {name: row.values.get(name) if name != "granted_by" else row.values.get(name) or ""
                  for name in fields}
        key = (cadres[row.values["staff_no"]].id, *values.values())
        created = key not in recorded
        if created:
            recorded.add(key)
            session.add(Award(cadre_id=key[0], **values))
        summary.sheets[AWARDS.name].count(created, False)
        step()


def export_rows(session: Session, staff_no: dict[int, str]) -> dict[str, list[dict]]:
    """The three sheets' rows as {field: value}: each cadre's lists in their order, awards by date."""
    rows = {}
    for name, (model, fields) in LISTS.items():
        records = session.scalars(select(model).order_by(model.position, model.id))
        rows[name] = sorted(({"staff_no": staff_no[record.cadre_id], "position": record.position,
                              **{field: getattr(record, field) for field in fields}} for record in records),
                            key=lambda row: (row["staff_no"], row["position"]))
    awards = [{"staff_no": staff_no[award.cadre_id], "awarded_on": award.awarded_on, "title": award.title,
               "granted_by": award.granted_by or None} for award in session.scalars(select(Award))]
    rows[AWARDS.name] = sorted(awards, key=lambda row: (row["staff_no"], row["awarded_on"], row["title"]))
    return rows
