"""SVG writing for the diagram renderer: escaping, numbers, paint, and text wrapped to a width."""

import html
import re
import unicodedata
from dataclasses import dataclass

FONT = "Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
INK = "#22242a"
WHITE = "#ffffff"
LINE_HEIGHT = 1.25  # line spacing of wrapped labels, in font sizes

# Characters XML 1.0 does not allow; a label mapping handed in by a caller could contain them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
# Closing punctuation never starts a line (Chinese line-breaking rules); it stays on the line before.
_NO_LINE_START = set("，。、：；！？）》」』】〉,.;:!?)]}%")


@dataclass(frozen=True)
class Paint:
    """How one element is coloured; ``emphasis`` thickens its outline (open tasks, taken flows)."""

    stroke: str = INK
    fill: str = WHITE
    text: str = INK
    emphasis: bool = False

    def width(self, base: float) -> float:
        """The outline width for an element whose normal width is ``base``."""
        return max(base, 3.0) if self.emphasis else base


def esc(text: object) -> str:
    """Text made safe for an SVG text node or attribute value."""
    return html.escape(_CONTROL.sub("", str(text)), quote=True)


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def points(coordinates) -> str:
    """The value of a ``points`` attribute."""
    return " ".join(f"{num(x)},{num(y)}" for x, y in coordinates)


def colour(value: str | None) -> str | None:
    """A colour from the model's DI extensions, only when it is a plain hex colour."""
    if value and _HEX_COLOUR.fullmatch(value.strip()):
        return value.strip()
    return None


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def char_width(char: str, size: float) -> float:
    """An estimate of one glyph's advance: a CJK glyph is one em, Latin letters about half."""
    if _is_wide(char):
        return size
    if char == " ":
        return size * 0.3
    if char in "iljtfr.,;:'|!()[]":
        return size * 0.32
    if char.isupper() or char in "mwMW@%":
        return size * 0.7
    return size * 0.56


def text_width(text: str, size: float) -> float:
    return sum(char_width(char, size) for char in text)


def _tokens(line: str):
    """Words of Latin text (split after a hyphen or slash), single CJK characters and single spaces."""
    word = ""
    for char in line:
        if char.isspace() or _is_wide(char):
            if word:
                yield word
                word = ""
            yield " " if char.isspace() else char
        elif char in "-/" and word:
            yield word + char
            word = ""
        else:
            word += char
    if word:
        yield word


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``: CJK text breaks between any two characters."""
    width = max(width, size * 2)
    lines: list[str] = []
    for paragraph in str(text).splitlines():
        line, used = "", 0.0
        for token in _tokens(paragraph.strip()):
            if token == " ":
                if line and not line.endswith(" "):
                    line, used = line + " ", used + char_width(" ", size)
                continue
            token_width = text_width(token, size)
            if line and used + token_width > width and token[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = "", 0.0
            if token_width > width:
                # A word longer than a whole line is cut where it reaches the edge.
                for char in token:
                    advance = char_width(char, size)
                    if line and used + advance > width and char not in _NO_LINE_START:
                        lines.append(line.rstrip())
                        line, used = "", 0.0
                    line, used = line + char, used + advance
                continue
            line, used = line + token, used + token_width
        if line.strip():
            lines.append(line.rstrip())
    return lines


def block_height(lines: list[str], size: float) -> float:
    return len(lines) * size * LINE_HEIGHT


def text_block(lines: list[str], x: float, top: float, size: float, fill: str, *,
               anchor: str = "middle", transform: str = "", weight: str = "") -> str:
    """A ``<text>`` of ``lines`` starting at ``top``, each line centred on (or starting at) ``x``."""
    if not lines:
        return ""
    step = size * LINE_HEIGHT
    spans = "".join(
        f'<tspan x="{num(x)}" y="{num(top + (index + 0.5) * step + 0.35 * size)}">{esc(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    extra = (f' transform="{transform}"' if transform else "") + (f' font-weight="{weight}"' if weight else "")
    return f'<text font-size="{num(size)}" fill="{fill}" text-anchor="{anchor}"{extra}>{spans}</text>'
