"""Sign-in sessions kept on the server: started at sign-in, ended by sign-out, a password or role change, or time."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import User
from storage.models import UserSession

# Why a session ended (``user_session.ended_reason``).
SIGNED_OUT = "signed_out"
IDLE = "idle"
EXPIRED = "expired"
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
USER_DISABLED = "user_disabled"
ROLES_CHANGED = "roles_changed"
TWO_FACTOR_CHANGED = "two_factor_changed"

# A session's last-seen time is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lives: without a request (idle) and at most (absolute)."""

    idle: timedelta
    absolute: timedelta


def start(session: Session, user_id: int, at: datetime, address: str = "") -> str:
    """A new session for ``user_id``; returns the key for the cookie (only its sha256 is kept)."""
    key = secrets.token_urlsafe(32)
    session.add(UserSession(key_sha256=_digest(key), user_id=user_id, created_at=at, last_seen_at=at,
                            address=(address or "")[:64]))
    session.flush()
    return key


def find(session: Session, key: str | None) -> UserSession | None:
    """The session row of a cookie's key, ended or not."""
    if not key:
        return None
    return session.scalar(select(UserSession).where(UserSession.key_sha256 == _digest(key)))


def find_with_user(session: Session, key: str | None) -> tuple[UserSession, User] | None:
    """The session row of a cookie's key, ended or not, with its user: one read, which every page makes."""
    if not key:
        return None
    found = session.execute(select(UserSession, User).join(User, User.id == UserSession.user_id)
                            .where(UserSession.key_sha256 == _digest(key))).first()
    return None if found is None else tuple(found)


def why_over(row: UserSession, at: datetime, lifetimes: Lifetimes) -> str | None:
    """Why ``row`` can no longer be used at ``at``, or None while it is live."""
    if row.ended_at is not None:
        return row.ended_reason or SIGNED_OUT
    if at - row.created_at >= lifetimes.absolute:
        return EXPIRED
    if at - row.last_seen_at >= lifetimes.idle:
        return IDLE
    return None


def needs_touch(row: UserSession, at: datetime) -> bool:
    """Whether the last-seen time is stale enough to be written again."""
    return at - row.last_seen_at >= TOUCH_EVERY


def touch(session: Session, session_id: int, at: datetime) -> None:
    """Note that the session was used at ``at`` (keeps it from going idle)."""
    session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.ended_at.is_(None))
                    .values(last_seen_at=at))


def end(session: Session, session_id: int, at: datetime, reason: str) -> None:
    """End one session."""
    session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.ended_at.is_(None))
                    .values(ended_at=at, ended_reason=reason))


def end_all(session: Session, user_id: int, at: datetime, reason: str, *, keep_key: str | None = None) -> int:
    """End every live session of a user (but the one whose key is ``keep_key``); returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep_key:
        query = query.where(UserSession.key_sha256 != _digest(keep_key))
    return session.execute(query.values(ended_at=at, ended_reason=reason)).rowcount


def live_count(session: Session, user_id: int) -> int:
    """How many sessions of a user have not been ended (some may have gone idle since)."""
    return session.scalar(select(func.count()).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None)))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
