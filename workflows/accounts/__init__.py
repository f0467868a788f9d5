"""Users, roles, password hashing (argon2id) and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.base import utcnow
from storage.models import ApiToken
from storage.models import Role
from storage.models import User
from storage.models import UserRole
from workflows.accounts.passwords import check_password_policy
from workflows.accounts.passwords import hasher
from workflows.actors import ROLE_NAMES
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.text import t

# An API token works this many days unless the administrator chooses otherwise.
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365

def ensure_roles(session: Session) -> None:
    """Create any missing row of the known roles."""
    present = set(session.scalars(select(Role.code)))
    for code, (name_zh, name_en) in ROLE_NAMES.items():
        if code not in present:
            session.add(Role(code=code, name_zh=name_zh, name_en=name_en))
    session.flush()


def create_user(session: Session, username: str, roles: list[str], *, password: str | None = None,
                display_name: str | None = None, profile: str = "standard") -> User:
    """Create a user holding ``roles``; refuses unknown roles and a taken name."""
    ensure_roles(session)
    unknown = sorted(set(roles) - set(ROLE_NAMES))
    if unknown:
        raise InvalidData(t("角色不存在"), {"role": t("未知角色：{unknown}；可用：{known}", unknown=", ".join(unknown),
                                                     known=", ".join(ROLE_NAMES))})
    if session.scalar(select(User).where(User.username == username)):
        raise InvalidData(t("用户名已存在"), {"username": t("用户名 {username} 已存在", username=username)})
    user = User(username=username, display_name=display_name or username)
    if password is not None:
        check_password_policy(password, username=username, display_name=user.display_name)
        user.password_hash = hasher(profile).hash(password)
    user.role_links = [UserRole(role_code=code) for code in sorted(set(roles))]
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User:
    """The user called ``username``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(t("用户 {user} 不存在", user=username))
    return user


@dataclass(frozen=True)
class PasswordCheck:
    """A password found right: whose, the hash it matched, and a new hash when that one's parameters are old."""

    user_id: int
    matched_hash: str
    new_hash: str | None


def stored_password(session: Session, username: str) -> tuple[int, str] | None:
    """The id and password hash of the active user called ``username`` (None: none such, or no password)."""
    row = session.execute(select(User.id, User.password_hash, User.active).where(User.username == username)).first()
    if row is None or not row.active or not row.password_hash:
        return None
    return row.id, row.password_hash


def check_password(stored: tuple[int, str] | None, password: str, profile: str = "standard") -> PasswordCheck | None:
    """Whether ``password`` matches ``stored`` (of :func:`stored_password`), with a new hash if one is due.

    No database here: the argon2 work (most of a second) runs outside any transaction, so that it holds no lock.
    """
    if stored is None:
        hasher(profile).hash(password)  # spend the same time for unknown users
        return None
    user_id, password_hash = stored
    try:
        hasher(profile).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    renewed = hasher(profile).hash(password) if hasher(profile).check_needs_rehash(password_hash) else None
    return PasswordCheck(user_id, password_hash, renewed)


def checked_user(session: Session, check: PasswordCheck) -> User | None:
    """The user a check let in, read again in the writing transaction: None when the account was disabled or its
    password changed since the check (the old password no longer signs in); the new hash is kept."""
    user = session.get(User, check.user_id)
    if user is None or not user.active or user.password_hash != check.matched_hash:
        return None
    if check.new_hash is not None:
        user.password_hash = check.new_hash
    return user


def create_token(session: Session, user: User, label: str = "", *, at: datetime | None = None,
                 days: int = TOKEN_DAYS) -> str:
    """Issue an API token for ``user`` valid ``days`` days; only its sha256 is kept, the token is returned once."""
    token = secrets.token_urlsafe(32)
    at = at or utcnow()
    session.add(ApiToken(user_id=user.id, token_sha256=_token_digest(token), label=label, created_at=at,
                         expires_at=at + timedelta(days=days)))
    session.flush()
    return token


def live_token(session: Session, token: str, at: datetime) -> ApiToken | None:
    """The row of a bearer token that still works at ``at`` (not revoked, not expired, its user active), or None."""
    row = session.scalar(select(ApiToken).where(
        ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active or (row.expires_at is not None and row.expires_at <= at):
        return None
    return row


def note_token_used(session: Session, token_id: int, at: datetime) -> None:
    """Record when a token was last used."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


def revoke_tokens(session: Session, user: User) -> None:
    """Revoke every token of ``user``."""
    for row in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        row.revoked_at = row.revoked_at or utcnow()


def actor_for(user: User, role: str | None = None) -> Actor:
    """The :class:`Actor` of a user."""
    return Actor(user.id, user.username, frozenset(user.roles), role)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
