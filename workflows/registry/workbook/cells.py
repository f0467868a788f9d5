"""How the registry workbook's cells are read and written: text, coded values, 是/否, dates, whole numbers."""

import re
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from workflows.registry import codes as codes
from workflows.registry import identity_no
from workflows.registry.personal_checks import parse_month
from workflows.text import t

DATE_TEXT = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
# What makes a spreadsheet read a CSV cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class BadCell(ValueError):
    """A cell that cannot be read; the message (``args[0]``, a :func:`t` message) says why, in Chinese."""


def cell_text(raw: object) -> str:
    """A cell as stripped text; Excel hands whole numbers over as floats, ``2024.0`` reads as ``2024``."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    return str(raw).strip()


def csv_escaped(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: ``'`` before what would start a formula.

    A value that already starts with ``'`` before such a character gets one more, so that reading it back with
    :func:`csv_unescaped` gives the value exactly.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def csv_unescaped(text: str) -> str:
    """A CSV cell as the registry's export wrote it, without the ``'`` :func:`csv_escaped` added."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Text:
    """Free text up to the model column's length."""

    max_length: int
    choices = None

    def parse(self, raw: object) -> str | None:
        text = cell_text(raw)
        if len(text) > self.max_length:
            raise BadCell(t("最多 {limit} 个字符，收到 {count} 个字符", limit=self.max_length, count=len(text)))
        return text or None

    def render(self, value: str | None) -> str | None:
        return value

    @property
    def hint(self) -> str:
        return f"文字，最多 {self.max_length} 个字符"


@dataclass(frozen=True)
class Choice:
    """A coded value entered by its Chinese label (the code itself is accepted too)."""

    labels: dict
    aliases: dict | None = None

    def parse(self, raw: object) -> str | None:
        text = cell_text(raw)
        if not text:
            return None
        code = codes.code_for(self.labels, text, self.aliases)
        if code is None:
            raise BadCell(t("只能填 {choices}，收到“{text}”", choices="、".join(self.choices), text=text))
        return code

    def render(self, value: str | None) -> str | None:
        return None if value is None else self.labels.get(value, value)

    @property
    def choices(self) -> list[str]:
        return [*self.labels.values(), *(self.aliases or {})]

    @property
    def hint(self) -> str:
        return f"只能填：{'、'.join(self.choices)}"


@dataclass(frozen=True)
class YesNo:
    """是 or 否; Excel's TRUE/FALSE cells count too."""

    choices = ("是", "否")
    hint = "只能填：是、否"

    def parse(self, raw: object) -> bool | None:
        if isinstance(raw, bool):
            return raw
        text = cell_text(raw)
        if not text:
            return None
        value = codes.code_for(codes.YES_NO, text)
        if value is None:
            raise BadCell(t("只能填 是 或 否，收到“{text}”", text=text))
        return value

    def render(self, value: bool | None) -> str | None:
        return None if value is None else codes.YES_NO[bool(value)]


@dataclass(frozen=True)
class Day:
    """A date: an Excel date cell, or text YYYY-MM-DD (YYYY/M/D too, which is how Excel saves CSV)."""

    choices = None
    hint = "日期，格式 YYYY-MM-DD，也可以是 Excel 日期单元格"

    def parse(self, raw: object) -> date | None:
        if isinstance(raw, datetime) and raw.time() == datetime.min.time():
            day = raw.date()
        elif isinstance(raw, date) and not isinstance(raw, datetime):
            day = raw
        else:
            text = cell_text(raw)
            if not text:
                return None
            match = DATE_TEXT.fullmatch(text)
            try:
                day = date(*map(int, match.groups())) if match else None
            except ValueError:
                day = None
            if day is None:
                raise BadCell(t("日期格式应为 YYYY-MM-DD，收到“{text}”", text=text))
        if not FIRST_DAY <= day <= LAST_DAY:
            raise BadCell(t("日期应在 {first} 年到 {last} 年之间，收到“{day}”", first=FIRST_DAY.year,
                            last=LAST_DAY.year, day=day.isoformat()))
        return day

    def render(self, value: date | None) -> date | None:
        return value


@dataclass(frozen=True)
class Whole:
    """A whole number within bounds (a year, a rank)."""

    low: int
    high: int
    choices = None

    def parse(self, raw: object) -> int | None:
        text = cell_text(raw)
        if not text:
            return None
        if not re.fullmatch(r"\d+", text) or not self.low <= int(text) <= self.high:
            raise BadCell(t("应为 {low} 到 {high} 之间的整数，收到“{text}”", low=self.low, high=self.high, text=text))
        return int(text)

    def render(self, value: int | None) -> int | None:
        return value

    @property
    def hint(self) -> str:
        return f"整数，{self.low} 到 {self.high}"


@dataclass(frozen=True)
class Month:
    """A month as the 干部任免审批表 writes it: text YYYY.MM (YYYY-MM too), or an Excel date cell (its month)."""

    choices = None
    hint = "年月，格式 YYYY.MM（如 1986.05），也可以是 Excel 日期单元格"

    def parse(self, raw: object) -> date | None:
        if isinstance(raw, date):
            return date(raw.year, raw.month, 1)
        text = cell_text(raw)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError as bad:
            raise BadCell(bad.args[0]) from None

    def render(self, value: date | None) -> str | None:
        return None if value is None else f"{value.year:04d}.{value.month:02d}"


@dataclass(frozen=True)
class IdentityNo:
    """A 公民身份号码: 18 characters with a valid check digit; stored with a capital X, without spaces."""

    choices = None
    max_length = 18
    hint = "18 位公民身份号码（末位校验码须正确），请以文本格式填写，以免 Excel 改为科学计数法"

    def parse(self, raw: object) -> str | None:
        text = cell_text(raw)
        if not text:
            return None
        problem = identity_no.problem(text)
        if problem:
            raise BadCell(problem)
        return identity_no.normalised(text)

    def render(self, value: str | None) -> str | None:
        return value
