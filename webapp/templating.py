"""What every template may use (times, roles, statuses, waits, the registry's codes), registered once on the app."""

import uuid

from flask import Flask
from flask import g
from flask_babel import get_locale

from webapp import db
from webapp.diagram_legend import LEGEND
from webapp.i18n import english
from webapp.i18n import status_name
from webapp.i18n import translated
from webapp.pages import waiting_text
from webapp.security import current_actor
from workflows.actors import LANE_ROLES
from workflows.actors import ROLE_NAMES
from workflows.engine.clock import BEIJING
from workflows.engine.clock import parse_iso
from workflows.processes import case_outcome
from workflows.queries import worklists
from workflows.queries.ballot_secrecy import VOTE_METHODS
from workflows.registry import codes


def init_app(app: Flask) -> None:
    """Register the filters, globals and helpers the templates of every blueprint use."""
    app.add_template_filter(datetime_local, "datetime_local")
    app.add_template_filter(iso_local, "iso_local")
    app.add_template_filter(waiting_text.text, "wait_text")
    # Each rendered start form carries a key of its own: the same form sent twice (a double click) starts one case.
    app.add_template_global(lambda: uuid.uuid4().hex, "new_key")
    # A domain message inside a _() sentence: {{ }} translates only what it prints itself.
    app.add_template_global(translated, "translated")
    app.add_template_global(LEGEND, "diagram_legend")
    app.context_processor(_helpers)


def _helpers() -> dict:
    in_english = english()
    return {"lane_roles": set(LANE_ROLES), "role_name": role_name, "get_locale": get_locale,
            "status_name": status_name, "inbox_total": inbox_total, "vote_method_name": vote_method_name,
            "codes": codes,
            # 办理中, "已办结：正式任职", "已终止：动议终止"; the status filter's words (已终止 apart from 已办结).
            "case_status": lambda case: case_outcome.label_of(case, in_english),
            "status_word": status_name, "case_filters": case_outcome.FILTERS}


def inbox_total() -> int:
    """The number beside "my inbox" in the navigation (an indexed count, asked only when shown, once a request)."""
    if "inbox_total" not in g:
        g.inbox_total = worklists.inbox_count(db.session(), current_actor())
    return g.inbox_total


def role_name(code: str | None) -> str:
    """A role's name in the page's language."""
    names = ROLE_NAMES.get(code or "")
    if names is None:
        return code or "—"
    return names[1] if english() else names[0]


def vote_method_name(code: str | None) -> str:
    """A party-group meeting's 表决方式 in the page's language."""
    names = VOTE_METHODS.get(code or "")
    if names is None:
        return code or "—"
    return names[1] if english() else names[0]


def datetime_local(value) -> str:
    """A UTC time shown in Beijing time, the bureau's clock."""
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if value else ""


def iso_local(text: str | None) -> str:
    """A recorded ISO time (a checkpoint's signing time) in Beijing time."""
    try:
        return datetime_local(parse_iso(text)) if text else ""
    except ValueError:
        return text
