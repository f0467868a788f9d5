"""The notices' document model: the blocks a paper is made of, the type sizes and the tables' column widths.

:mod:`~workflows.papers.layout` is the module to use: it writes a :class:`Document` as PDF or .docx.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Paragraph:
    """Body text; ``indent`` the two-character first-line indent, ``align`` left / center / right / justify."""

    text: str
    indent: bool = True
    align: str = "justify"


@dataclass(frozen=True)
class Heading:
    """一、… (level 1) or （一）… (level 2)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Table:
    """A bordered table; with ``header`` its first row is the column titles."""

    rows: tuple[tuple[str, ...], ...]
    header: bool = False


@dataclass(frozen=True)
class Blank:
    """Ruled lines left empty for the office to write on."""

    lines: int = 1


@dataclass(frozen=True)
class Signature:
    """The issuer and the date (or the signers), set to the right."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class CutLine:
    """A dashed line across the page with a label: what follows is cut off and returned (回执)."""

    label: str = ""


@dataclass(frozen=True)
class Note:
    """Small print at the foot between rules: 抄送, 印发, remarks."""

    text: str


Block = Paragraph | Heading | Table | Blank | Signature | CutLine | Note


@dataclass(frozen=True)
class Document:
    """One paper: title, 文号 (may be ""), the blocks in order; ``author`` and ``dated`` go into the metadata."""

    title: str
    number: str = ""
    blocks: tuple[Block, ...] = ()
    author: str = ""
    dated: date | None = None

    def text(self) -> str:
        """The words of the paper, one block a line (what a reader of either file finds)."""
        lines = [self.number, self.title]
        for block in self.blocks:
            if isinstance(block, Table):
                lines += [" ".join(row) for row in block.rows]
            elif isinstance(block, Signature):
                lines += list(block.lines)
            elif not isinstance(block, Blank):
                lines.append(getattr(block, "text", "") or getattr(block, "label", ""))
        return "\n".join(line for line in lines if line)


# GB/T 9704: 3号 (16 pt) body on a 28.9 pt line, 2号 (22 pt) title; margins top 37, bottom 35, left 28, right 26 mm.
BODY, LEADING, TITLE, CELL, SMALL = 16, 28.9, 22, 12, 14
PADDING = 4  # points each side of a table cell
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}
WIDTH = (210 - MARGINS["left"] - MARGINS["right"]) * 72 / 25.4  # the text width in points
LINE_BREAK = "\u2028"  # a line break inside one paragraph (a value with several lines)

def span(text: str) -> float:
    """The width of ``text`` in cell type (a Latin letter or digit is about half a Chinese character)."""
    return max(sum(CELL * (0.55 if ord(char) < 0x2E80 else 1) for char in line)
               for line in text.replace("\n", LINE_BREAK).split(LINE_BREAK)) + 2 * PADDING


def short(text: str) -> bool:
    """Whether a cell is centred: no line of it longer than eight characters (names, numbers, dates)."""
    return all(len(line) <= 8 for line in text.replace("\n", LINE_BREAK).split(LINE_BREAK))


def widths(rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Column widths filling the text width: each column as wide as its longest cell, the long ones sharing the
    rest when they do not all fit (their text then wraps inside the cell)."""
    columns = max(len(row) for row in rows)
    natural = [max([span(row[i]) for row in rows if i < len(row)] + [2 * CELL + 2 * PADDING])
               for i in range(columns)]
    if sum(natural) <= WIDTH:
        return [width * WIDTH / sum(natural) for width in natural]
    fixed: dict[int, float] = {}
    while True:  # columns narrower than their fair share of what is left keep their width
        left = WIDTH - sum(fixed.values())
        rest = [i for i in range(columns) if i not in fixed]
        fair = left / len(rest)
        narrow = {i: natural[i] for i in rest if natural[i] <= fair}
        if not narrow or len(narrow) == len(rest):
            break
        fixed.update(narrow)
    total = sum(natural[i] for i in rest)
    return [fixed.get(i) or natural[i] * left / total for i in range(columns)]
