"""The administrator's pages: users and roles, API tokens, and process versions with their upload."""

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from storage.models import User
from webapp import bounded
from webapp import db
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from workflows.accounts import MAX_TOKEN_DAYS
from workflows.accounts import TOKEN_DAYS
from workflows.accounts import admin as account_admin
from workflows.accounts import passwords
from workflows.accounts import sessions as server_sessions
from workflows.accounts import throttle
from workflows.actors import ROLE_NAMES
from workflows.errors import DeployError
from workflows.errors import InvalidData
from workflows.processes import process_versions
from workflows.processes.process_versions import MAX_FILES
from workflows.processes.xml_checks import MAX_FILE_BYTES

bp = Blueprint("admin", __name__, url_prefix="/admin")
UPLOAD_LIMITS = {"files": MAX_FILES, "mib": MAX_FILE_BYTES // (1024 * 1024),
                 "suffixes": "、".join(process_versions.SUFFIXES)}


@bp.get("")
@roles_required("admin")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@roles_required("admin")
def users():
    return _render_users()


@bp.post("/users")
@roles_required("admin")
def create_user():
    form, profile = request.form, current_app.config["PASSWORD_PROFILE"]
    # Hashed with no transaction open (the request's, begun by the sign-in's checks, is undone first): on SQLite
    # every other writer would wait for argon2.
    db.before_slow_work()
    hashed = passwords.hash_if_acceptable(form.get("password", ""), username=form.get("username", ""),
                                          display_name=form.get("display_name", ""), profile=profile)
    try:
        user = account_admin.create_user(
            db.session(), current_actor(), now(), username=form.get("username", ""),
            display_name=form.get("display_name", ""), roles=form.getlist("roles"),
            password=form.get("password", ""), profile=profile, password_hash=hashed)
    except InvalidData as invalid:
        return form_again(_render_users, 422, errors=invalid.errors)
    flash(_("User %(username)s created.", username=user.username), "ok")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.get("/users/<int:user_id>")
@roles_required("admin")
def user(user_id: int):
    return _render_user(user_id)


@bp.post("/users/<int:user_id>/roles")
@roles_required("admin")
def set_roles(user_id: int):
    roles = request.form.getlist("roles")
    return _change(user_id, _("Roles updated."), lambda: account_admin.set_roles(
        db.session(), current_actor(), now(), user_id, roles), selected=roles)


@bp.post("/users/<int:user_id>/disable")
@roles_required("admin")
def disable(user_id: int):
    done = _("User disabled: they can no longer sign in, and their API tokens no longer work.")
    return _change(user_id, done, lambda: account_admin.set_active(
        db.session(), current_actor(), now(), user_id, False))


@bp.post("/users/<int:user_id>/enable")
@roles_required("admin")
def enable(user_id: int):
    return _change(user_id, _("User enabled."), lambda: account_admin.set_active(
        db.session(), current_actor(), now(), user_id, True))


@bp.post("/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int):
    done = _("Password reset; tell the user through a safe channel.")
    password, profile = request.form.get("password", ""), current_app.config["PASSWORD_PROFILE"]
    # Hashed before the write session opens (the names the policy reads, from a read-only session): on SQLite
    # every other writer would wait for argon2.
    with db.read_only() as reader:
        target = reader.get(User, user_id)
        names = (target.username, target.display_name) if target is not None else None
    hashed = (passwords.hash_if_acceptable(password, username=names[0], display_name=names[1], profile=profile)
              if names else None)
    return _change(user_id, done, lambda: account_admin.reset_password(
        db.session(), current_actor(), now(), user_id, password, profile, password_hash=hashed))


@bp.post("/users/<int:user_id>/unlock")
@roles_required("admin")
def unlock(user_id: int):
    done = _("Account unlocked; the user can sign in again.")
    return _change(user_id, done, lambda: account_admin.unlock(db.session(), current_actor(), now(), user_id))


@bp.post("/users/<int:user_id>/two-factor/reset")
@roles_required("admin")
def reset_two_factor(user_id: int):
    done = _("Two-factor sign-in reset; the user sets it up again at the next sign-in.")
    return _change(user_id, done, lambda: account_admin.reset_two_factor(db.session(), current_actor(), now(),
                                                                         user_id))


@bp.get("/tokens")
@roles_required("admin")
def tokens():
    return _render_tokens()


@bp.post("/tokens")
@roles_required("admin")
def create_token():
    user_id = bounded.posted_id(request.form.get("user_id"))
    try:
        if user_id is None:
            raise InvalidData(_("Choose a user."), {"user_id": _("Choose the user the token is for.")})
        days_given = request.form.get("days", "").strip()
        days = bounded.posted_id(days_given) if days_given else TOKEN_DAYS
        if days is None:
            raise InvalidData(_("Give the days as a whole number."), {"days": _("Give the days as a whole number.")})
        row, token = account_admin.issue_token(db.session(), current_actor(), now(), user_id,
                                               request.form.get("label", ""), days)
    except InvalidData as invalid:
        return form_again(_render_tokens, 422, errors=invalid.errors)
    # Not a redirect: the token is shown on this answer only (never in the session cookie, never again).
    return _render_tokens(issued=(row, token))


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_token(token_id: int):
    try:
        account_admin.revoke_token(db.session(), current_actor(), now(), token_id)
    except InvalidData as invalid:
        return form_again(_render_tokens, 422, errors=invalid.errors)
    flash(_("Token #%(id)s revoked; it no longer works.", id=token_id), "ok")
    return redirect(url_for("admin.tokens"))


@bp.get("/processes")
@roles_required("admin")
def processes():
    return _render_processes()


@bp.post("/processes")
@roles_required("admin")
def upload():
    chosen = [item for item in request.files.getlist("files") if item.filename]
    try:
        if len(chosen) > MAX_FILES:  # refused before any file is read
            raise DeployError(_("At most %(most)s files at a time; %(count)s were sent.", most=MAX_FILES,
                                count=len(chosen)))
        # One byte over the limit is enough to know a file is too large.
        uploads = [(item.filename, item.stream.read(MAX_FILE_BYTES + 1)) for item in chosen]
        bundle, ignored = process_versions.bundle_from_uploads(uploads)
        stored = process_versions.deploy_bundle(db.session(), bundle, current_actor(), now())
    except DeployError as error:
        return form_again(_render_processes, 422, error=error)
    for spec, new in stored:
        if new:
            flash(_("Deployed “%(name)s” (%(process)s), version %(version)s.", name=spec.name,
                    process=spec.process_id, version=spec.version), "ok")
        else:
            flash(_("“%(name)s” is the same as the deployed version %(version)s; no new version was made.",
                    name=spec.name, version=spec.version), "ok")
    if ignored:
        flash(_("These forms are used by no process and were not deployed: %(forms)s",
                forms=_(", ").join(ignored)), "ok")
    return redirect(url_for("admin.processes"))


def _change(user_id: int, done: str, change, selected: list[str] | None = None):
    try:
        change()
    except InvalidData as invalid:
        return form_again(_render_user, 422, user_id=user_id, errors=invalid.errors, selected=selected)
    flash(done, "ok")
    return redirect(url_for("admin.user", user_id=user_id))


def _render_users(errors: dict | None = None, status: int = 200):
    return render_template("admin/users.html", users=account_admin.list_users(db.session()), role_names=ROLE_NAMES,
                           errors=errors or {}, form=request.form if errors else {}), status


def _render_user(user_id: int, errors: dict | None = None, status: int = 200, selected: list[str] | None = None):
    target = account_admin.get_user(db.session(), user_id)
    return render_template("admin/user.html", user=target, role_names=ROLE_NAMES, errors=errors or {},
                           selected=set(target.roles if selected is None else selected),
                           locked_until=throttle.locked_until(db.session(), target.username, now()),
                           live_sessions=server_sessions.live_count(db.session(), target.id)), status


def _render_tokens(errors: dict | None = None, status: int = 200, issued=None):
    session = db.session()
    response = make_response(render_template(
        "admin/tokens.html", tokens=account_admin.list_tokens(session),
        users=[user for user in account_admin.list_users(session) if user.active],
        errors=errors or {}, form=request.form if errors else {}, issued=issued, now=now(),
        default_days=TOKEN_DAYS, max_days=MAX_TOKEN_DAYS), status)
    if issued is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _render_processes(error: DeployError | None = None, status: int = 200):
    total = current_app.config.get("MAX_CONTENT_LENGTH")
    limits = {**UPLOAD_LIMITS, "total_mib": total // (1024 * 1024) if total else None}
    return render_template("admin/processes.html", processes=process_versions.processes(db.session()),
                           error=error, limits=limits, statuses=process_versions.CASE_STATUSES), status
