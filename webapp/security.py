"""Who is calling: the signed-in user for pages, the bearer token for the API; denials go on record."""

from functools import wraps

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask_login import current_user
from flask_login import login_required

from storage.models import User
from webapp import db
from webapp.extensions import login_manager
from workflows import access
from workflows import accounts
from workflows import commands
from workflows.actors import Actor
from workflows.engine.clock import local_date


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
    user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def token_user() -> User | None:
    """The user of the request's bearer token, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return accounts.user_for_token(db.session(), token.strip())


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
        if current_user.is_authenticated:
            refuse_auditor_writes(current_user)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", "default-src 'self'; object-src 'none'; "
                           "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


# What an auditor may still post: signing out, the page language, checking a checkpoint they kept.
AUDITOR_POSTS = frozenset({"auth.logout", "auth.language", "audit_pages.verify_kept"})


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
