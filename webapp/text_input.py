"""Text no database column can hold, refused at the door: a NUL byte anywhere, half a surrogate pair in JSON."""

from flask import Flask
from flask import request
from flask_babel import gettext as _

from webapp.errors import error_response

# PostgreSQL refuses a NUL in any text value and neither backend stores half a surrogate pair (JSON may spell one,
# "\ud800"): sent on, either is a database error, a 500. Percent-encoded bytes that are not UTF-8 are no
# danger: werkzeug decodes them to U+FFFD.
CHECKED_HEADERS = ("Idempotency-Key",)


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)


def refuse_unstorable_text():
    """A 400 naming the first field whose text cannot be stored; None when all can."""
    field = _unstorable_field()
    if field is None:
        return None
    message = _("“%(field)s” contains a character that cannot be stored (a NUL byte or half a surrogate pair); "
                "remove it and send again.", field=field)
    return error_response(400, "invalid_text", message, {field: message})


def _unstorable_field() -> str | None:
    if "\x00" in request.path:
        return "URL"
    for name in CHECKED_HEADERS:
        if "\x00" in request.headers.get(name, ""):
            return name
    pairs = [*request.args.items(multi=True), *request.form.items(multi=True)]
    pairs += [(name, upload.filename or "") for name, upload in request.files.items(multi=True)]
    for name, value in pairs:
        if not storable(name) or not storable(value):
            return shown(name)
    if request.is_json:
        return _json_field(request.get_json(silent=True), "")
    return None


def _json_field(value, path: str) -> str | None:
    """The path to the first string in a JSON document that cannot be stored (its key's, or its own)."""
    if isinstance(value, str):
        return None if storable(value) else path or "JSON"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        inner = f"{path}.{shown(str(key))}" if path else shown(str(key))
        if isinstance(key, str) and not storable(key):
            return inner
        found = _json_field(item, inner)
        if found is not None:
            return found
    return None


def storable(text: str) -> bool:
    """Whether ``text`` can go into a text column: no NUL, valid UTF-8 (no lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(name: str) -> str:
    """A field's name fit to print in the message: a NUL as \\0, half a surrogate pair as its escape."""
    return name.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")
