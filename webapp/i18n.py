"""Which language a page speaks: the user's choice, else Chinese (the bureau's language)."""

from flask import current_app
from flask import request
from flask import session

LANGUAGES = ("zh_CN", "en")


def select_locale() -> str:
    """The chosen language kept in the session, or the configured default."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith("/api/"):
        return "zh_CN"
    return current_app.config.get("DEFAULT_LOCALE", "zh_CN")
