"""Paging of the API's lists: ``limit`` and a signed ``cursor`` in, ``{"items", "total", "next_cursor"}`` out.

A cursor names the last item of the page before (keyset paging): the next page starts after that item, so an
item added or removed meanwhile moves no other item to another page, and a deep page costs what the first
does. The cursor is signed with the app's secret key and bound to its list, its filters and its user, so a
forged, altered or misplaced one is a 400, never a page of something else.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask import current_app
from flask import request
from flask_babel import gettext as _
from itsdangerous import BadData
from itsdangerous import URLSafeSerializer

from webapp import bounded
from webapp.security import current_actor

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# A cursor this API gives out is well under this; a longer one is refused before its signature is checked.
MAX_CURSOR = 1000
SALT = "cadreflow.api.cursor"
# The cursor's layout: a cursor of another layout (an older release's) is refused rather than misread.
LAYOUT = 1
# The query parameters of the page-number paging that keyset paging replaced (release 17).
REPLACED = ("page", "per_page")


def _moment(value) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive time")
    return moment


# How a key's part is read back from the cursor's JSON, by the type it had.
READERS = {datetime: _moment, int: int, str: str}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _refuse_cursor():
    abort(400, description=_("cursor is not one this list gave out for these filters: leave it out to start "
                             "from the first page."))


@dataclass(frozen=True)
class Wanted:
    """What a request asks of a list: at most ``limit`` items, after the key ``after`` (None: from the start)."""

    name: str
    scope: list
    limit: int
    after: tuple | None

    def window(self, rows: list, key) -> list:
        """For a short list read whole: the rows past the cursor, one more than the limit (see ``envelope``)."""
        return [row for row in rows if self.after is None or key(row) > self.after][:self.limit + 1]

    def envelope(self, rows: list, total: int, key, item) -> dict:
        """The answer: ``rows`` (fetched one past the limit: an extra row says a next page follows) as items."""
        shown = rows[:self.limit]
        following = self._cursor(key(shown[-1])) if len(rows) > self.limit else None
        return {"items": [item(row) for row in shown], "total": total, "next_cursor": following}

    def _cursor(self, key: tuple) -> str:
        parts = [part.isoformat() if isinstance(part, datetime) else part for part in key]
        return _serializer().dumps({"v": LAYOUT, "list": self.name, "scope": self.scope, "key": parts})


def wanted(name: str, key_types: tuple, *scope) -> Wanted:
    """The page the request asks for of the list ``name``, whose items are ordered by keys of ``key_types``.

    ``scope`` holds the filters that shape the list: a cursor is good only with the ones it was given for.
    A bad ``limit`` or ``cursor`` is a 400 naming it.
    """
    for replaced in REPLACED:
        if replaced in request.args:
            abort(400, description=_("%(name)s is no longer taken by the API's lists: ask for limit items a page "
                                     "and send next_cursor back as cursor for the next page.", name=replaced))
    limit = bounded.query_int("limit", DEFAULT_LIMIT, most=MAX_LIMIT)
    scope_list = [current_actor().user_id, *scope]
    text = request.args.get("cursor", "").strip()
    if not text:
        return Wanted(name, scope_list, limit, None)
    if len(text) > MAX_CURSOR:
        _refuse_cursor()
    try:
        found = _serializer().loads(text)
    except (BadData, UnicodeError):
        _refuse_cursor()
    if (not isinstance(found, dict) or found.get("v") != LAYOUT or found.get("list") != name
            or found.get("scope") != scope_list or not isinstance(found.get("key"), list)
            or len(found["key"]) != len(key_types)):
        _refuse_cursor()
    try:
        after = tuple(READERS[kind](part) for kind, part in zip(key_types, found["key"], strict=True))
    except (TypeError, ValueError):
        _refuse_cursor()
    return Wanted(name, scope_list, limit, after)
