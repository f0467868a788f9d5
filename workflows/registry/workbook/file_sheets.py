"""The registry workbook's 谈心谈话, 备案 and 请假 sheets: checked against the file and the registry, written, exported.

Talks and filings have no natural key: a row is added unless an identical one is recorded (as for 处分), so a
re-import of an export changes nothing. A leave period is known by its cadre and its first and last day: the
row corrects its kind and note; periods of one cadre must not overlap, in the file or with the registry.
"""

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import TalkRecord
from workflows.registry.cadre_file_codes import LEAVE_KIND
from workflows.registry.workbook.reading import ParsedWorkbook
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import FILE_SHEETS
from workflows.registry.workbook.sheets import FILINGS
from workflows.registry.workbook.sheets import LEAVES
from workflows.registry.workbook.sheets import TALKS
from workflows.registry.workbook.sheets import CellError
from workflows.registry.workbook.sheets import Sheet
from workflows.text import t

MODELS: dict[str, type] = {TALKS.name: TalkRecord, FILINGS.name: Filing, LEAVES.name: LeavePeriod}


def check(session: Session, parsed: ParsedWorkbook, stored: dict[str, Cadre]) -> list[CellError]:
    """Every problem of the three sheets against the file's 干部 sheet and the registry."""
    return unknown_cadres(parsed, stored, FILE_SHEETS) + _leave_errors(session, parsed)


def unknown_cadres(parsed: ParsedWorkbook, stored: dict[str, Cadre], sheets) -> list[CellError]:
    """Rows of ``sheets`` naming a cadre neither the file's 干部 sheet nor the registry holds."""
    errors: list[CellError] = []
    staff = set(stored) | {row.values.get("staff_no") for row in parsed.rows(CADRES)}
    for sheet in sheets:
        header = sheet.column("staff_no").header
        for row in parsed.rows(sheet):
            value = row.values.get("staff_no")
            if value is not None and value not in staff:
                errors.append(CellError(sheet.name, row.number, header,
                                        t("{header}“{value}”不存在：文件的{sheet}表和系统中都没有",
                                          header=header, value=value, sheet=CADRES.name)))
    return errors


def _leave_errors(session: Session, parsed: ParsedWorkbook) -> list[CellError]:
    errors, start_header, end_header = [], LEAVES.column("start_date").header, LEAVES.column("end_date").header
    rows = []
    for row in parsed.rows(LEAVES):
        staff_no, start, end = (row.values.get(name) for name in ("staff_no", "start_date", "end_date"))
        if staff_no is None or start is None or end is None:
            continue  # a missing cell is reported already
        if end < start:
            errors.append(CellError(LEAVES.name, row.number, end_header,
                                    t("不能早于「{first}」{day}", first=start_header, day=start.isoformat())))
        else:
            rows.append((row.number, staff_no, start, end))
    recorded = defaultdict(list)
    # By start: a row over two recorded leaves names the earlier, not whichever the table holds first.
    for leave, staff_no in session.execute(select(LeavePeriod, Cadre.staff_no).join(Cadre)
                                           .order_by(LeavePeriod.start_date, LeavePeriod.id)):
        recorded[staff_no].append(leave)
    # One person is on one leave at a time: an overlap would count the same days twice.
    for number, staff_no, start, end in rows:
        earlier = next((other for other in rows if other[0] < number and other[1] == staff_no
                        and other[2] <= end and other[3] >= start), None)
        if earlier is not None:
            errors.append(CellError(LEAVES.name, number, start_header, (
                t("与第 {row} 行的请假期间 {start} 至 {end} 重叠", row=earlier[0], start=earlier[2].isoformat(),
                  end=earlier[3].isoformat()))))
            continue
        stored = next((leave for leave in recorded[staff_no] if leave.start_date <= end and leave.end_date >= start
                       and (leave.start_date, leave.end_date) != (start, end)), None)
        if stored is not None:
            errors.append(CellError(LEAVES.name, number, start_header, (
                t("与已登记的{kind} {start} 至 {end} 重叠（同一期间请写相同的起始和结束日期以更正）",
                  kind=LEAVE_KIND.get(stored.kind, stored.kind), start=stored.start_date.isoformat(),
                  end=stored.end_date.isoformat()))))
    return errors


def write(session: Session, parsed: ParsedWorkbook, cadres: dict[str, Cadre], summary,
          step: Callable[[], None]) -> None:
    """Add the talks and filings not yet recorded, and add or correct the leave periods (after the cadres)."""
    for sheet in (TALKS, FILINGS):
        _add_new(session, parsed, sheet, cadres, summary, step)
    _write_leaves(session, parsed, cadres, summary, step)


def _add_new(session: Session, parsed: ParsedWorkbook, sheet: Sheet, cadres: dict[str, Cadre], summary,
             step: Callable[[], None]) -> None:
    part = parsed.sheets.get(sheet.name)
    if part is None:
        return
    model = MODELS[sheet.name]
    # Without an optional column (文号) a row is matched on the rest, and the stored value stays.
    fields = [column.field for column in sheet.columns if column.field != "staff_no" and column.field in part.fields]
    recorded = {(row.cadre_id, *(getattr(row, name) for name in fields)) for row in session.scalars(select(model))}
    for row in part.rows:
        values = {name: row.values.get(name) for name in fields}
        key = (cadres[row.values["staff_no"]].id, *values.values())
        created = key not in recorded
        if created:
            recorded.add(key)
            session.add(model(cadre_id=key[0], **values))
        summary.sheets[sheet.name].count(created, False)
        step()


def _write_leaves(session: Session, parsed: ParsedWorkbook, cadres: dict[str, Cadre], summary,
                  step: Callable[[], None]) -> None:
    part = parsed.sheets.get(LEAVES.name)
    if part is None:
        return
    recorded = {(leave.cadre_id, leave.start_date, leave.end_date): leave
                for leave in session.scalars(select(LeavePeriod))}
    details = [name for name in ("kind", "note") if name in part.fields]
    for row in part.rows:
        key = (cadres[row.values["staff_no"]].id, row.values["start_date"], row.values["end_date"])
        values = {name: row.values.get(name) or ("" if name == "note" else None) for name in details}
        leave = recorded.get(key)
        created = leave is None
        if created:
            leave = recorded[key] = LeavePeriod(cadre_id=key[0], start_date=key[1], end_date=key[2], note="")
            session.add(leave)
        changed = False
        for name, value in values.items():
            if getattr(leave, name) != value:
                setattr(leave, name, value)
                changed = True
        summary.sheets[LEAVES.name].count(created, changed)
        step()


def export_rows(session: Session, staff_no: dict[int, str]) -> dict[str, list[dict]]:
    """The three sheets' rows as {field: value}, sorted in Python so both databases give the same order."""
    rows = {}
    for sheet in FILE_SHEETS:
        fields = [column.field for column in sheet.columns if column.field != "staff_no"]
        found = [{"staff_no": staff_no[record.cadre_id], **{name: getattr(record, name) for name in fields}}
                 for record in session.scalars(select(MODELS[sheet.name]).order_by(MODELS[sheet.name].id))]
        rows[sheet.name] = sorted(found, key=lambda row, fields=fields: (
            row["staff_no"], *(("" if row[name] is None else str(row[name])) for name in fields)))
    return rows
