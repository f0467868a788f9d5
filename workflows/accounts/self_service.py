"""What users do to their own account: change their password, turn two-factor sign-in on or off, renew codes."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import User
from workflows.accounts import passwords
from workflows.accounts import sessions
from workflows.accounts import two_factor
from workflows.actors import Actor
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.text import t


@dataclass(frozen=True)
class Password:
    """What checking a password change reads of the user: their names (the policy) and the stored hash."""

    username: str
    display_name: str
    password_hash: str | None

    @classmethod
    def of(cls, user: User) -> "Password":
        return cls(user.username, user.display_name, user.password_hash)


@dataclass(frozen=True)
class NewPassword:
    """A password change checked and hashed: the hash the current password matched, and the new one's."""

    matched_hash: str
    new_hash: str


def check_new_password(stored: Password, current: str, new: str, profile: str = "standard") -> NewPassword:
    """The current password checked and the new one hashed, or InvalidData naming the fields.

    No database here: the two argon2 runs (most of a second each) go outside any transaction, so that they hold no
    lock (on SQLite every other writer would wait for them).
    """
    errors = {}
    try:
        passwords.hasher(profile).verify(stored.password_hash or "", current or "")
    except Exception:  # argon2 raises several kinds (mismatch, bad hash): all mean "not the current password"
        errors["current"] = t("当前密码不正确")
    try:
        passwords.check_password_policy(new, username=stored.username, display_name=stored.display_name)
    except InvalidData as invalid:
        errors.update(invalid.errors)
    if not errors and new == current:
        errors["password"] = t("新密码不能与当前密码相同")
    if errors:
        raise InvalidData(t("密码未修改"), errors)
    return NewPassword(stored.password_hash, passwords.hasher(profile).hash(new))


def change_password(session: Session, user: User, checked: NewPassword, at: datetime, *,
                    keep_key: str | None) -> int:
    """Store a checked new password; the user's other sessions end. Returns how many ended. Conflict when the
    password changed since it was checked (another sign-in of theirs, an administrator's reset)."""
    if user.password_hash != checked.matched_hash:
        raise Conflict(t("密码刚在别处被修改，本次修改未保存；请用新密码重新登录后再试"))
    user.password_hash = checked.new_hash
    ended = sessions.end_all(session, user.id, at, sessions.PASSWORD_CHANGED, keep_key=keep_key)
    audit.append(session, type_="user.password_changed", actor=_actor(user), at=at,
                 payload={"username": user.username, "sessions_ended": ended})
    return ended


def enable_two_factor(session: Session, user: User, secret: str, code: str, at: datetime) -> list[str]:
    """Turn on two-factor sign-in once a first code proves the app holds the secret; returns the recovery codes."""
    codes = two_factor.enrol(session, user, secret, code, at)
    audit.append(session, type_="user.two_factor_enabled", actor=_actor(user), at=at,
                 payload={"username": user.username})
    return codes


def disable_two_factor(session: Session, user: User, code: str, at: datetime, required_roles: frozenset[str]) -> None:
    """Turn two-factor sign-in off (with a current code); not for a role whose policy requires it."""
    if two_factor.required(user, required_roles):
        raise InvalidData(t("不能关闭双因素登录"), {"code": t("按本单位规定，您的角色必须使用双因素登录")})
    _check_code(session, user, code, at)
    two_factor.disable(session, user)
    audit.append(session, type_="user.two_factor_disabled", actor=_actor(user), at=at,
                 payload={"username": user.username})


def renew_recovery_codes(session: Session, user: User, code: str, at: datetime) -> list[str]:
    """New recovery codes (the old ones stop working), with a current code."""
    _check_code(session, user, code, at)
    codes = two_factor.new_recovery_codes(session, user)
    audit.append(session, type_="user.recovery_codes_renewed", actor=_actor(user), at=at,
                 payload={"username": user.username})
    return codes


def _check_code(session: Session, user: User, code: str, at: datetime) -> None:
    if not two_factor.check(session, user, code, at):
        raise InvalidData(t("验证码不正确"), {"code": t("验证码不正确或已使用过，请输入应用中当前显示的 6 位数字")})


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, frozenset(user.roles))
