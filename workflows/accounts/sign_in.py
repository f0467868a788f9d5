"""What a sign-in writes: the failed attempt and any lockout, the session it starts, the sign-out that ends it."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import User
from workflows.accounts import sessions
from workflows.accounts import throttle
from workflows.actors import Actor
from workflows.record import audit

LOGIN_FAILED = "user.login_failed"
TWO_FACTOR_FAILED = "user.two_factor_failed"


def failed(session: Session, username: str, address: str | None, at: datetime, event: str = LOGIN_FAILED) -> None:
    """Put a failed attempt on record; the failure that reaches the limit locks the account (``user.locked``)."""
    username = username[:80]
    actor = Actor(None, username, frozenset())
    audit.append(session, type_=event, at=at, actor=actor, payload={"username": username, "ip": address})
    if throttle.failed(session, username, at):
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            until = throttle.locked_until(session, username, at)
            audit.append(session, type_="user.locked", at=at, actor=actor, payload={
                "username": username, "ip": address, "until": until.isoformat(),
                "failures": throttle.LOCK_AFTER_FAILURES})


def succeeded(session: Session, user: User, address: str | None, at: datetime, *, second_factor: str) -> str:
    """Start the user's session after a successful sign-in; returns its key for the cookie."""
    throttle.succeeded(session, user.username)
    key = sessions.start(session, user.id, at, address or "")
    audit.append(session, type_="user.login", actor=Actor(user.id, user.username, frozenset(user.roles)), at=at,
                 payload={"ip": address, "second_factor": second_factor})
    return key


def signed_out(session: Session, user: User, key: str | None, at: datetime) -> None:
    """End the session the user signed out of."""
    row = sessions.find(session, key)
    if row is not None and row.user_id == user.id:
        sessions.end(session, row.id, at, sessions.SIGNED_OUT)
        audit.append(session, type_="user.logout", actor=Actor(user.id, user.username, frozenset(user.roles)),
                     at=at, payload={})
