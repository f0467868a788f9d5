"""Checking an .xlsx against the limits before openpyxl opens it: the zip's sizes, then each XML part, streamed.

openpyxl builds an element tree of each row, of each shared string and of whole parts such as the styles, so a
part of a few MB made of tiny elements becomes GBs of objects. expat reads each part a chunk at a time and builds
nothing: a file past a limit is refused having cost a few KB, wherever in the file the excess lies.
"""

import io
import posixpath
import zipfile
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.cell import coordinate_from_string

from workflows.registry.workbook import limits
from workflows.registry.workbook.sheets import refused
from workflows.text import t

CHUNK = 64 * 1024
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIP_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"


def unreadable():
    return refused(t("无法作为 .xlsx 文件读取，请在 Excel 中打开后另存为 .xlsx"))


def check_xlsx(data: bytes) -> None:
    """Refuse an .xlsx that is no zip, or past a limit, before anything in it is inflated beyond a chunk."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_sizes(members)
            # The workbook part first, for the sheets' names: the other parts' refusals name the sheet.
            names = {member.filename: member for member in members}
            book = [_scan(archive, names[name], name) for name in (WORKBOOK, WORKBOOK_RELS) if name in names]
            titles = _titles(*book) if len(book) == 2 else {}
            for member in members:
                if member.filename not in (WORKBOOK, WORKBOOK_RELS):
                    _scan_part(archive, member, titles.get(member.filename))
    # What zipfile and expat raise on a damaged, encrypted or foreign file.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, expat.ExpatError, ValueError, OSError, EOFError, RuntimeError,
            NotImplementedError):
        raise unreadable() from None


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    # The sizes the zip's directory states: reading a member stops there (and one holding more fails its CRC
    # check), so they bound what anything can unpack.
    if len(members) > limits.MAX_MEMBERS:
        raise refused(t("文件中有 {count} 个压缩部件，超过上限 {limit} 个，不是 Excel 保存的工作簿",
                        count=len(members), limit=limits.MAX_MEMBERS))
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.MAX_UNPACKED_BYTES:
        raise refused(t("文件解压后共 {size} MB，超过上限 {limit} MB，请分成几个文件导入",
                        size=round(unpacked / limits.MB, 1), limit=limits.MAX_UNPACKED_BYTES // limits.MB))
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > limits.RATIO_FROM and ratio > limits.MAX_RATIO:
            raise refused(t("文件中的“{member}”压缩了 {ratio} 倍，超过上限 {limit} 倍，不是 Excel 保存的工作簿",
                            member=member.filename, ratio=ratio, limit=limits.MAX_RATIO))


def _titles(book: "_Part", rels: "_Part") -> dict[str, str]:
    """{zip member: sheet name} from the workbook part and its relationships."""
    limits.check_sheet_count(len(book.sheets))
    targets = {key: target if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
               for key, target in rels.targets.items()}
    return {targets[key].lstrip("/"): name for name, key in book.sheets if key in targets}


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, title: str | None) -> None:
    try:
        _scan(archive, member, title or member.filename)
    except expat.ExpatError:
        # Excel's VML drawings (the shapes of cell comments) are not always well-formed XML; openpyxl reads none.
        if title or not member.filename.lower().endswith(".vml"):
            raise


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, title: str) -> "_Part":
    with archive.open(member) as source:
        chunk = source.read(CHUNK)
        part = _Part(title, member.filename)
        if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return part  # not XML (an image, printer settings): openpyxl does not parse it
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler, parser.EndElementHandler = part.start, part.end
        parser.StartDoctypeDeclHandler = part.doctype  # an .xlsx has no DTD: no entities to expand
        while chunk:
            parser.Parse(chunk, False)
            chunk = source.read(CHUNK)
        parser.Parse(b"", True)
    return part


class _Part:
    """Counts one XML part's elements as expat reports them: per row and shared string, and elsewhere."""

    def __init__(self, title: str, member: str):
        self.title, self.member = title, member
        self.kind = None  # the root element: worksheet, sst (the shared strings) or another part
        self.depth = self.item_depth = 0  # item_depth: the depth of the open row or shared string, 0 outside
        self.elements = self.item_elements = self.items = self.row = self.column = 0
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id) of the workbook part
        self.targets: dict[str, str] = {}  # relationship id: target, of a relationships part

    def doctype(self, *_args):
        raise unreadable()

    def start(self, name: str, attributes: dict) -> None:
        local = name.rpartition(" ")[2]
        self.depth += 1
        if self.kind is None:
            self.kind = local
        if self.item_depth:
            self.item_elements += 1
            if self.item_elements > limits.MAX_ITEM_ELEMENTS:
                raise self._too_complex()
            if local == "c" and self.kind == "worksheet":
                self._cell(attributes.get("r"))
        elif local == "row" and self.kind == "worksheet":
            self.row = _number(attributes.get("r"), self.row + 1)
            if self.row > limits.MAX_ROWS:
                raise limits.too_many_rows(self.title, self.row)
            self.item_depth, self.item_elements, self.column = self.depth, 0, 0
        elif local == "si" and self.kind == "sst":
            self.items += 1
            if self.items > limits.MAX_CELLS:
                raise limits.too_many_cells("", None)
            self.item_depth, self.item_elements = self.depth, 0
        else:
            self.elements += 1
            if self.elements > limits.MAX_PART_ELEMENTS:
                raise self._too_complex()
            if local == "sheet" and "name" in attributes:
                self.sheets.append((attributes["name"].strip(), attributes.get(RELATIONSHIP_ID, "")))
            elif local == "Relationship" and "Id" in attributes:
                self.targets[attributes["Id"]] = attributes.get("Target", "")

    def end(self, _name: str) -> None:
        if self.depth == self.item_depth:
            self.item_depth = 0
        self.depth -= 1

    def _cell(self, reference: str | None) -> None:
        # As openpyxl places cells: at the column the reference names, else next to the cell before.
        try:
            self.column = column_index_from_string(coordinate_from_string(reference)[0])
        except (TypeError, ValueError):
            self.column += 1
        if self.column > limits.MAX_COLUMNS:
            raise limits.too_many_columns(self.title, self.row, self.column)

    def _too_complex(self):
        if self.item_depth and self.kind == "worksheet":
            return refused(t("这一行的内容结构超过上限（{limit} 个 XML 元素），请在 Excel 中另存为 .xlsx 后再导入",
                             limit=limits.MAX_ITEM_ELEMENTS), self.title, self.row)
        return refused(t("文件中的“{member}”内容结构超过上限（{limit} 个 XML 元素），不是 Excel 保存的工作簿",
                         member=self.member,
                         limit=limits.MAX_ITEM_ELEMENTS if self.item_depth else limits.MAX_PART_ELEMENTS))


def _number(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
