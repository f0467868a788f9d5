"""Whether an upload's bytes are what its extension says: the signature of each allowed kind, plain text for .txt."""

import re

from workflows.text import Text
from workflows.text import t

# The first bytes of each kind of file the bureau files. OOXML (.docx, .xlsx) and OFD are zip packages;
# the old Office and WPS formats are OLE compound files.
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
              ".jpeg": (b"\xff\xd8\xff",), ".docx": (ZIP,), ".xlsx": (ZIP,), ".ofd": (ZIP,), ".doc": (OLE,),
              ".xls": (OLE,), ".wps": (OLE,)}
# What a browser sniffing a file would take for a page or a script (the WHATWG MIME Sniffing patterns for
# HTML and XML, and SVG), after leading white space: a tag name must end there (space, ">" or "/").
MARKUP = re.compile(r"\s*(?:<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p"
                    r"|svg|object|embed)(?=[\s>/])|<!--|<\?xml)", re.IGNORECASE)


def problem(name: str, suffix: str, data: bytes) -> Text | None:
    """Why ``data`` is not a ``suffix`` file (naming the file ``name``), or None when it is one."""
    if suffix == ".txt":
        return _text_problem(name, data)
    signatures = SIGNATURES.get(suffix)
    if signatures is not None and not data.startswith(signatures):
        return t("文件 {name} 的内容不是 {suffix} 格式，与扩展名不符", name=name, suffix=suffix)
    return None


def _text_problem(name: str, data: bytes) -> Text | None:
    text = _decoded(data)
    if text is None or "\0" in text:
        return t("文件 {name} 不是纯文本（须为 UTF-8 或 GB18030 编码）", name=name)
    if MARKUP.match(text.removeprefix("\ufeff")):
        return t("文件 {name} 的内容是网页或脚本，不能作为 .txt 上传", name=name)
    return None


def _decoded(data: bytes) -> str | None:
    """The text of ``data`` in UTF-8, else in GB18030 (what Chinese Windows saves); None if it is neither."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
