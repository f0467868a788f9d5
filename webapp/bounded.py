"""Whole numbers from a request, bounded to what the database's INTEGER columns hold: path ids and query numbers."""

import re

from flask import abort
from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError

# Ids are INTEGER columns: 32-bit on PostgreSQL, the narrower backend (SQLite's are 64-bit). A larger number
# names nothing, and sent to the database it is an error there (OverflowError, NumericValueOutOfRange).
DB_INT_MAX = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` of this app: a number the database cannot hold matches no route, so it is a plain 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(self.max or DB_INT_MAX)):  # int() refuses thousands of digits with a ValueError, a 500
            raise ValidationError()
        return super().to_python(value)


def query_int(name: str, default: int | None = None, *, most: int = DB_INT_MAX, clamp: bool = False) -> int | None:
    """Query parameter ``name`` as a whole number from 1 to ``most`` (``default`` when absent or blank).

    Out of range or not a number: a 400 naming the parameter, or with ``clamp`` the nearest number in range
    (``default`` for text), for page numbers of the pages, where the nearest page is the helpful answer.
    """
    text = (request.args.get(name) or "").strip()
    if not text:
        return default
    number = _whole(text)
    if number is not None and 1 <= number <= most:
        return number
    if clamp:
        return default if number is None else min(max(number, 1), most)
    abort(400, description=_("%(name)s must be a whole number from 1 to %(most)s.", name=name, most=most))


def posted_id(text: str | None) -> int | None:
    """A posted id (a user chosen from a list): the number, None when it is none the database can hold."""
    number = _whole((text or "").strip())
    return number if number is not None and 1 <= number <= DB_INT_MAX else None


def _whole(text: str) -> int | None:
    """``text`` as a whole number, None if it is none; past 11 characters, one just out of range.

    A long one is out of range anyway, and int() refuses thousands of digits.
    """
    if not re.fullmatch(r"-?[0-9]+", text):
        return None
    if len(text) > 11:
        return 0 if text.startswith("-") else DB_INT_MAX + 1
    return int(text)
