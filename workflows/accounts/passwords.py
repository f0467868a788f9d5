"""Passwords: the argon2id hashers and the policy a new password must meet (ASVS 5.0 §6.2)."""

from argon2 import PasswordHasher
from argon2 import profiles
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from workflows.errors import InvalidData
from workflows.text import t

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MIN_DISTINCT_CHARACTERS = 4

# argon2id, RFC 9106 low-memory profile (64 MiB, t=3, p=4), pinned so a library
# upgrade never silently weakens stored hashes; tests may use the cheapest profile.
HASHERS = {
    "standard": PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    "fast": PasswordHasher.from_parameters(profiles.CHEAPEST),
}

# The 30,000 most common passwords of the breach corpora zxcvbn ranks guesses with.
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def hasher(profile: str = "standard") -> PasswordHasher:
    """The password hasher of a cost profile."""
    return HASHERS[profile]


def hash_if_acceptable(password: str, *, username: str, display_name: str, profile: str = "standard") -> str | None:
    """The argon2 hash of a new ``password`` that meets the policy for that user; None if it does not (whoever
    stores it reports why). Called with no transaction open: a hash takes most of a second, and on SQLite every
    other writer would wait for it."""
    try:
        check_password_policy(password, username=username, display_name=display_name)
    except InvalidData:
        return None
    return hasher(profile).hash(password)


def check_password_policy(password: str, *, username: str = "", display_name: str = "") -> None:
    """Length, not a common password, not the user's own name; no composition rules, as ASVS asks."""
    problem = _problem(password or "", username.strip().lower(), display_name.strip().lower())
    if problem is not None:
        raise InvalidData(t("密码不符合要求：{problem}", problem=problem), {"password": problem})


def _problem(password: str, username: str, display_name: str):
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return t("密码长度须在 {least} 到 {most} 个字符之间", least=MIN_PASSWORD_LENGTH, most=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        return t("这是常见密码，容易被猜中，请换一个")
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        return t("密码至少要有 {count} 个不同的字符", count=MIN_DISTINCT_CHARACTERS)
    names = [name for name in (username, display_name) if len(name) >= 2]
    if any(name in lowered for name in names):
        return t("密码不能包含用户名或姓名")
    return None
