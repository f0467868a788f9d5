"""Canonical JSON (RFC 8785) and the sha256 digests the record is built from."""

import hashlib
import json
from typing import Any

import rfc8785


def canonical_bytes(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value`` (dates and other objects become their ``str``)."""
    try:
        return rfc8785.dumps(value)
    except (TypeError, rfc8785.CanonicalizationError):
        # Task data may hold values JSON has no type for; fix them to text first.
        return rfc8785.dumps(json.loads(json.dumps(value, default=str)))


def canonical_text(value: Any) -> str:
    """The canonical JSON of ``value`` as text."""
    return canonical_bytes(value).decode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """Hex sha256 of the canonical JSON of ``value``."""
    return sha256_hex(canonical_bytes(value))
