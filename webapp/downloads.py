"""File downloads named in the reader's language (RFC 6266), kept out of caches."""

from urllib.parse import quote

from flask import Response

# RFC 5987 attr-char besides letters and digits: what may stand unescaped in ``filename*``.
ATTR_CHARS = "!#$&+-.^_`|~"


def attachment(content: bytes, mimetype: str, name: str, ascii_name: str) -> Response:
    """``content`` as a download named ``name``, with ``ascii_name`` for clients that do not read ``filename*``.

    The name goes out percent-encoded: a raw Chinese name in a header cannot be sent (waitress writes headers as
    latin-1 and answers 500). Downloads hold people's records, so no cache keeps a copy.
    """
    ascii_name.encode("ascii")  # a non-ASCII fallback would fail the same way, on every download
    response = Response(content, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=ascii_name,
                         **{"filename*": f"UTF-8''{quote(name, safe=ATTR_CHARS)}"})
    response.headers["Cache-Control"] = "private, no-store"
    return response
