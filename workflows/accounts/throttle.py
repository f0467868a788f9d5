"""Sign-in throttling: growing delays per account name and per client address, and a temporary lockout."""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from storage.models import SignInThrottle

# This many attempts follow each other freely; then 1, 2, 4 … seconds must pass between two, up to MAX_DELAY.
ACCOUNT_FREE_ATTEMPTS = 3
ADDRESS_FREE_ATTEMPTS = 10
MAX_DELAY = timedelta(minutes=5)
# The tenth failure in a row locks the account for LOCK_TIME (an administrator can unlock it earlier).
LOCK_AFTER_FAILURES = 10
LOCK_TIME = timedelta(minutes=15)
# Failures older than this are forgotten.
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Hold:
    """Why a sign-in attempt must wait: until when, and whether the account is locked."""

    until: datetime
    locked: bool

    def seconds(self, at: datetime) -> int:
        """Whole seconds left to wait (at least 1)."""
        return max(1, int((self.until - at).total_seconds() + 0.999))


def account_key(username: str) -> str:
    """The throttle of an account name, whether or not such a user exists (so it reveals nothing)."""
    return f"user:{username.strip().lower()[:80]}"


def address_key(address: str | None) -> str:
    """The throttle of a client address."""
    return f"address:{(address or 'unknown')[:64]}"


def reserve(session: Session, username: str, address: str | None, at: datetime) -> Hold | None:
    """Count an attempt before its password is checked, under the rows' lock, so parallel guesses cannot slip past
    the count; None lets the attempt go ahead, a :class:`Hold` refuses it (and it is not counted)."""
    rows = [_locked_row(session, key, at) for key in (account_key(username), address_key(address))]
    holds = [Hold(row.blocked_until, row.failures >= LOCK_AFTER_FAILURES and row.key.startswith("user:"))
             for row in rows if row.blocked_until is not None and row.blocked_until > at]
    if holds:
        return max(holds, key=lambda hold: hold.until)
    for row, free in zip(rows, (ACCOUNT_FREE_ATTEMPTS, ADDRESS_FREE_ATTEMPTS), strict=True):
        row.failures += 1
        row.last_failure_at = at
        row.blocked_until = at + _delay(row.failures, free) if row.failures >= free else None
    session.flush()
    return None


def failed(session: Session, username: str, at: datetime) -> bool:
    """The reserved attempt failed; True when this failure locks the account (each lock goes on record)."""
    row = session.get(SignInThrottle, account_key(username), with_for_update=True)
    if row is None or row.failures < LOCK_AFTER_FAILURES:
        return False
    row.blocked_until = at + LOCK_TIME
    return True


def passed(session: Session, address: str | None) -> None:
    """A reserved attempt was right (a password, or a code): the address's count takes it back."""
    row = session.get(SignInThrottle, address_key(address), with_for_update=True)
    if row is not None:
        row.failures = max(0, row.failures - 1)
        if row.failures < ADDRESS_FREE_ATTEMPTS:
            row.blocked_until = None


def succeeded(session: Session, username: str) -> None:
    """The whole sign-in succeeded: the account starts afresh."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == account_key(username)))


def unlock(session: Session, username: str) -> bool:
    """Lift an account's delays and lockout; True when it was held."""
    return session.execute(delete(SignInThrottle).where(SignInThrottle.key == account_key(username))).rowcount > 0


def locked_until(session: Session, username: str, at: datetime) -> datetime | None:
    """Until when an account is locked, or None."""
    row = session.get(SignInThrottle, account_key(username))
    if row is None or row.failures < LOCK_AFTER_FAILURES or not row.blocked_until or row.blocked_until <= at:
        return None
    return row.blocked_until


def _locked_row(session: Session, key: str, at: datetime) -> SignInThrottle:
    """The throttle row of ``key``, created if missing and locked for this transaction; stale counts forgotten."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(SignInThrottle).values(key=key, failures=0, last_failure_at=at)
                    .on_conflict_do_nothing(index_elements=["key"]))
    row = session.scalar(select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()
                         .execution_options(populate_existing=True))
    if at - row.last_failure_at >= FORGET_AFTER and (row.blocked_until is None or row.blocked_until <= at):
        row.failures, row.blocked_until = 0, None
    return row


def _delay(failures: int, free: int) -> timedelta:
    return min(MAX_DELAY, timedelta(seconds=2 ** min(failures - free, 20)))
