"""Label widths measured with the diagram font and line breaking by Chinese rules: balanced lines, no orphans."""

import unicodedata
from functools import lru_cache
from itertools import pairwise

from workflows.diagram import chinese_words
from workflows.diagram import font_metrics

# Closing punctuation never starts a line and opening punctuation never ends one (Chinese line-breaking rules).
CLOSING = frozenset("，。、：；！？）》」』】〉〕”’,.;:!?)]}%…")
OPENING = frozenset("（《「『【〈〔“‘([{")
# A break right after these reads best, as bpmn-js does after ，and ：.
PAUSES = frozenset("，、：；。！？")
PUNCTUATION = CLOSING | OPENING | {" "}

# What a break costs, in em² (the unit of the raggedness below): negative where a break reads well.
PAUSE_BREAK = -6.0      # after ，、：…: wins over a split up to about 1.7 characters nearer the middle
WORD_BREAK = -2.0       # at a space between Latin words
BRACKET_BREAK = -2.0    # before an opening bracket or quote, so that what it encloses stays together
SCRIPT_BREAK = -1.0     # between a run of digits or Latin letters and CJK text
HYPHEN_BREAK = 1.0      # after a hyphen or slash inside a Latin word
CUT_WORD = 50.0         # inside a word longer than a whole line
ORPHAN = 1000.0         # a line of one CJK character (with its punctuation) under or over others
OVERFULL = 1e6          # a line wider than the room: only when nothing else fits


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _is_step_number(char: str) -> bool:
    """①…⑳ and the other enclosed numbers: they number the step and stay with its name."""
    return "\u2460" <= char <= "\u24ff"


def char_width(char: str, size: float) -> float:
    """One glyph's advance in the diagram font (measured); a CJK character the table lacks is one em."""
    units = font_metrics.ADVANCES.get(ord(char))
    if units is None:
        # Not in the table: another font draws it; a wide one is square, a narrow one about a Latin letter.
        units = font_metrics.IDEOGRAPH if _is_wide(char) else 0.6 * font_metrics.UNITS_PER_EM
    return units / font_metrics.UNITS_PER_EM * size


def text_width(text: str, size: float) -> float:
    return sum(char_width(char, size) for char in text)


def is_orphan(line: str) -> bool:
    """A line of one CJK character, alone or with punctuation ("态", "案。")."""
    rest = [char for char in line if char not in PUNCTUATION]
    return len(rest) == 1 and _is_wide(rest[0])


def break_costs(text: str, width: float, size: float) -> dict[int, float]:
    """Where a line may end (``text[:position]`` stays above) and what breaking there costs: after a pause, between
    words (Chinese ones as the dictionary cuts them), and inside a word only where it is wider than a whole line."""
    words = chinese_words.boundaries(text)  # None without a dictionary: any two Chinese characters may part
    costs, inside = {}, []
    for position in range(1, len(text)):
        before, after = text[position - 1], text[position]
        if after == " " or after in CLOSING or before in OPENING or _is_step_number(before):
            continue
        if before == " ":
            costs[position] = WORD_BREAK
        elif before in PAUSES:
            costs[position] = PAUSE_BREAK
        elif after in OPENING:
            costs[position] = BRACKET_BREAK
        elif _is_wide(before) and _is_wide(after) and (words is None or position in words):
            costs[position] = 0.0
        elif _is_wide(before) != _is_wide(after):
            costs[position] = SCRIPT_BREAK
        elif before in "-/":
            costs[position] = HYPHEN_BREAK
        else:
            inside.append(position)
    # A word (with the step number and punctuation it holds on to) wider than a whole line is cut where it must be.
    ends = [0, *sorted(costs), len(text)]
    for start, end in pairwise(ends):
        if text_width(text[start:end].strip(), size) > width + 0.01:
            costs.update({position: CUT_WORD for position in inside if start < position < end})
    return costs


class _Paragraph:
    """One paragraph's text with its break costs and running widths, so that any line's width is one subtraction."""

    def __init__(self, text: str, width: float, size: float):
        self.text, self.width, self.size = text, width, size
        self.costs = break_costs(text, width, size)
        self.ends = [*sorted(self.costs), len(text)]
        self.running = [0.0]
        for char in text:
            self.running.append(self.running[-1] + char_width(char, size))

    def line(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def used(self, start: int, end: int) -> float:
        """The width of the line text[start:end] without the space it may start or end with."""
        if self.text[start] == " ":
            start += 1
        if self.text[end - 1] == " ":
            end -= 1
        return self.running[end] - self.running[start]

    def next_ends(self, start: int) -> list[int]:
        """Where a line from ``start`` may end: every break that fits, else the nearest one (overfull)."""
        later = [end for end in self.ends if end > start]
        fitting = [end for end in later if self.used(start, end) <= self.width + 0.01]
        return fitting or later[:1]

    def line_cost(self, start: int, end: int) -> float:
        used = self.used(start, end)
        if used > self.width + 0.01:
            return OVERFULL + used
        cost = ((self.width - used) / self.size) ** 2
        return cost + (ORPHAN if is_orphan(self.line(start, end)) else 0.0) + self.costs.get(end, 0.0)

    def balanced(self) -> list[str]:
        """The cheapest layout in the fewest lines (as many as filling each line as far as it goes takes):
        least raggedness, best breaks, no orphan. Costs compare as (lines, cost), which adds up, so one pass
        over the break positions finds it."""
        best: dict[int, tuple[int, float, int]] = {0: (0, 0.0, 0)}  # end -> (lines, cost, start of last line)
        for start in [0, *self.ends[:-1]]:
            if start not in best:
                continue
            lines, so_far, _ = best[start]
            for end in self.next_ends(start):
                candidate = (lines + 1, so_far + self.line_cost(start, end), start)
                if end not in best or candidate[:2] < best[end][:2]:
                    best[end] = candidate
        found, end = [], len(self.text)
        while end > 0:
            start = best[end][2]
            found.append(self.line(start, end))
            end = start
        return found[::-1]


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` at font ``size``, in as few lines as filling each line would take,
    as even as possible: breaks after Chinese pauses and between words are preferred, a Latin word stays whole
    unless longer than a line, no line starts with closing punctuation or is a single orphan character."""
    return list(_wrapped(str(text), max(width, size * 2), size))


@lru_cache(maxsize=4096)  # a model's names are laid out again on every page showing its diagram
def _wrapped(text: str, width: float, size: float) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        paragraph = " ".join(paragraph.split())
        if text_width(paragraph, size) <= width + 0.01:
            lines += [paragraph] if paragraph else []
        else:
            lines += _Paragraph(paragraph, width, size).balanced()
    return tuple(lines)
