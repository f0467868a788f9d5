"""The pages of the skeleton: the start page and the inbox of my roles."""

from flask import Blueprint
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_login import login_required

from webapp import db
from webapp.i18n import status_name
from webapp.security import current_actor
from webapp.security import now
from workflows.actors import LANE_ROLES
from workflows.actors import ROLE_NAMES
from workflows.engine.clock import BEIJING
from workflows.queries import case_reads
from workflows.queries import notifications
from workflows.queries import worklists
from workflows.queries.ballot_secrecy import VOTE_METHODS

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def index():
    actor = current_actor()
    tasks = case_reads.inbox(db.session(), actor)
    return render_template("pages/index.html", tasks=tasks, news=notifications.digest(db.session(), actor, now()),
                           processes=case_reads.processes(db.session()))


@bp.get("/inbox")
@login_required
def inbox():
    args, actor = request.args, current_actor()
    tab = args.get("tab") or None
    page = max(args.get("page", 1, type=int), 1)
    rows = worklists.inbox(db.session(), actor, tab=tab, sort=args.get("sort", "due"),
                           process=args.get("process") or None, text=args.get("q", ""), page=page)
    return render_template("pages/inbox.html", rows=rows, tab=tab, args=args, now=now(), page=page,
                           more=len(rows) == worklists.INBOX_PAGE,
                           counts=worklists.tab_counts(db.session(), actor),
                           processes=case_reads.processes(db.session()))


@bp.app_context_processor
def _template_helpers():
    return {"lane_roles": set(LANE_ROLES), "role_name": role_name, "get_locale": get_locale, "status_name": status_name,
            "inbox_total": _inbox_total, "vote_method_name": vote_method_name}


def vote_method_name(code: str | None) -> str:
    """A party-group meeting's 表决方式 in the page's language."""
    names = VOTE_METHODS.get(code or "")
    if names is None:
        return code or "—"
    return names[1] if str(get_locale()) == "en" else names[0]


def _inbox_total() -> int:
    """The number beside "my inbox" in the navigation (an indexed count, asked only when shown)."""
    return worklists.inbox_count(db.session(), current_actor())


def role_name(code: str | None) -> str:
    """A role's name in the page's language."""
    names = ROLE_NAMES.get(code or "")
    if names is None:
        return code or "—"
    return names[1] if str(get_locale()) == "en" else names[0]


@bp.app_template_filter("datetime_local")
def datetime_local(value) -> str:
    """A UTC time shown in Beijing time, the bureau's clock."""
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if value else ""
