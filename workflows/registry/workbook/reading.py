"""Reading a registry workbook (.xlsx) or cadre list (.csv): every cell parsed, every problem within the file found."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from functools import reduce
from pathlib import Path

from openpyxl import load_workbook

from workflows.registry.workbook import limits
from workflows.registry.workbook import unpacking
from workflows.registry.workbook.cells import BadCell
from workflows.registry.workbook.cells import cell_text
from workflows.registry.workbook.cells import csv_unescaped
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import GUIDE_SHEET
from workflows.registry.workbook.sheets import SANCTIONS
from workflows.registry.workbook.sheets import SECTIONS
from workflows.registry.workbook.sheets import SHEET_BY_NAME
from workflows.registry.workbook.sheets import SHEETS
from workflows.registry.workbook.sheets import CadreImportError
from workflows.registry.workbook.sheets import CellError
from workflows.registry.workbook.sheets import Sheet
from workflows.registry.workbook.sheets import refused
from workflows.rules.dates import add_years
from workflows.text import joined
from workflows.text import t


@dataclass
class ParsedRow:
    """One data row: its number as Excel shows it, and the parsed value of each column the file has."""

    number: int
    values: dict[str, object]
    bad: set[str] = field(default_factory=set)  # fields whose cell could not be read


@dataclass
class ParsedSheet:
    """A sheet of the file: which columns it has (an absent optional column leaves stored values alone)."""

    sheet: Sheet
    fields: frozenset[str]
    rows: list[ParsedRow]


@dataclass
class ParsedWorkbook:
    """What :func:`read_workbook` found: the known sheets, parsed, and every problem within the file."""

    filename: str
    sheets: dict[str, ParsedSheet]
    errors: list[CellError] = field(default_factory=list)

    def rows(self, sheet: Sheet) -> list[ParsedRow]:
        """The sheet's data rows; none when the file lacks the sheet."""
        parsed = self.sheets.get(sheet.name)
        return parsed.rows if parsed else []


def read_workbook(data: bytes, filename: str) -> ParsedWorkbook:
    """Parse an .xlsx workbook (the five sheets) or a .csv (the 干部 sheet only).

    Cell problems are collected in ``errors``, not raised, so that the import can add the database's and report
    all at once; a file that cannot be read at all raises :class:`CadreImportError`.
    """
    limits.check_size(data)
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        tables = {CADRES.name: _csv_table(data)}
    elif suffix in (".xlsx", ".xlsm"):
        tables = _xlsx_tables(data)
    else:
        raise refused(t("只能导入 .xlsx 或 .csv 文件，收到“{filename}”（.xls 请先在 Excel 中另存为 .xlsx）",
                        filename=filename))
    parsed = ParsedWorkbook(filename, {})
    for name, table in tables.items():
        if name in SHEET_BY_NAME:
            parsed.sheets[name] = _parse_sheet(SHEET_BY_NAME[name], table, parsed.errors)
        elif name != GUIDE_SHEET and any(_filled(row) for row in table):
            # A misnamed sheet would otherwise be skipped silently and its rows lost.
            parsed.errors.append(CellError(name, None, None, t("无法识别的工作表，工作表名称只能是：{names}",
                                                               names="、".join(sheet.name for sheet in SHEETS))))
    if not parsed.sheets:
        parsed.errors.append(CellError("", None, None, t("文件中没有可导入的工作表，应有：{names}",
                                                         names="、".join(sheet.name for sheet in SHEETS))))
    _check_within_file(parsed)
    return parsed


def _xlsx_tables(data: bytes) -> dict[str, list[tuple]]:
    unpacking.check_xlsx(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise unpacking.unreadable() from None
    try:
        limits.check_sheet_count(len(book.sheetnames))
        tables, count = {}, limits.CellCount()
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # files not saved by Excel may state too small a sheet size
            # Row by row, so that a limit stops the reading before the rows past it are unpacked.
            title = sheet.title.strip()
            tables[title] = list(limits.bounded(title, sheet.iter_rows(values_only=True), count))
        return tables
    except CadreImportError:
        raise
    except Exception:  # a sheet that is damaged past where openpyxl first looked
        raise unpacking.unreadable() from None
    finally:
        book.close()


def _csv_table(data: bytes) -> list[tuple]:
    # UTF-8 (with the BOM Excel writes, or without), else GB18030: what Excel saves as CSV on Chinese Windows.
    encodings = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = (tuple(map(csv_unescaped, row)) for row in reader)
        try:
            return list(limits.bounded(CADRES.name, rows, limits.CellCount()))
        except csv.Error as error:
            if str(error).startswith("field larger than field limit"):  # the csv module's own cap, past ours
                raise refused(t("单元格超过上限 {limit} 个字符", limit=limits.MAX_CELL_CHARS), CADRES.name,
                              reader.line_num) from None
            raise refused(t("CSV 文件格式有误：{error}", error=str(error)), CADRES.name, reader.line_num) from None
    raise refused(t("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”"))


def _filled(row: tuple) -> bool:
    return any(cell_text(cell) for cell in row)


def _parse_sheet(sheet: Sheet, table: list[tuple], errors: list[CellError]) -> ParsedSheet:
    header = [cell_text(cell) for cell in table[0]] if table else []
    known = {column.header: column for column in sheet.columns}
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        if not text:
            continue
        if text not in known:
            errors.append(CellError(sheet.name, 1, text, t("无法识别的列名，可用的列名见模板")))
        elif known[text].field in positions:
            errors.append(CellError(sheet.name, 1, text, t("列名重复")))
        else:
            positions[known[text].field] = index
    for column in sheet.columns:
        if column.required and column.field not in positions:
            errors.append(CellError(sheet.name, None, column.header, t("缺少必填列")))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if _filled(cells):
            rows.append(_parse_row(sheet, number, cells, positions, errors))
    return ParsedSheet(sheet, frozenset(positions), rows)


def _parse_row(sheet: Sheet, number: int, cells: tuple, positions: dict[str, int],
               errors: list[CellError]) -> ParsedRow:
    raw = {name: cells[index] if index < len(cells) else None for name, index in positions.items()}
    in_group = any(cell_text(raw[name]) for name in sheet.group if name in raw)
    row = ParsedRow(number, {})
    for column in sheet.columns:
        if column.field not in raw:
            continue
        try:
            value = column.parser.parse(raw[column.field])
        except BadCell as bad:
            errors.append(CellError(sheet.name, number, column.header, bad.args[0]))  # str(bad) would lose the template
            row.bad.add(column.field)
            value = None
        if value is None and column.required and column.field not in row.bad \
                and (column.field not in sheet.group or in_group):
            errors.append(CellError(sheet.name, number, column.header, t("必填，不能为空")))
            row.bad.add(column.field)
        row.values[column.field] = value
    return row


def _check_within_file(parsed: ParsedWorkbook) -> None:
    """Repeated keys and the checks across cells of one row."""
    for part in parsed.sheets.values():
        _check_repeats(part, parsed.errors)
    for row in parsed.rows(CADRES):
        values = row.values
        birth, start = values.get("birth_date"), values.get("start_date")
        if isinstance(birth, date) and isinstance(start, date) and start < _sixteenth_birthday(birth):
            parsed.errors.append(CellError(CADRES.name, row.number, CADRES.column("start_date").header,
                                           t("不能早于年满 16 周岁之日 {day}",
                                             day=_sixteenth_birthday(birth).isoformat())))
        _check_order(parsed, CADRES, row, "probation_start", "probation_end")
    for row in parsed.rows(SANCTIONS):
        _check_order(parsed, SANCTIONS, row, "decided_on", "impact_until")
    _check_unit_names(parsed)


def _check_repeats(part: ParsedSheet, errors: list[CellError]) -> None:
    sheet = part.sheet
    if not sheet.key:
        return
    seen: dict[tuple, list[int]] = defaultdict(list)
    for row in part.rows:
        if all(name in part.fields and name not in row.bad for name in sheet.key) \
                and row.values.get(sheet.key[0]) is not None:
            seen[tuple(row.values.get(name) for name in sheet.key)].append(row.number)
    what = reduce(lambda first, then: t("{first}与{then}", first=first, then=then),
                  [t("「{header}」", header=sheet.column(name).header) for name in sheet.key])
    for key, numbers in seen.items():
        if len(numbers) > 1:
            shown = joined((str(number) for number in numbers), "、")
            for number in numbers:
                errors.append(CellError(sheet.name, number, sheet.column(sheet.key[0]).header,
                                        t("{what}“{values}”在文件中重复（第 {rows} 行）", what=what,
                                          values=joined((_shown(value) for value in key), "、"), rows=shown)))


def _check_order(parsed: ParsedWorkbook, sheet: Sheet, row: ParsedRow, first: str, last: str) -> None:
    earlier, later = row.values.get(first), row.values.get(last)
    if isinstance(earlier, date) and isinstance(later, date) and later < earlier:
        parsed.errors.append(CellError(sheet.name, row.number, sheet.column(last).header,
                                       t("不能早于「{first}」{day}", first=sheet.column(first).header,
                                         day=earlier.isoformat())))


def _check_unit_names(parsed: ParsedWorkbook) -> None:
    # One unit, one name: two rows of the 科室 sheet must not rename the same unit differently.
    names: dict[str, tuple[str, int]] = {}
    for row in parsed.rows(SECTIONS):
        code, name = row.values.get("unit_code"), row.values.get("unit_name")
        if code is None or name is None:
            continue
        first = names.setdefault(code, (name, row.number))
        if first[0] != name:
            parsed.errors.append(CellError(SECTIONS.name, row.number, SECTIONS.column("unit_name").header,
                                           t("单位代码“{code}”在第 {row} 行的单位名称为“{name}”，两处应一致",
                                             code=code, row=first[1], name=first[0])))


def _sixteenth_birthday(birth: date) -> date:
    return add_years(birth, 16)  # 29 February births: 28 February, as the rules count ages


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
