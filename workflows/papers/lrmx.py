"""The .lrmx exchange file (任免审批表 3.x, papers.md §2): an :class:`ApprovalForm` written as XML and read back.

Untrusted files are parsed as the BPMN files are: a size cap, no DOCTYPE or entity, no network, no huge trees.
Every bad element is named with the file, in Chinese; a file that any element fails yields no form at all.
"""

import base64
import binascii
import copy
import re
import textwrap

from lxml import etree

from workflows.errors import InvalidData
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_form import FamilyRow
from workflows.papers.approval_form import ResumeLine
from workflows.registry import identity_no
from workflows.text import joined
from workflows.text import t

MAX_FILE_BYTES = 5 * 1024 * 1024  # a form with a 2-inch photo is far below: a larger file is not a form
VERSION = "3.2.1.16"
FAMILY_ITEMS = 10  # the 任免审批表 software pads the family table to ten rows
# The file's elements in the format's order: (element, form attribute, kind of text).
ELEMENTS = (
    ("XingMing", "name", "text"), ("XingBie", "gender", "gender"), ("ChuShengNianYue", "birth", "month"),
    ("MinZu", "ethnicity", "text"), ("JiGuan", "native_place", "text"), ("ChuShengDi", "birthplace", "text"),
    ("RuDangShiJian", "party_join", "month_or_text"), ("CanJiaGongZuoShiJian", "work_start", "month"),
    ("JianKangZhuangKuang", "health", "text"), ("ZhuanYeJiShuZhiWu", "professional_title", "text"),
    ("ShuXiZhuanYeYouHeZhuanChang", "expertise", "text"),
    ("QuanRiZhiJiaoYu_XueLi", "ft_education", "text"), ("QuanRiZhiJiaoYu_XueWei", "ft_degree", "text"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ft_school", "text"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ft_degree_school", "text"),
    ("ZaiZhiJiaoYu_XueLi", "pt_education", "text"), ("ZaiZhiJiaoYu_XueWei", "pt_degree", "text"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "pt_school", "text"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "pt_degree_school", "text"),
    ("XianRenZhiWu", "current_post", "text"), ("NiRenZhiWu", "proposed_post", "text"),
    ("NiMianZhiWu", "removed_post", "text"), ("JianLi", "resume", "resume"),
    ("JiangChengQingKuang", "rewards", "text"), ("NianDuKaoHeJieGuo", "assessments", "text"),
    ("RenMianLiYou", "reason", "text"), ("JiaTingChengYuan", "family", "family"),
    ("ChengBaoDanWei", "reporting_unit", "text"), ("JiSuanNianLingShiJian", "age_at", "month"),
    ("TianBiaoShiJian", "filled_on", "month"), ("TianBiaoRen", "filled_by", "text"),
    ("ShenFenZheng", "identity_no", "identity"), ("ZhaoPian", "photo", "photo"), ("Version", None, "version"),
)
KNOWN = {element for element, _attribute, _kind in ELEMENTS}
FAMILY_FIELDS = (("ChengWei", "relation"), ("XingMing", "name"), ("ChuShengRiQi", "birth"),
                 ("ZhengZhiMianMao", "political_status"), ("GongZuoDanWeiJiZhiWu", "work_unit_post"))
# NianLing (the age) is derived from ChuShengNianYue and JiSuanNianLingShiJian: a copy kept would go stale.
DERIVED = {"NianLing"}
IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_MONTH = re.compile(r"^(\d{4})[.\-/年]?(\d{1,2})(?:[.\-/月]?(\d{1,2})日?)?月?$")
_FORM_MONTH = re.compile(r"^(\d{4})\.(\d{2})$")
_PERIOD = re.compile(r"^\s*(\d{4})[.．](\d{1,2})\s*(?:-{1,2}|—{1,2}|－{1,2}|～|~|至)\s*(?:(\d{4})[.．](\d{1,2}))?(.*)$")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # refused by XML 1.0


def parse(data: bytes, file_name: str) -> etree._Element:
    """The root of untrusted XML; :class:`InvalidData` names the file and what is wrong with it."""
    if len(data) > MAX_FILE_BYTES:
        _refuse("file", t("{file}：文件过大（{size} 字节，上限 {limit} 字节）", file=file_name, size=len(data),
                          limit=MAX_FILE_BYTES))
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        _refuse("DOCTYPE", t("{file}：不允许 DOCTYPE 或实体声明（DTD/ENTITY）", file=file_name))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        _refuse("file", t("{file}：XML 格式错误（第 {line} 行）：{error}", file=file_name, line=error.lineno,
                          error=error.msg))
    # An encoding the byte check cannot read (UTF-16) still shows its DOCTYPE here.
    if root.getroottree().docinfo.doctype:
        _refuse("DOCTYPE", t("{file}：不允许 DOCTYPE 或实体声明（DTD/ENTITY）", file=file_name))
    return root


def _refuse(key: str, message: str):
    raise InvalidData(message, {key: message})


def write(form: ApprovalForm) -> bytes:
    """The form as an .lrmx file (UTF-8 XML, root ``Person``, the elements in the format's order)."""
    root = etree.Element("Person")
    for element, attribute, kind in ELEMENTS:
        node = etree.SubElement(root, element)
        if kind != "family":
            node.text = ""  # written <X></X>: some readers take <X/> for a missing element
        if kind == "resume":
            node.text = _clean("\r\n".join(_period_line(line) for line in form.resume))
        elif kind == "family":
            rows = list(form.family) + [None] * (FAMILY_ITEMS - len(form.family))
            for row in rows:
                item = etree.SubElement(node, "Item")
                for tag, field in FAMILY_FIELDS:
                    value = getattr(row, field) if row else ""
                    etree.SubElement(item, tag).text = _clean(_month_out(value) if tag == "ChuShengRiQi" else value)
        elif kind == "photo":
            node.text = base64.b64encode(form.photo).decode("ascii") if form.photo else ""
        elif kind == "version":
            node.text = VERSION
        elif kind in ("month", "month_or_text"):
            node.text = _clean(_month_out(getattr(form, attribute)))
        else:
            node.text = _clean(getattr(form, attribute) or "")
    for tag, value in form.extra.items():
        if isinstance(value, dict):  # an element with children, kept as the XML it came in
            root.append(parse(value["xml"].encode("utf-8"), tag))
        else:
            etree.SubElement(root, tag).text = _clean(str(value))
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def _month_out(value: str) -> str:
    """ "1985.06" as the file writes it ("198506"); a text (群众) as it is."""
    match = _FORM_MONTH.match(value or "")
    return match[1] + match[2] if match else (value or "")


def _period_line(line: ResumeLine) -> str:
    text = re.sub(r"[\r\n]+", " ", line.text)
    return f"{line.start}--{line.end or ' ' * 7}  {text}"


def month(text: str) -> str | None:
    """ "YYYY.MM" of a file's month (yyyyMM, yyyyMMdd, 1985.06, 1985-06-12 …); None when it is no month."""
    match = _MONTH.match(text.strip())
    if not match:
        return None
    year, month_, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if not (1 <= month_ <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}.{month_:02d}"


def read(data: bytes, file_name: str) -> ApprovalForm:
    """The form an .lrmx file holds; :class:`InvalidData` lists every bad element (keyed by its name)."""
    root = parse(data, file_name)
    if etree.QName(root).localname != "Person":
        _refuse("Person", t("{file}：根元素应为 <Person>，而不是 <{root}>", file=file_name,
                            root=etree.QName(root).localname))
    reader = _Reader(file_name)
    kinds = {element: (attribute, kind) for element, attribute, kind in ELEMENTS}
    seen: set[str] = set()
    for node in root:
        if not isinstance(node.tag, str):
            continue
        tag = etree.QName(node).localname
        if tag in seen and (tag in KNOWN or tag in reader.extra):
            reader.error(tag, t("{file}：元素 <{element}> 出现了不止一次", file=file_name, element=tag))
            continue
        seen.add(tag)
        if tag in DERIVED:
            continue
        if tag not in KNOWN:
            reader.keep_unknown(tag, node)
            continue
        attribute, kind = kinds[tag]
        if kind == "family":
            reader.values["family"] = reader.family(node)
            continue
        if len(node):
            reader.error(tag, t("{file}：元素 <{element}> 应只含文字，不能含子元素", file=file_name, element=tag))
            continue
        reader.value(tag, attribute, kind, node.text or "")
    if reader.errors:
        raise InvalidData(joined(reader.errors.values()), reader.errors)
    values = reader.values
    return ApprovalForm(**{attribute: values.get(attribute, "") for _e, attribute, kind in ELEMENTS
                           if attribute and kind not in ("resume", "family", "photo")},
                        resume=values.get("resume", ()), family=values.get("family", ()),
                        photo=values.get("photo"), photo_type=values.get("photo_type", ""), extra=reader.extra)


class _Reader:
    """The values of one file as they are read, and the errors found so far."""

    def __init__(self, file_name: str):
        self.file, self.values, self.extra, self.errors = file_name, {}, {}, {}

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def bad_month(self, key: str, element: str, value: str) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        self.error(key, t("{file}：元素 <{element}> 的值「{value}」不是年月（yyyyMM）", file=self.file,
                          element=element, value=shown))

    def keep_unknown(self, tag: str, node) -> None:
        if len(node):
            # Without the indentation, so that a file written again and read back keeps the same value.
            kept = copy.deepcopy(node)
            for element in kept.iter():
                element.text = element.text if (element.text or "").strip() else None
                element.tail = element.tail if (element.tail or "").strip() else None
            self.extra[tag] = {"xml": etree.tostring(kept, encoding="unicode", with_tail=False)}
        else:
            self.extra[tag] = node.text or ""

    def value(self, tag: str, attribute: str, kind: str, text: str) -> None:
        value = text.strip()
        if kind == "resume":
            self.values["resume"] = self.resume(text)
        elif kind == "version":
            return
        elif kind == "gender":
            if value not in ("", "男", "女"):
                self.error(tag, t("{file}：元素 <{element}> 的值「{value}」应为“男”或“女”", file=self.file,
                                  element=tag, value=value[:40]))
            self.values[attribute] = value
        elif kind == "month" or (kind == "month_or_text" and value[:4].isdigit()):
            if value and month(value) is None:
                self.bad_month(tag, tag, value)
            self.values[attribute] = (month(value) or "") if value else ""
        elif kind == "identity":
            number = identity_no.normalised(value)
            problem = identity_no.problem(number) if number else None
            if problem:
                self.error(tag, t("{file}：元素 <{element}> 的值「{value}」有误：{problem}", file=self.file,
                                  element=tag, value=value[:40], problem=problem))
            self.values[attribute] = number
        elif kind == "photo":
            self.photo(tag, "".join(text.split()))
        else:
            self.values[attribute] = value

    def photo(self, tag: str, text: str) -> None:
        if not text:
            return
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            content = b""
        media_type = next((kind for magic, kind in IMAGE_TYPES if content.startswith(magic)), None)
        if media_type is None:
            self.error(tag, t("{file}：元素 <{element}> 不是 JPEG 或 PNG 图片的 base64 编码", file=self.file,
                              element=tag))
            return
        self.values["photo"], self.values["photo_type"] = content, media_type

    def resume(self, text: str) -> tuple[ResumeLine, ...]:
        lines: list[ResumeLine] = []
        # A writer that indents the whole element: only a line indented more than the others continues one.
        for number, raw in enumerate(textwrap.dedent(text).splitlines(), start=1):
            if not raw.strip():
                continue
            match = None if raw[0].isspace() else _PERIOD.match(raw)
            if match is None:
                if raw[0].isspace() and lines:  # the form wraps a long text onto an indented line
                    last = lines.pop()
                    lines.append(ResumeLine(last.start, last.end, last.text + raw.strip()))
                else:
                    self.error("JianLi", t("{file}：元素 <JianLi> 第 {line} 行没有起止年月（应为 YYYY.MM--YYYY.MM）："
                                           "「{text}」", file=self.file, line=number, text=raw.strip()[:40]))
                continue
            start, end = month(f"{match[1]}{int(match[2]):02d}"), match[3] and month(f"{match[3]}{int(match[4]):02d}")
            if start is None or (match[3] and end is None):
                self.error("JianLi", t("{file}：元素 <JianLi> 第 {line} 行的年月有误：「{text}」", file=self.file,
                                       line=number, text=raw.strip()[:40]))
                continue
            lines.append(ResumeLine(start, end or "", match[5].strip()))
        return tuple(lines)

    def family(self, node) -> tuple[FamilyRow, ...]:
        rows = []
        items = [item for item in node if isinstance(item.tag, str) and etree.QName(item).localname == "Item"]
        for number, item in enumerate(items, start=1):
            fields = {etree.QName(child).localname: (child.text or "").strip() for child in item
                      if isinstance(child.tag, str)}
            values = {field: fields.get(tag, "") for tag, field in FAMILY_FIELDS}
            if not any(values.values()):
                continue  # the padding of the ten-row table
            birth = values["birth"]
            if birth and month(birth) is None:
                where = f"JiaTingChengYuan/Item[{number}]/ChuShengRiQi"
                self.bad_month(where, where, birth)
            values["birth"] = (month(birth) or "") if birth else ""
            rows.append(FamilyRow(**values))
        return tuple(rows)
