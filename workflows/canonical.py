"""Canonical JSON (RFC 8785) and the sha256 digests the record is built from."""

import hashlib
import json
from typing import Any

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
