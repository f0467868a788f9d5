"""SVG writing for the diagram renderer: escaping, numbers, paint, and blocks of text lines."""

import html
import re
from dataclasses import dataclass

from workflows.diagram import font_metrics
from workflows.diagram.text_layout import text_width  # noqa: F401 (imported from here by the renderer)
from workflows.diagram.text_layout import wrap  # noqa: F401 (imported from here by the renderer)

# The measured font first, so that where it is installed the labels are drawn as wide as they were laid out.
FONT = f"{font_metrics.FAMILY}, Microsoft YaHei, PingFang SC, Noto Sans SC, sans-serif"
INK = "#22242a"
WHITE = "#ffffff"
LINE_HEIGHT = 1.25  # line spacing of wrapped labels, in font sizes

# Characters XML 1.0 does not allow; a label mapping handed in by a caller could contain them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


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
