"""The Chinese font the PDF papers embed: a TrueType 宋体-style face found on the system or named in the settings.

reportlab embeds (and subsets) TrueType outlines only, so the font must be a .ttf/.ttc with glyf outlines (AR PL
UMing, AR PL SungtiL GB, WenQuanYi); the Noto/Source Han OpenType files (CFF outlines) cannot be embedded.
``make demo`` and ``make test`` install AR PL UMing on Debian; elsewhere ``CADREFLOW_PAPER_FONT`` names the file.
"""

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from workflows.errors import Unavailable
from workflows.text import t

FONT_NAME = "PaperSong"
# In order of preference: a Song (明体) face first, the form's standard; a sans face last.
CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
SETTING = "CADREFLOW_PAPER_FONT"


def font_path() -> Path:
    """The font file to embed: the setting's, else the first candidate present; InvalidData when there is none."""
    named = os.environ.get(SETTING)
    if named:
        path = Path(named)
        if not path.is_file():
            raise Unavailable(t("设置 {setting} 指向的字体文件不存在：{path}", setting=SETTING, path=named))
        return path
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise Unavailable(t("未找到可嵌入 PDF 的中文 TrueType 字体：请安装 fonts-arphic-uming，"
                        "或以设置 {setting} 指定字体文件", setting=SETTING))


@cache
def _registered(path: str) -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def pdf_font() -> str:
    """The reportlab name of the embedded Chinese font, registered on first use."""
    return _registered(str(font_path()))


# What a .docx asks Word to use (the office's machines have these; nothing is embedded in a .docx).
DOCX_FONT = "宋体"
DOCX_TITLE_FONT = "方正小标宋简体"
