"""The command line's messages, in the app's default language (Chinese unless DEFAULT_LOCALE says otherwise).

Domain messages (``t(…)`` of ``workflows``) go through ``webapp.i18n.translated``, as on the pages.
"""

import os
from functools import cache
from pathlib import Path

from babel import Locale
from babel.support import Translations
from flask import current_app
from flask_babel import gettext

from webapp import config

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def _(msgid: str, **values) -> str:
    """``gettext`` for the command line.

    A command runs in the app's context, but click converts its parameters before it, and a command that needs
    no app at all (``audit verify-bundle``) runs without one: there the catalog of the default language (the
    setting's default or ``CADREFLOW_DEFAULT_LOCALE``) is read directly, so a message never falls back to English.
    """
    if current_app:
        return gettext(msgid, **values)
    locale = os.environ.get("CADREFLOW_DEFAULT_LOCALE") or config.SETTINGS["DEFAULT_LOCALE"][0]
    text = _catalog(locale).ugettext(msgid)
    return text % values if values else text


@cache
def _catalog(locale: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [Locale.parse(locale)])

