"""How large an imported registry file may be, and the refusals that name the limit passed and where.

Sized for a district bureau: a few thousand cadres with ten years of assessments. The demo registry's export
(84 cadres, 800 assessments) is 37 KB, 370 KB unpacked, 15 times compressed at most.
"""

from collections.abc import Iterable
from collections.abc import Iterator

from openpyxl.utils import get_column_letter

from workflows.registry.workbook.sheets import CadreImportError
from workflows.registry.workbook.sheets import refused
from workflows.text import t

MAX_FILE_BYTES = 5 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # an .xlsx's zip members together, as their headers state them inflated
MAX_RATIO = 100  # inflated / compressed, for a member of more than RATIO_FROM bytes; sheets compress 5 to 20 times
RATIO_FROM = 1024 * 1024
MAX_MEMBERS = 500  # zip members: a workbook of every sheet has about 20
MAX_SHEETS = 20  # the registry has 12, and the template a 填写说明 sheet
MAX_ROWS = 100_000  # per sheet, the header and empty rows included (as Excel numbers them)
MAX_COLUMNS = 64  # per row; the widest sheet (干部) has 44
MAX_CELLS = 1_000_000  # in the whole file (and shared strings): what bounds the memory the rows take
MAX_CELL_CHARS = 32_767  # Excel's own limit; each column's own length is checked when the cell is parsed
# XML elements openpyxl holds at once: one row (its cells, inline strings, formatting runs) or one shared string,
# and any other part (styles, the workbook, a sheet outside its rows). Excel's own files stay far below.
MAX_ITEM_ELEMENTS = 1_000
MAX_PART_ELEMENTS = 100_000
MB = 1024 * 1024
LAST_COLUMN = 18_278  # XFD is Excel's last column; ZZZ the last one a column letter can name


def check_size(data: bytes) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES`."""
    if len(data) > MAX_FILE_BYTES:
        raise refused(t("文件大小为 {size} MB，超过上限 {limit} MB，请分成几个文件导入",
                        size=round(len(data) / MB, 1), limit=MAX_FILE_BYTES // MB))


def check_sheet_count(count: int) -> None:
    """Refuse a workbook of more than :data:`MAX_SHEETS` sheets."""
    if count > MAX_SHEETS:
        raise refused(t("文件中有 {count} 个工作表，超过上限 {limit} 个", count=count, limit=MAX_SHEETS))


def too_many_rows(sheet: str, row: int) -> CadreImportError:
    return refused(t("超过行数上限：每个工作表最多 {limit} 行（含列名行和空行）", limit=MAX_ROWS), sheet, row)


def too_many_columns(sheet: str, row: int, column: int) -> CadreImportError:
    return refused(t("超过列数上限：每行最多 {limit} 列（到 {last} 列）", limit=MAX_COLUMNS,
                     last=get_column_letter(MAX_COLUMNS)), sheet, row, get_column_letter(min(column, LAST_COLUMN)))


def too_many_cells(sheet: str, row: int | None) -> CadreImportError:
    return refused(t("超过单元格数上限：整个文件最多 {limit} 个单元格，请分成几个文件导入", limit=MAX_CELLS),
                   sheet, row)


class CellCount:
    """The cells read so far in the whole file, against :data:`MAX_CELLS`."""

    def __init__(self):
        self.cells = 0


def bounded(sheet: str, rows: Iterable, count: CellCount) -> Iterator[tuple]:
    """``rows`` of ``sheet`` one by one, refused at the first row, column or cell past a limit."""
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise too_many_rows(sheet, number)
        if len(row) > MAX_COLUMNS:
            raise too_many_columns(sheet, number, len(row))
        count.cells += len(row)
        if count.cells > MAX_CELLS:
            raise too_many_cells(sheet, number)
        for index, value in enumerate(row, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise refused(t("单元格有 {count} 个字符，超过上限 {limit} 个字符", count=len(value),
                                limit=MAX_CELL_CHARS), sheet, number, get_column_letter(index))
        yield tuple(row)
