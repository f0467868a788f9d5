"""Who is calling: the signed-in user for pages, the bearer token for the API; denials go on record."""

from datetime import timedelta
from functools import wraps

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask import session
from flask_login import current_user
from flask_login import login_required

from storage.models import User
from webapp import db
from webapp.extensions import login_manager
from workflows import access
from workflows import accounts
from workflows import commands
from workflows.accounts import sessions as server_sessions
from workflows.actors import Actor
from workflows.engine.clock import local_date

# The flask session holds only the key of the server-side session.
SESSION_KEY = "sid"


def now():
    """The current time from the app's clock (tests inject a fixed one)."""
    return current_app.extensions["cadreflow.clock"].now()


def today():
    """Today in Beijing time, the bureau's calendar day."""
    return local_date(now())


def policy():
    """The bureau's rule parameters (``CADREFLOW_POLICY_FILE``)."""
    return current_app.extensions["cadreflow.policy"]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of this request's server-side session: none once it was ended, went idle or grew too old."""
    row, user = server_sessions.find_with_user(db.session(), session.get(SESSION_KEY)) or (None, None)
    if row is None or str(row.user_id) != user_id:
        return None
    at = now()
    over = server_sessions.why_over(row, at, lifetimes())
    if over is not None or server_sessions.needs_touch(row, at):
        with db.passing_note() as write:  # a page read writes only this, in a short transaction of its own
            if over is None:
                server_sessions.touch(write, row.id, at)
            else:
                server_sessions.end(write, row.id, at, over)
        if over is not None:
            return None
    return user if user.active else None


def lifetimes() -> server_sessions.Lifetimes:
    """How long a sign-in lives without a request, and at most (settings)."""
    return server_sessions.Lifetimes(idle=timedelta(minutes=current_app.config["IDLE_MINUTES"]),
                                       absolute=timedelta(hours=current_app.config["SESSION_HOURS"]))


def token_user() -> User | None:
    """The user of the request's live bearer token, if any; its last use is noted (at most once a minute)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    at = now()
    row = accounts.live_token(db.session(), token.strip(), at)
    if row is None:
        return None
    if row.last_used_at is None or at - row.last_used_at >= server_sessions.TOUCH_EVERY:
        token_id, user_id = row.id, row.user_id
        with db.passing_note() as write:
            accounts.note_token_used(write, token_id, at)
        return db.session().get(User, user_id)
    return row.user


def current_actor() -> Actor:
    """The acting user of this request."""
    user = g.get("api_user") or current_user
    return accounts.actor_for(user)


def record_denial(reason: str) -> None:
    """Put a refused request on record, in its own transaction."""
    user = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    if user is None:
        return
    actor = accounts.actor_for(user)  # before the request's work is undone, which expires the user object
    with db.own_transaction() as session:
        commands.record_access_denied(session, actor, now(),
                                      f"{request.method} {request.path}", request.path, reason,
                                      case_id=g.get("case_id"))


def install_response_hooks(app) -> None:
    """Before each request: refuse an auditor's writes; after it: the security headers on every answer."""

    @app.before_request
    def _auditors_only_read():
        # A static file is no write, and asking who sent it would read the session and the user for nothing.
        if request.endpoint != "static" and current_user.is_authenticated:
            refuse_auditor_writes(current_user)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", "default-src 'self'; object-src 'none'; "
                           "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static" and "no-store" not in headers.get("Cache-Control", ""):
            # Pages, API answers and downloads show what one user may read, and forms carry a CSRF token:
            # no cache keeps them (a file's own "no-cache" included). Static files (stylesheets, scripts) still cache.
            headers["Cache-Control"] = "no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


# What an auditor may still post: signing in and out, the page language, their own account, checking a checkpoint.
AUDITOR_POSTS = frozenset({"auth.login", "auth.second_factor", "auth.enrol", "auth.logout", "auth.language",
                           "account.change_password", "account.enrol", "account.disable", "account.renew_codes",
                           "audit_pages.verify_kept"})


def refuse_auditor_writes(user) -> None:
    """Auditors read every case and act on none: any other command is refused and goes on record."""
    if (request.method not in db.READ_METHODS and "auditor" in user.roles
            and request.endpoint not in AUDITOR_POSTS):
        # The reason is part of the record; the page says 403.
        record_denial(access.AUDITORS_ONLY_READ)
        abort(403)


def roles_required(*roles: str):
    """Let only users holding one of ``roles`` in; others get the 403 page (and it goes on record)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not set(roles) & set(current_user.roles):
                record_denial(access.needs_roles(roles))
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate
