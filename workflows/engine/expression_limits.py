"""How much a model expression may build: the limits, and the meter that checks each value before it is made."""

import operator
import re
from typing import Any

from workflows.text import t

# Why metering these operations is enough: under the allow-list (workflows.engine.expressions) only these can make
# a value larger than the source itself: ``*`` (repetition, integer products), ``+`` (concatenation), ``%`` on text
# (printf widths), f-strings (format widths, the text of a value), ``str()`` and ``sum()`` (the text, or the
# concatenation, of nested values), and the copies slices, ``{**d}`` and allowed calls return. No loops, no
# comprehensions, no attributes, no ``**``/``<<``, so nothing else repeats work. The evaluator (expression_rewrite)
# routes each through :class:`Meter`, which spends one allowance per evaluation *before* building (a copy, never
# larger than its input, right after): an expression or a script cannot hold more than ``MAX_BUILT`` characters
# and items at once. Lists written out in the source only hold references, but sharing them can still make a
# structure whose text is enormous: what an evaluation hands back is measured as the record writes it.

MAX_BUILT = 1_000_000  # characters and items one evaluation (an expression, a script) may build in all
MAX_DATA_SIZE = 10_000_000  # characters of a result, or of the task data after a script, as the record writes it
MAX_INT_DIGITS = 4_300  # Python writes no longer integer as text (sys.int_info), so the record could not hold it
MAX_LOOP_INSTANCES = 1_000  # instances one multi-instance task may create from its loopCardinality

METER = "_cadreflow_meter"  # the name the rewritten code reads its meter by: models cannot name it (leading _)

_SEQUENCES = (str, bytes, list, tuple)
_MAX_INT_BITS = MAX_INT_DIGITS * 3322 // 1000  # log2(10) bits per digit
_NUMBER = re.compile(r"\d+")
# A printf conversion: %[(key)][flags][width][.precision][length]type; width and precision may be "*".
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?.", re.DOTALL)


class TooLarge(ValueError):
    """An expression would build a value beyond a limit; the message, in Chinese, names the limit."""


def _built_too_much(size: int) -> TooLarge:
    return TooLarge(t("一次求值构造的字符或元素超过上限 {limit}（需要 {size} 个）", limit=MAX_BUILT, size=size))


def too_many_instances(count: int) -> TooLarge:
    """The error for a multi-instance task asked for more than ``MAX_LOOP_INSTANCES`` instances."""
    return TooLarge(t("多实例任务要创建 {count} 个实例，超过上限 {limit}", count=count, limit=MAX_LOOP_INSTANCES))


def number(digits: str) -> int:
    """A width written in a format: anything longer than the limits could use counts as beyond them."""
    return int(digits) if len(digits) <= 18 else 10**18


def spec_size(spec: str) -> int:
    """An upper bound on what a format spec adds: width and precision are its only numbers (a digit fill counts too)."""
    return len(spec) + sum(number(digits) for digits in _NUMBER.findall(spec))


def printf_size(form: str | bytes, args: Any) -> int:
    """An upper bound on the length of ``form % args``, without building it."""
    text = form.decode("latin-1") if isinstance(form, bytes) else form
    size, star = len(text) + written_size(args), False
    for width, precision in _PRINTF.findall(text):
        for part in (width, precision):
            star = star or part == "*"
            size += number(part) if part.isdigit() else 0
    if star:  # a "*" takes its width from the arguments: count every integer among them as one
        values = args if isinstance(args, tuple) else (args,)
        size += sum(abs(value) for value in values if isinstance(value, int))
    return size


def written_size(value: Any) -> int:
    """About how many characters ``value`` has as text (repr or JSON), shared parts counted each time they appear.

    Each container is measured once and remembered by identity, so the walk costs what the value holds in memory,
    however many times its parts are shared.
    """
    sizes: dict[int, int | None] = {}

    def size(item: Any) -> int:
        if isinstance(item, str):
            return len(item) + 2
        if isinstance(item, bytes):
            return len(item) + 3
        if item is None or isinstance(item, bool):
            return 5
        if isinstance(item, int):
            return item.bit_length() * 3 // 10 + 2
        if not isinstance(item, list | tuple | dict):
            return 24  # floats, dates, functions: short, fixed texts
        ident = id(item)
        if ident in sizes:
            if sizes[ident] is None:
                raise TooLarge(t("流程数据引用了自身，无法写出"))
            return sizes[ident]
        sizes[ident] = None
        if isinstance(item, dict):
            total = 2 + sum(size(key) + size(value) + 4 for key, value in item.items())
        else:
            total = 2 + sum(size(element) + 2 for element in item)
        sizes[ident] = total
        return total

    try:
        return size(value)
    except RecursionError:
        raise TooLarge(t("流程数据嵌套过深，无法写出")) from None


def check_written(value: Any) -> None:
    """Refuse a result, or the task data after a script, whose written form would exceed ``MAX_DATA_SIZE``."""
    size = written_size(value)
    if size > MAX_DATA_SIZE:
        raise TooLarge(t("流程数据写出后约有 {size} 个字符，超过上限 {limit}", size=size, limit=MAX_DATA_SIZE))


def _check_product(a: Any, b: Any) -> int:
    """How many characters or items ``a * b`` builds (0 for numbers); refuses an integer beyond ``MAX_INT_DIGITS``."""
    if isinstance(a, _SEQUENCES) and isinstance(b, int):
        return len(a) * max(b, 0)
    if isinstance(a, int) and isinstance(b, _SEQUENCES):
        return len(b) * max(a, 0)
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > _MAX_INT_BITS + 1:
        raise TooLarge(t("整数乘积的位数超过上限 {limit}", limit=MAX_INT_DIGITS))
    return 0


def _concatenated(a: Any, b: Any) -> int:
    return len(a) + len(b) if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) else 0


class Meter:
    """The allowance of one evaluation; the rewritten code calls these methods in place of the operators."""

    def __init__(self):
        self.left = MAX_BUILT

    def spend(self, size: int) -> None:
        if size > self.left:
            raise _built_too_much(MAX_BUILT - self.left + size)
        self.left -= size

    def charged(self, value: Any) -> Any:
        """A copy an allowed call or a slice has just made (never larger than its input): count it."""
        if isinstance(value, str | bytes | list | tuple | dict):
            self.spend(len(value))
        return value

    def mul(self, a: Any, b: Any) -> Any:
        self.spend(_check_product(a, b))
        return a * b

    def imul(self, a: Any, b: Any) -> Any:
        self.spend(_check_product(a, b))
        return operator.imul(a, b)

    def add(self, a: Any, b: Any) -> Any:
        self.spend(_concatenated(a, b))
        return a + b

    def iadd(self, a: Any, b: Any) -> Any:
        self.spend(_concatenated(a, b))
        return operator.iadd(a, b)

    def mod(self, a: Any, b: Any) -> Any:
        if not isinstance(a, str | bytes):
            return a % b
        return self._text(printf_size(a, b), lambda: a % b)

    def imod(self, a: Any, b: Any) -> Any:
        return self.mod(a, b)

    def text(self, *args: Any, **kwargs: Any) -> str:
        """``str()``: the text of a nested value can be far larger than the value in memory."""
        return self._text(written_size(args[0]) if args else 0, lambda: str(*args, **kwargs))

    def total(self, values: Any, /, start: Any = 0) -> Any:
        """``sum()``: with a list or tuple start it concatenates; count what it would build first."""
        if isinstance(start, _SEQUENCES):
            self.spend(len(start) + sum(len(value) for value in values if isinstance(value, _SEQUENCES)))
        return sum(values, start)

    def format(self, value: Any, conversion: int, spec: str) -> str:
        """One ``{value!conversion:spec}`` of an f-string."""
        convert = {ord("s"): str, ord("r"): repr, ord("a"): ascii}.get(conversion)
        estimate = spec_size(spec) + written_size(value)
        return self._text(estimate, lambda: format(convert(value) if convert else value, spec))

    def join(self, parts: tuple) -> str:
        """The pieces of an f-string, each already counted, joined."""
        self.spend(sum(len(part) for part in parts))
        return "".join(parts)

    def _text(self, estimate: int, build) -> Any:
        # The estimate bounds the text up to escapes (at most a few characters per character); count the rest after.
        self.spend(estimate)
        text = build()
        if len(text) > estimate:
            self.spend(len(text) - estimate)
        return text
