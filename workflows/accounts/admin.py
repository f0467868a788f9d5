"""What an administrator does to accounts: create, disable, reset passwords and second factors, unlock, set roles,
issue and revoke tokens."""

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ApiToken
from storage.models import User
from storage.models import UserRole
from workflows import accounts
from workflows.accounts import passwords
from workflows.accounts import sessions
from workflows.accounts import throttle
from workflows.accounts import two_factor
from workflows.actors import ROLE_NAMES
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.record import audit
from workflows.text import joined
from workflows.text import t

ADMIN_ROLE = "admin"
USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
MAX_DISPLAY_NAME = 120
MAX_LABEL = 120


def list_users(session: Session) -> list[User]:
    """Every user, by user name (their roles come with them)."""
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, user_id: int) -> User:
    """The user with ``user_id``."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(t("用户 {user} 不存在", user=user_id))
    return user


def create_user(session: Session, actor: Actor, at: datetime, *, username: str, display_name: str,
                roles: list[str], password: str, profile: str = "standard", password_hash: str | None = None) -> User:
    """A new user; :class:`InvalidData` lists every bad field at once and nothing is written then.

    ``password_hash``: the password hashed beforehand, with no transaction open (passwords.hash_if_acceptable)."""
    username, display_name = (username or "").strip(), (display_name or "").strip()
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = t("用户名为必填项，最多 80 个字符，只能包含字母、数字、点、下划线和连字符")
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = t("用户名 {username} 已存在", username=username)
    if len(display_name) > MAX_DISPLAY_NAME:
        errors["display_name"] = t("姓名最多 {limit} 个字符", limit=MAX_DISPLAY_NAME)
    _check_roles(roles, errors)
    try:
        accounts.check_password_policy(password or "", username=username, display_name=display_name)
    except InvalidData as invalid:
        errors.update(invalid.errors)
    if errors:
        raise InvalidData(t("用户信息有误：{problems}", problems=joined(errors.values())), errors)
    user = accounts.create_user(session, username, list(roles), display_name=display_name or username)
    user.password_hash = password_hash or passwords.hasher(profile).hash(password)
    user.created_at = at
    audit.append(session, type_="user.created", actor=_as_admin(actor), at=at, payload={
        "username": user.username, "display_name": user.display_name, "roles": sorted(user.roles)})
    return user


def set_active(session: Session, actor: Actor, at: datetime, user_id: int, active: bool) -> User:
    """Disable or enable a user; a disabled user can neither sign in nor use their API tokens."""
    user = get_user(session, user_id)
    if not active and user.id == actor.user_id:
        raise InvalidData(t("不能停用自己"), {"active": t("不能停用自己的账号，请由另一位管理员操作")})
    if user.active != active:
        user.active = active
        ended = 0 if active else sessions.end_all(session, user.id, at, sessions.USER_DISABLED)
        audit.append(session, type_="user.enabled" if active else "user.disabled", actor=_as_admin(actor),
                     at=at, payload={"username": user.username, **({} if active else {"sessions_ended": ended})})
    return user


def reset_password(session: Session, actor: Actor, at: datetime, user_id: int, password: str,
                   profile: str = "standard", password_hash: str | None = None) -> User:
    """Give a user a new password (the record says that it changed, never what it is); their sessions end.

    ``password_hash``: ``password`` hashed beforehand, with no transaction open (passwords.hash_if_acceptable)."""
    user = get_user(session, user_id)
    accounts.check_password_policy(password or "", username=user.username, display_name=user.display_name)
    user.password_hash = password_hash or passwords.hasher(profile).hash(password)
    ended = sessions.end_all(session, user.id, at, sessions.PASSWORD_RESET)
    audit.append(session, type_="user.password_reset", actor=_as_admin(actor), at=at,
                 payload={"username": user.username, "sessions_ended": ended})
    return user


def unlock(session: Session, actor: Actor, at: datetime, user_id: int) -> User:
    """Lift the lockout (and the delays) that failed sign-ins put on a user's account."""
    user = get_user(session, user_id)
    if throttle.unlock(session, user.username):
        audit.append(session, type_="user.unlocked", actor=_as_admin(actor), at=at,
                     payload={"username": user.username})
    return user


def reset_two_factor(session: Session, actor: Actor, at: datetime, user_id: int) -> User:
    """Take away a user's second factor (a lost phone): they set it up again at their next sign-in."""
    user = get_user(session, user_id)
    if not two_factor.enabled(user):
        raise InvalidData(t("未启用双因素登录"), {"two_factor": t("用户 {username} 未启用双因素登录",
                                                            username=user.username)})
    two_factor.disable(session, user)
    ended = sessions.end_all(session, user.id, at, sessions.TWO_FACTOR_CHANGED)
    audit.append(session, type_="user.two_factor_reset", actor=_as_admin(actor), at=at,
                 payload={"username": user.username, "sessions_ended": ended})
    return user


def set_roles(session: Session, actor: Actor, at: datetime, user_id: int, roles: list[str]) -> User:
    """Replace a user's roles; nobody may take the admin role from themselves."""
    user = get_user(session, user_id)
    errors: dict[str, str] = {}
    _check_roles(roles, errors)
    wanted = set(roles)
    if user.id == actor.user_id and ADMIN_ROLE in user.roles and ADMIN_ROLE not in wanted:
        errors["roles"] = t("不能取消自己的系统管理员角色，请由另一位管理员操作")
    if errors:
        raise InvalidData(t("角色有误：{problems}", problems=joined(errors.values())), errors)
    before = sorted(user.roles)
    if wanted != set(before):
        accounts.ensure_roles(session)
        kept = [link for link in user.role_links if link.role_code in wanted]
        added = sorted(wanted - set(before))
        user.role_links = kept + [UserRole(role_code=code) for code in added]
        session.flush()
        # A session signed in under the old roles (and perhaps without the second factor they now need) ends.
        ended = sessions.end_all(session, user.id, at, sessions.ROLES_CHANGED)
        audit.append(session, type_="user.roles_changed", actor=_as_admin(actor), at=at, payload={
            "username": user.username, "before": before, "after": sorted(wanted), "sessions_ended": ended})
    return user


def list_tokens(session: Session) -> list[ApiToken]:
    """Every API token (its digest only), newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def issue_token(session: Session, actor: Actor, at: datetime, user_id: int, label: str = "",
                days: int = accounts.TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new API token for a user, valid ``days`` days: the row and the token itself, returned this once only."""
    user = get_user(session, user_id)
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        raise InvalidData(t("用途说明过长"), {"label": t("用途说明最多 {limit} 个字符", limit=MAX_LABEL)})
    if not 1 <= days <= accounts.MAX_TOKEN_DAYS:
        raise InvalidData(t("有效期不符合要求"), {"days": t("有效期须在 1 到 {most} 天之间",
                                                         most=accounts.MAX_TOKEN_DAYS)})
    if not user.active:
        raise InvalidData(t("用户已停用"), {"user_id": t("用户 {username} 已停用，不能为其签发令牌",
                                                      username=user.username)})
    token = accounts.create_token(session, user, label, at=at, days=days)
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == accounts._token_digest(token)))
    audit.append(session, type_="user.token_created", actor=_as_admin(actor), at=at, payload={
        "username": user.username, "token_id": row.id, "label": label, "expires_at": row.expires_at.isoformat()})
    return row, token


def revoke_token(session: Session, actor: Actor, at: datetime, token_id: int) -> ApiToken:
    """Revoke one API token; it stops working at once."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(t("令牌 {token} 不存在", token=token_id))
    if row.revoked_at is not None:
        raise InvalidData(t("令牌已吊销"), {"token": t("令牌 {token} 此前已吊销", token=token_id)})
    row.revoked_at = at
    audit.append(session, type_="user.token_revoked", actor=_as_admin(actor), at=at, payload={
        "username": row.user.username, "token_id": row.id, "label": row.label})
    return row


def _check_roles(roles: list[str], errors: dict[str, str]) -> None:
    unknown = sorted(set(roles) - set(ROLE_NAMES))
    if unknown:
        errors["roles"] = t("未知角色：{roles}", roles=joined(unknown, "、"))


def _as_admin(actor: Actor) -> Actor:
    return actor.acting_as(ADMIN_ROLE) if ADMIN_ROLE in actor.roles else actor
