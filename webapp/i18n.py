"""Which language a page speaks: the user's choice, else Chinese (the bureau's language); domain messages in it."""

from pathlib import Path

from flask import current_app
from flask import has_request_context
from flask import request
from flask import session
from flask_babel import Domain
from flask_babel import get_locale

from workflows import vocabulary
from workflows.text import Text

LANGUAGES = ("zh_CN", "en")


def select_locale() -> str:
    """The chosen language kept in the session, or the configured default (the command line has no session)."""
    if not has_request_context():
        return current_app.config.get("DEFAULT_LOCALE", "zh_CN")
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
    return vocabulary.status_name(code, english())


# The domain's own messages (Chinese templates from workflows/, see workflows/text.py) have a catalog of their
# own: in Chinese they are already right, in English the ``domain`` catalog gives each template's English.
DOMAIN_MESSAGES = Domain(translation_directories=str(Path(__file__).parent / "translations"), domain="domain")


def printed(value):
    """What a template prints for ``value`` (Jinja's finalize): a domain message in the page's language.

    Called for every ``{{ … }}`` of every page, so anything that is not a domain message leaves at once.
    """
    return translated(value) if type(value) is Text else value


def translated(message):
    """A domain message (or a dict or list of them) in the page's language; anything else as it is."""
    if not english():
        return message  # a domain message is its Chinese sentence already
    if isinstance(message, Text):
        template = DOMAIN_MESSAGES.gettext(message.msgid)
        try:
            return template.format(**{name: translated(value) for name, value in message.params.items()})
        except (KeyError, IndexError, ValueError):  # a translation that lost a field: the Chinese is still right
            return str(message)
    if isinstance(message, dict):
        return {key: translated(value) for key, value in message.items()}
    if isinstance(message, list | tuple):
        return [translated(value) for value in message]
    return message
