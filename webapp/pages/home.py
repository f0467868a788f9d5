"""The pages of the skeleton: the start page and the inbox of my roles."""

from flask import Blueprint
from flask import g
from flask import render_template
from flask import request
from flask_login import login_required

from webapp import bounded
from webapp import db
from webapp.security import current_actor
from webapp.security import now
from webapp.templating import inbox_total
from workflows.queries import case_reads
from workflows.queries import notifications
from workflows.queries import worklists

bp = Blueprint("pages", __name__)
# The start page shows this many of the tasks waiting, oldest first, and links to the inbox for the rest.
SHOWN_TASKS = 20


@bp.get("/")
@login_required
def index():
    actor = current_actor()
    # The oldest few of the inbox (the inbox page lists them all); the count is of them all.
    found = worklists.inbox(db.session(), actor, sort="oldest", per_page=SHOWN_TASKS)
    total = inbox_total() if found.more else len(found.rows)
    # The rows carry their case's title: the list reads no case row of its own (one query per task, before).
    return render_template("pages/index.html", rows=found.rows, total=total,
                           news=notifications.digest(db.session(), actor, now()),
                           processes=case_reads.processes(db.session()))


@bp.get("/inbox")
@login_required
def inbox():
    args, actor = request.args, current_actor()
    tab = args.get("tab") or None
    page = bounded.query_int("page", 1, clamp=True)
    found = worklists.inbox(db.session(), actor, tab=tab, sort=args.get("sort", "due"),
                            process=args.get("process") or None, text=args.get("q", ""), page=page)
    counts, g.inbox_total = worklists.inbox_counts(db.session(), actor)  # the navigation's number too
    return render_template("pages/inbox.html", rows=found.rows, tab=tab, args=args, now=now(), page=page,
                           more=found.more, counts=counts,
                           processes=case_reads.processes(db.session()))

