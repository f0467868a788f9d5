"""Two-factor sign-in (RFC 6238 TOTP): enrolment with a QR code, checking codes once only, recovery codes."""

import hashlib
import io
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import RecoveryCode
from storage.models import User
from workflows.errors import InvalidData
from workflows.text import t

ISSUER = "cadreflow"
RECOVERY_CODES = 10
# A code of the previous or next 30-second step is accepted too: phones' clocks drift.
VALID_WINDOW = 1


def required(user: User, roles_needing_it: frozenset[str]) -> bool:
    """Whether the bureau's policy makes two-factor sign-in compulsory for ``user``."""
    return bool(user.roles & roles_needing_it)


def enabled(user: User) -> bool:
    """Whether ``user`` signs in with a second factor."""
    return user.totp_enabled_at is not None


def new_secret() -> str:
    """A fresh shared secret (160 bits, base32), not yet stored: enrolment confirms it with a first code."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline SVG (no image library needed)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg"):]  # inline in a page: without the XML declaration


def enrol(session: Session, user: User, secret: str, code: str, at: datetime) -> list[str]:
    """Turn two-factor sign-in on once ``code`` proves the app holds ``secret``; returns new recovery codes."""
    step = _matching_step(secret, code, at, None)
    if step is None:
        raise InvalidData(t("验证码不正确"), {"code": t("验证码不正确，请核对手机时间后输入应用中当前显示的 6 位数字")})
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, at, step
    return new_recovery_codes(session, user)


def disable(session: Session, user: User) -> None:
    """Turn two-factor sign-in off and drop the recovery codes."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def check(session: Session, user: User, code: str, at: datetime) -> bool:
    """Whether ``code`` (an app's code or an unused recovery code) lets ``user`` in; each works once only."""
    code = "".join((code or "").split())
    if not enabled(user) or not code:
        return False
    if code.isdigit():
        step = _matching_step(user.totp_secret, code, at, user.totp_last_step)
        if step is None:
            return False
        user.totp_last_step = step
        return True
    row = session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                    RecoveryCode.code_sha256 == _digest(code),
                                                    RecoveryCode.used_at.is_(None)).with_for_update())
    if row is None:
        return False
    row.used_at = at
    return True


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace a user's recovery codes; the codes are shown once, only their digests are kept."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_sha256=_digest(code)) for code in codes)
    session.flush()
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    """How many of a user's recovery codes are unused."""
    return session.scalar(select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _matching_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step whose code is ``code`` near ``at``, if it is later than the last one used."""
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if (last_step is None or step > last_step) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode("utf-8")).hexdigest()
