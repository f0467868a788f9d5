"""The record sheet's Chinese font, built into reportlab, and the characters it lacks written out."""

import re
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

# Built into reportlab (Adobe's Song CID font): the PDF needs nothing from the system it is made on.
FONT = "STSong-Light"
# ①..⑳ are not in the CID font and would vanish from the page; the model's step names use them.
CIRCLED = {chr(0x2460 + number): f"({number + 1})" for number in range(20)}


@cache
def registered() -> str:
    """The font's reportlab name, registered on first use."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def spelled_out(text: str) -> str:
    """``text`` with the characters the font lacks written out: ⑬ becomes (13)."""
    return re.sub("[\u2460-\u2473]", lambda match: CIRCLED[match.group()], text)
