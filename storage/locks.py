"""Named locks held until the transaction ends, for jobs that several processes could start at once."""

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def hold_until_commit(session: Session, name: str) -> None:
    """Wait for and take the lock ``name``; it is released when the session's transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite: a writer's transaction already holds the database's
    write lock from BEGIN IMMEDIATE, which serializes the same jobs.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def lock_key(name: str) -> int:
    """A stable signed 64-bit number for ``name`` (advisory locks are numbered)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
