"""Text inside a PDF table cell: CJK-aware line breaking, shrinking to fit, drawing centred or from the top left.

A cell is a box (x, y, width, height) with y its bottom, as reportlab measures. Text is broken between any two
Chinese characters but never inside a run of Latin letters and digits ("2007.07", "MBA"), never before a closing
mark (，。、）…) and never after an opening one (（《“); what does not fit at the floor size is handed back so that
the caller can continue it elsewhere instead of drawing it off the page.
"""

import re
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

FLOOR = 7.0  # the smallest size a box shrinks its text to (pt)
STEP = 0.5
LEADING = 1.3  # line height as a multiple of the size
PAD = 3.0  # inner margin of a cell (pt)
CLOSING = set("，。、；：？！）》」』”’…,.;:?!)]%·—")
OPENING = set("（《「『“‘([")
WORD = re.compile(r"[A-Za-z0-9.\-_/+@#&%]+|\s+|.", re.S)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    def inner(self, pad: float = PAD) -> "Box":
        return Box(self.x + pad, self.y + pad, max(self.width - 2 * pad, 1), max(self.height - 2 * pad, 1))


def tokens(text: str) -> list[str]:
    """The unbreakable pieces of ``text``: Latin/digit runs, spaces, single characters, punctuation glued on."""
    pieces = WORD.findall(text)
    glued: list[str] = []
    for piece in pieces:
        if glued and (piece[0] in CLOSING or glued[-1][-1] in OPENING):
            glued[-1] += piece
        else:
            glued.append(piece)
    return glued


def split_long(piece: str, font: str, size: float, width: float) -> list[str]:
    """A piece wider than the line, cut character by character (a very long number or address)."""
    parts, current = [], ""
    for char in piece:
        if current and stringWidth(current + char, font, size) > width:
            parts.append(current)
            current = ""
        current += char
    return parts + ([current] if current else [])


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``; "\\n" starts a new line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in tokens(paragraph):
            if stringWidth(line + piece, font, size) <= width:
                line += piece
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
            if stringWidth(line, font, size) > width:
                *full, line = split_long(line, font, size, width)
                lines += full
        lines.append(line.rstrip())
    return lines


def fit(text: str, font: str, box: Box, size: float, floor: float = FLOOR) -> tuple[float, list[str], list[str]]:
    """(size, lines that fit, lines left over): the largest size down to ``floor`` at which ``text`` fits ``box``.

    At the floor, the lines that still fit are returned with the rest left over (the caller continues them).
    """
    current = size
    while True:
        lines = wrap(text, font, current, box.width)
        fitting = max(int((box.height + (LEADING - 1) * current) // (current * LEADING)), 0)
        if len(lines) <= fitting:
            return current, lines, []
        if current - STEP < floor:
            return current, lines[:fitting], lines[fitting:]
        current -= STEP


def balanced(text: str, font: str, size: float, width: float, lines: list[str]) -> list[str]:
    """``lines`` re-broken as evenly as their count allows (no lone character under a centred line)."""
    if len(lines) < 2:
        return lines
    low, high = width / 2, width
    for _ in range(12):  # bisect the narrowest width that keeps the same number of lines
        middle = (low + high) / 2
        if len(wrap(text, font, size, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap(text, font, size, high)


def draw_lines(canvas, lines: list[str], font: str, size: float, box: Box, *, centre: bool = False,
               middle: bool = True, indent: float = 0.0) -> None:
    """``lines`` inside ``box``: centred or left-aligned, vertically in the middle or from the top."""
    leading = size * LEADING
    block = len(lines) * leading - (leading - size)
    top = box.top - (box.height - block) / 2 if middle else box.top
    canvas.setFont(font, size)
    for number, line in enumerate(lines):
        # The baseline sits about 0.86 of the size below the line's top (the font's ascent).
        baseline = top - number * leading - size * 0.86
        if centre:
            canvas.drawCentredString(box.x + box.width / 2, baseline, line)
        else:
            canvas.drawString(box.x + (indent if number else 0), baseline, line)


def text_cell(canvas, text: str, font: str, box: Box, size: float, *, centre: bool = False, middle: bool = True,
              floor: float = FLOOR) -> list[str]:
    """``text`` fitted into ``box`` and drawn; the lines that did not fit at the floor size are returned."""
    inner = box.inner()
    used, lines, rest = fit(text, font, inner, size, floor)
    if centre and not rest:
        lines = balanced(text, font, used, inner.width, lines)
    draw_lines(canvas, lines, font, used, inner, centre=centre, middle=middle)
    return rest


def label_cell(canvas, label: str, font: str, box: Box, size: float) -> None:
    """A label centred in its cell, shrunk (never below the floor) to fit; a tall narrow cell stacks it."""
    text_cell(canvas, label, font, box, size, centre=True)


def vertical(label: str) -> str:
    """A label written down a tall narrow cell, one character a line (简历, 家庭主要成员…)."""
    return "\n".join(label)
