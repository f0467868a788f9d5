"""Registry imports are bounded: a zip bomb or an oversized file is refused fast, in little memory, naming the limit."""

import io
import resource
import tracemalloc
import zipfile
from time import perf_counter

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from tests.webapp.conftest import app  # noqa: F401 - the fixture
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows.registry.workbook import limits
from workflows.registry.workbook.reading import CadreImportError
from workflows.registry.workbook.reading import read_workbook

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>' \
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def xlsx(*names: str) -> bytes:
    """A workbook of empty sheets named ``names`` (the first one is ``SHEET``)."""
    book = Workbook()
    book.active.title = names[0]
    for name in names[1:]:
        book.create_sheet(name)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(rows, *, megabytes: int = 0, level: int = 1, names: tuple = ("干部",), head: bytes = HEAD,
               after: bytes = b"", parts: dict | None = None) -> bytes:
    """A valid .xlsx whose first sheet holds ``rows`` (XML), then ``megabytes`` MB of one-cell rows, then ``after``
    (past the rows); with ``parts`` ({name: XML}) added.

    The sheet is written to the zip as it is made, a megabyte at a time, so the test holds only the compressed file.
    """
    out, chunk = io.BytesIO(), ROW * (MB // len(ROW))
    with zipfile.ZipFile(io.BytesIO(xlsx(*names))) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for member in source.infolist():
            if member.filename != SHEET:
                target.writestr(member, source.read(member))
                continue
            with target.open(SHEET, "w") as sheet:  # under 2 GB: no zip64 fields, sizes stated plainly
                sheet.write(head + b"".join(rows))
                for _ in range(megabytes):
                    sheet.write(chunk)
                sheet.write(b"</sheetData>" + after + b"</worksheet>")
        for name, xml in (parts or {}).items():
            target.writestr(name, xml)
    return out.getvalue()


def text(value: str, row: int, column: str) -> bytes:
    return f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()


def refusal(data: bytes, filename: str) -> list[str]:
    with pytest.raises(CadreImportError) as raised:
        read_workbook(data, filename)
    return [str(error) for error in raised.value.cell_errors]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = with_sheet([], megabytes=256)  # inflates to 256 MB: 5 million rows of one cell
    assert len(bomb) < limits.MAX_FILE_BYTES
    tracemalloc.start()
    started = perf_counter()
    try:
        refused = refusal(bomb, "bomb.xlsx")
        elapsed, (_, peak) = perf_counter() - started, tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(refused) == 1 and refused[0].startswith("文件解压后共 256.0 MB，超过上限 64 MB")
    print(f"\n{len(bomb) // 1024} KB zip bomb refused in {elapsed * 1000:.1f} ms; traced peak {peak / MB:.2f} MB; "
          f"process maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    assert elapsed < 2 and peak < 50 * MB


def test_a_member_compressed_past_the_ratio_is_refused():
    dense = with_sheet([], megabytes=32, level=9)
    assert len(dense) < 32 * MB // limits.MAX_RATIO
    assert refusal(dense, "dense.xlsx")[0].startswith(f"文件中的“{SHEET}”压缩了 ")
    assert refusal(dense, "dense.xlsx")[0].endswith(f"倍，超过上限 {limits.MAX_RATIO} 倍，不是 Excel 保存的工作簿")


def understated(data: bytes, size: int) -> bytes:
    """``data`` with the zip's directory stating ``size`` bytes for the sheet, far less than it inflates to."""
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + len(SHEET)] != SHEET.encode():  # each directory entry, to the sheet's
        entry = data.index(b"PK\x01\x02", entry + 4)
    return data[:entry + 24] + size.to_bytes(4, "little") + data[entry + 28:]


def test_a_zip_that_understates_a_sheet_stops_at_the_stated_size():
    real = with_sheet([], megabytes=48, level=6)
    lying = understated(real, MB)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo(SHEET).file_size == MB
    tracemalloc.start()
    try:
        assert refusal(lying, "lying.xlsx") == ["无法作为 .xlsx 文件读取，请在 Excel 中打开后另存为 .xlsx"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MB


def test_too_many_sheets_rows_columns_or_characters_are_refused_where_they_are():
    sheets = xlsx(*(f"表{number}" for number in range(limits.MAX_SHEETS + 1)))
    assert refusal(sheets, "sheets.xlsx") == [f"文件中有 {limits.MAX_SHEETS + 1} 个工作表，超过上限 20 个"]
    # An empty row counts: a row numbered far down would otherwise be reached through millions of empty ones.
    rows = with_sheet([text("干部编号", 1, "A"), text("QP0001", limits.MAX_ROWS + 1, "A")])
    assert refusal(rows, "rows.xlsx") == [
        f"干部表第 {limits.MAX_ROWS + 1} 行：超过行数上限：每个工作表最多 100000 行（含列名行和空行）"]
    columns = with_sheet([text("干部编号", 1, "A"), text("x", 2, "BM")])
    assert refusal(columns, "columns.xlsx") == ["干部表第 2 行「BM」：超过列数上限：每行最多 64 列（到 BL 列）"]
    long = with_sheet([text("干部编号", 1, "A"), text("长" * (limits.MAX_CELL_CHARS + 1), 2, "C")])
    assert refusal(long, "long.xlsx") == ["干部表第 2 行「C」：单元格有 32768 个字符，超过上限 32767 个字符"]


def test_the_cells_of_the_whole_file_are_counted(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 5)
    data = with_sheet([text("干部编号", 1, "A"), text("x", 2, "C"), text("y", 3, "C")])
    assert refusal(data, "cells.xlsx") == [
        "干部表第 3 行：超过单元格数上限：整个文件最多 5 个单元格，请分成几个文件导入"]


def test_a_part_openpyxl_would_build_whole_is_refused_unbuilt():
    merged = b"<mergeCells>" + b"".join(b'<mergeCell ref="A%d:B%d"/>' % (row, row)
                                        for row in range(1, limits.MAX_PART_ELEMENTS + 2)) + b"</mergeCells>"
    data = with_sheet([text("干部编号", 1, "A")], after=merged)
    tracemalloc.start()
    try:
        refused = refusal(data, "merged.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused == [f"文件中的“{SHEET}”内容结构超过上限（100000 个 XML 元素），不是 Excel 保存的工作簿"]
    assert peak < 5 * MB


def test_a_row_or_a_shared_string_of_too_many_elements_is_refused(monkeypatch):
    runs = b"".join(b"<r><t>x</t></r>" for _ in range(limits.MAX_ITEM_ELEMENTS))
    rich = with_sheet([text("干部编号", 1, "A"),
                       b'<row r="2"><c r="A2" t="inlineStr"><is>' + runs + b"</is></c></row>"])
    assert refusal(rich, "rich.xlsx") == [
        "干部表第 2 行：这一行的内容结构超过上限（1000 个 XML 元素），请在 Excel 中另存为 .xlsx 后再导入"]
    same_cell = with_sheet([text("干部编号", 1, "A"), b'<row r="2">' + b'<c r="A2"/>' * 2000 + b"</row>"])
    assert refusal(same_cell, "same.xlsx")[0].startswith("干部表第 2 行：这一行的内容结构超过上限")
    monkeypatch.setattr(limits, "MAX_CELLS", 3)
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + \
        b"<si><t>x</t></si>" * 4 + b"</sst>"
    assert refusal(with_sheet([], parts={"xl/sharedStrings.xml": strings}), "strings.xlsx") == [
        "超过单元格数上限：整个文件最多 3 个单元格，请分成几个文件导入"]


def test_a_part_declaring_entities_is_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' \
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    data = with_sheet([b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'], head=laughs)
    assert refusal(data, "laughs.xlsx") == ["无法作为 .xlsx 文件读取，请在 Excel 中打开后另存为 .xlsx"]


@pytest.mark.parametrize("data", [b"PK\x03\x04" + b"\0" * 100, xlsx("干部")[:2000], b"\0" * 1000],
                         ids=["zip-header-only", "truncated", "no-zip"])
def test_a_damaged_zip_is_refused(data):
    assert refusal(data, "damaged.xlsx") == ["无法作为 .xlsx 文件读取，请在 Excel 中打开后另存为 .xlsx"]


def test_csv_limits():
    header = "干部编号,姓名\r\n"
    too_big = (header + "x" * limits.MAX_FILE_BYTES).encode()
    assert refusal(too_big, "big.csv") == ["文件大小为 5.0 MB，超过上限 5 MB，请分成几个文件导入"]
    rows = (header + "\r\n" * limits.MAX_ROWS).encode()
    assert refusal(rows, "rows.csv") == ["干部表第 100001 行：超过行数上限：每个工作表最多 100000 行（含列名行和空行）"]
    columns = (header + "," * limits.MAX_COLUMNS + "\r\n").encode()
    assert refusal(columns, "columns.csv") == ["干部表第 2 行「BM」：超过列数上限：每行最多 64 列（到 BL 列）"]
    long = (header + "QP1," + "长" * (limits.MAX_CELL_CHARS + 1) + "\r\n").encode()
    assert refusal(long, "long.csv") == ["干部表第 2 行「B」：单元格有 32768 个字符，超过上限 32767 个字符"]
    longer = (header + "QP1,\"" + "长" * 200_000 + "\"\r\n").encode()  # past the csv module's own limit
    assert refusal(longer, "longer.csv") == ["干部表第 2 行：单元格超过上限 32767 个字符"]


@pytest.fixture
def site(app, clock):  # noqa: F811
    return registry_site(app, clock)


def test_the_import_page_refuses_a_bomb_and_a_wide_csv_and_saves_nothing(site):
    client = signed_in(site, "wangmin")
    with site.extensions["cadreflow.sessions"]() as session:
        before = session.scalar(select(func.count()).select_from(Cadre))
    csv = ("干部编号" + "," * limits.MAX_COLUMNS + "\r\n").encode("utf-8-sig")  # 65 columns
    for data, name, message in ((with_sheet([], megabytes=128), "bomb.xlsx", "文件解压后共 128.0 MB，超过上限 64 MB"),
                                (csv, "wide.csv", "干部表第 1 行「BM」：超过列数上限")):
        response = client.post("/registry/import", data={"file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    with site.extensions["cadreflow.sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Cadre)) == before
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.type == "registry.imported")) == 0
