"""Sign in (password, then the second factor or its enrolment), sign out, and the language switch."""

from datetime import datetime
from datetime import timedelta

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from storage.models import User
from webapp import db
from webapp.i18n import LANGUAGES
from webapp.pages.form_errors import form_again
from webapp.security import SESSION_KEY
from webapp.security import now
from webapp.templating import datetime_local
from workflows import accounts
from workflows.accounts import self_service
from workflows.accounts import sign_in
from workflows.accounts import throttle
from workflows.accounts import two_factor
from workflows.errors import InvalidData

bp = Blueprint("auth", __name__)

# Between the password and the second factor: who, since when, and (while enrolling) the new secret.
PENDING = "pending_sign_in"
PENDING_FOR = timedelta(minutes=5)


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=128)])


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField("code", validators=[DataRequired(), Length(max=40)])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (logout, language switch)."""


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    username, address = form.username.data.strip(), request.remote_addr
    held = _held(username, address)
    if held is not None:
        return _held_page("auth/login.html", held, form=form)
    user = _password_user(username, form.password.data)
    if user is None:
        with db.own_transaction() as record:  # the refusal stays on record though the answer is a 401
            sign_in.failed(record, username, address, now())
        flash(_("Wrong user name or password."), "error")
        return render_template("auth/login.html", form=form), 401
    throttle.passed(db.session(), address)
    if two_factor.enabled(user):
        return _pending(user, url_for("auth.second_factor"))
    if two_factor.required(user, two_factor_roles()):
        return _pending(user, url_for("auth.enrol"), secret=two_factor.new_secret())
    _signed_in(user, "none")
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    user = _pending_user()
    if user is None or not two_factor.enabled(user):
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form, user=user)
    held = _held(user.username, request.remote_addr)
    if held is not None:
        return _held_page("auth/code.html", held, form=form, user=user)
    if not two_factor.check(db.session(), user, form.code.data, now()):
        username = user.username
        with db.own_transaction() as record:
            sign_in.failed(record, username, request.remote_addr, now(), sign_in.TWO_FACTOR_FAILED)
        flash(_("The code is not right, or it was used already. Enter the code your app shows now."), "error")
        return render_template("auth/code.html", form=form, user=db.session().get(User, user.id)), 401
    throttle.passed(db.session(), request.remote_addr)
    _signed_in(user, "totp")
    return redirect(url_for("pages.index"))


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """Two-factor sign-in is compulsory for this user's role: set it up before the first page."""
    user, secret = _pending_user(), session.get(PENDING, {}).get("secret")
    if user is None or secret is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = self_service.enable_two_factor(db.session(), user, secret, form.code.data, now())
        except InvalidData as invalid:
            return form_again(_enrol_page, 400, user_id=user.id, secret=secret, form=form, errors=invalid.errors)
        _signed_in(user, "totp_enrolled")
        return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
    return _enrol_page(user_id=user.id, secret=secret, form=form)


def _enrol_page(user_id: int, secret: str, form, errors: dict | None = None, status: int = 200):
    user = db.session().get(User, user_id)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, user=user, secret=secret, qr=two_factor.qr_svg(uri),
                           errors=errors or {}), status


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        sign_in.signed_out(db.session(), current_user, session.get(SESSION_KEY), now())
        logout_user()
        _fresh_session()
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def language(code: str):
    if EmptyForm().validate_on_submit() and code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


def _password_user(username: str, password: str) -> User | None:
    """The user whose password this is, or None. The stored hash is read in a read-only transaction and checked
    with none open: argon2 takes most of a second, during which a write transaction would keep every other
    sign-in and write waiting on SQLite's lock. The request's own (writing) transaction begins after it."""
    with db.read_only() as read:
        stored = accounts.stored_password(read, username)
    check = accounts.check_password(stored, password, current_app.config["PASSWORD_PROFILE"])
    return accounts.checked_user(db.session(), check) if check is not None else None


def two_factor_roles() -> frozenset[str]:
    """The roles that must sign in with a second factor (setting ``TWO_FACTOR_ROLES``)."""
    return frozenset(role.strip() for role in current_app.config["TWO_FACTOR_ROLES"].split(",") if role.strip())


def _held(username: str, address: str | None) -> throttle.Hold | None:
    """Count this attempt first, in a transaction of its own, so that parallel guesses all see it."""
    with db.own_transaction() as record:
        return throttle.reserve(record, username, address, now())


def _held_page(template: str, held: throttle.Hold, **context):
    at = now()
    if held.locked:
        flash(_("This account is locked after too many failed sign-ins until %(time)s. "
                "Try again then, or ask an administrator to unlock it.", time=datetime_local(held.until)), "error")
    else:
        flash(_("Too many failed sign-ins. Wait %(seconds)s seconds and try again.", seconds=held.seconds(at)), "error")
    response = current_app.make_response((render_template(template, **context), 429))
    response.headers["Retry-After"] = str(held.seconds(at))
    return response


def _pending(user: User, next_step: str, secret: str | None = None):
    """The password was right; the sign-in waits for the second factor (for a few minutes at most)."""
    pending = {"user_id": user.id, "since": now().isoformat(), **({"secret": secret} if secret else {})}
    _fresh_session(**{PENDING: pending})
    return redirect(next_step)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or now() - datetime.fromisoformat(pending["since"]) > PENDING_FOR:
        session.pop(PENDING, None)
        return None
    user = db.session().get(User, pending["user_id"])
    return user if user is not None and user.active else None


def _signed_in(user: User, second_factor: str) -> None:
    """A fresh cookie session at every sign-in, holding only the key of the new server-side session."""
    key = sign_in.succeeded(db.session(), user, request.remote_addr, now(), second_factor=second_factor)
    _fresh_session(**{SESSION_KEY: key})
    login_user(user)
    session.permanent = True


def _fresh_session(**values) -> None:
    """Start the cookie session afresh with ``values``; only the chosen page language carries over."""
    lang = session.get("lang")
    session.clear()
    session.update(values, **({"lang": lang} if lang else {}))


def _safe_next(target: str | None) -> str:
    """Only a local path may follow a sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.index")
