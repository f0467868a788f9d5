"""Canonical JSON (RFC 8785) and the sha256 digests the record is built from."""

import hashlib
import json
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

import orjson
import rfc8785

MAX_SAFE_INTEGER = 2**53 - 1


def _safe_int(text: str) -> int | str:
    number = int(text)
    return number if abs(number) <= MAX_SAFE_INTEGER else text


def canonical_bytes(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value``.

    Values RFC 8785 cannot carry (dates, NaN, infinities, integers beyond 2**53)
    are written as text, so any task data can go on record.
    """
    try:
        return rfc8785.dumps(value)
    except (TypeError, rfc8785.CanonicalizationError):
        text = json.dumps(value, default=str)
        return rfc8785.dumps(json.loads(text, parse_int=_safe_int, parse_constant=str))


def canonical_text(value: Any) -> str:
    """The canonical JSON of ``value`` as text."""
    return canonical_bytes(value).decode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """Hex sha256 of the canonical JSON of ``value``."""
    return sha256_hex(canonical_bytes(value))


def _scalar_json(value) -> str | None:
    """RFC 8785 text of a string, small integer, boolean or null; None for anything else."""
    kind = type(value)
    if kind is str:
        # The C encoder json.dumps uses: it escapes exactly what RFC 8785 escapes
        # (checked by tests/workflows/test_canonical.py).
        return encode_basestring(value)
    if kind is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return str(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return None


@lru_cache(maxsize=32)
def _member_prefixes(keys: tuple[str, ...], name: str) -> tuple[tuple[str, str], ...] | None:
    """(key, '"key":') in RFC 8785 order for a set of ASCII keys; None when a key is not ASCII."""
    every = sorted({*keys, name})
    if not all(key.isascii() for key in every):
        return None  # RFC 8785 orders by UTF-16 units; only ASCII keys sort alike in Python
    return tuple((key, encode_basestring(key) + ":") for key in every)


def digest_with_text(fields: dict, name: str, canonical_value: str) -> str:
    """sha256 of the canonical JSON of ``fields`` plus ``name`` whose value is already canonical text.

    Equal to ``digest({**fields, name: json.loads(canonical_value)})`` without parsing and re-writing
    the value: verifying a million events spends its time here. Fields that are not flat scalars with
    ASCII keys take the general path.
    """
    members = _member_prefixes(tuple(fields), name)
    if members is None:
        return _general_digest(fields, name, canonical_value)
    parts = []
    for key, prefix in members:
        text = canonical_value if key == name else _scalar_json(fields[key])
        if text is None:
            return _general_digest(fields, name, canonical_value)
        parts.append(prefix + text)
    try:
        return sha256_hex(("{" + ",".join(parts) + "}").encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: let the general path refuse or escape it
        return _general_digest(fields, name, canonical_value)


def _general_digest(fields: dict, name: str, canonical_value: str) -> str:
    value = json.loads(canonical_value)
    if canonical_text(value) != canonical_value:
        raise ValueError(f"{name} is not canonical JSON")
    return digest({**fields, name: value})


def fast_digest(value: Any) -> str:
    """Hex sha256 of a deterministic (not RFC 8785) JSON of ``value``: for the engine's state digests.

    orjson with sorted keys writes a case's task data several times faster than ``json`` (a replay
    digests it after every event); values it cannot write (integers beyond 64 bits) take ``json``.
    """
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    except orjson.JSONEncodeError:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        data = b"json:" + text.encode("utf-8", "surrogatepass")
    return sha256_hex(data)
