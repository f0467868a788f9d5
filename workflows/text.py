"""Messages of the domain, in Chinese, that keep their template so that the web layer can show them in English.

``t("任务「{name}」已被办理", name=row.name)`` is the Chinese sentence itself (a ``str``: records, the API and the
command line read it as before) and remembers its template and values. The web layer looks the template up in the
``domain`` catalog (``webapp/translations/en/LC_MESSAGES/domain.po``) and fills it again in the reader's language.
Values that are themselves messages are translated too; user data (names, titles) stays as it is.
"""


class Text(str):
    """A Chinese message with its template (``msgid``) and the values filled into it (``params``)."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        text = super().__new__(cls, msgid.format(**params) if params else msgid)
        text.msgid, text.params = msgid, params
        return text

    def __reduce__(self):  # copies and pickles keep the template
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict) -> "Text":
    return Text(msgid, **params)


def t(msgid: str, **params) -> Text:
    """The message ``msgid`` (a Chinese template with ``{name}`` fields) filled with ``params``."""
    return Text(msgid, **params)


def joined(messages, separator: str = "；") -> str:
    """``messages`` one after another (``；`` between messages, ``、`` or ``，`` between names), each translatable."""
    parts = [part if isinstance(part, str) else str(part) for part in messages]
    if not parts:
        return ""
    text = parts[-1]
    # Nested pairs, so that each part is translated on its own; one literal template per separator, because the
    # catalog's extraction reads only literal t() templates.
    for part in reversed(parts[:-1]):
        if separator == "、":
            text = t("{first}、{rest}", first=part, rest=text)
        elif separator == "，":
            text = t("{first}，{rest}", first=part, rest=text)
        else:
            text = t("{first}；{rest}", first=part, rest=text)
    return text
