"""Which language a page speaks: the user's choice, else Chinese (the bureau's language)."""

from flask import current_app
from flask import request
from flask import session
from flask_babel import get_locale

from workflows import people

LANGUAGES = ("zh_CN", "en")


def select_locale() -> str:
    """The chosen language kept in the session, or the configured default."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith("/api/"):
        return "zh_CN"
    return current_app.config.get("DEFAULT_LOCALE", "zh_CN")


def english() -> bool:
    """Whether the page speaks English (the record's codes are then read in English where they can be)."""
    return str(get_locale()) == "en"


def status_name(code: str | None) -> str:
    """A case status in the page's language (已撤销, not "cancelled")."""
    return people.status_name(code, english())
