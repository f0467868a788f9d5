"""What a case waits for, in words: "⑭任前公示期，至 2026-10-09（第 5 个工作日）" on pages and in the API."""

from datetime import datetime

from flask_babel import gettext as _

from workflows.engine.clock import BEIJING
from workflows.queries.waiting import Wait


def _until(wait: Wait) -> str:
    until = wait.until
    if isinstance(until, datetime):
        return until.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    return until.isoformat() if until else ""


def text(wait: Wait) -> str:
    """One line: what the case waits for and, for a timer, until when (with the working day it is)."""
    if wait.kind == "message":
        if wait.boundary:
            return _("May receive “%(name)s”", name=wait.name)
        return _("Waiting for “%(name)s”", name=wait.name)
    if wait.boundary:
        what = _("Deadline “%(name)s”", name=wait.name)
    elif wait.context:
        what = wait.context
    else:
        what = _("Waiting for %(name)s", name=wait.name)
    if wait.working_days:
        line = _("%(what)s, until %(day)s (working day %(count)s)", what=what, day=_until(wait),
                 count=wait.working_days)
    else:
        line = _("%(what)s, until %(day)s", what=what, day=_until(wait))
    if wait.provisional:
        line += _(" (provisional: counted on weekends only, the official calendar does not cover it yet)")
    return line


def as_json(wait: Wait) -> dict:
    """The API's view of one wait: its facts and the line the pages show."""
    return {**wait.as_dict(), "text": text(wait)}
