"""Users, roles, password hashing (argon2id) and API tokens."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2 import profiles
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.base import utcnow
from storage.models import ApiToken
from storage.models import Role
from storage.models import User
from storage.models import UserRole
from workflows.actors import ROLE_NAMES
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.text import t

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

# argon2id, RFC 9106 low-memory profile (64 MiB, t=3, p=4), pinned so a library
# upgrade never silently weakens stored hashes; tests may use the cheapest profile.
HASHERS = {
    "standard": PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    "fast": PasswordHasher.from_parameters(profiles.CHEAPEST),
}


def hasher(profile: str = "standard") -> PasswordHasher:
    """The password hasher of a cost profile."""
    return HASHERS[profile]


def ensure_roles(session: Session) -> None:
    """Create any missing row of the known roles."""
    present = set(session.scalars(select(Role.code)))
    for code, (name_zh, name_en) in ROLE_NAMES.items():
        if code not in present:
            session.add(Role(code=code, name_zh=name_zh, name_en=name_en))
    session.flush()


def check_password_policy(password: str) -> None:
    """Length rules only (no composition rules, as ASVS asks)."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidData(t("密码长度不符合要求"), {
            "password": t("密码长度须在 {least} 到 {most} 个字符之间", least=MIN_PASSWORD_LENGTH,
                          most=MAX_PASSWORD_LENGTH)})


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
        check_password_policy(password)
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


def authenticate(session: Session, username: str, password: str, profile: str = "standard") -> User | None:
    """The active user whose password matches, or None; rehashes when the parameters changed."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.password_hash:
        hasher(profile).hash(password)  # spend the same time for unknown users
        return None
    try:
        hasher(profile).verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher(profile).check_needs_rehash(user.password_hash):
        user.password_hash = hasher(profile).hash(password)
    return user


def create_token(session: Session, user: User, label: str = "") -> str:
    """Issue an API token for ``user``; only its sha256 is kept, the token is returned once."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_token_digest(token), label=label))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = session.scalar(select(ApiToken).where(
        ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    return row.user


def revoke_tokens(session: Session, user: User) -> None:
    """Revoke every token of ``user``."""
    for row in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        row.revoked_at = row.revoked_at or utcnow()


def actor_for(user: User, role: str | None = None) -> Actor:
    """The :class:`Actor` of a user."""
    return Actor(user.id, user.username, frozenset(user.roles), role)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
