"""Sign in and out, and the language switch."""

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

from webapp import db
from webapp.i18n import LANGUAGES
from webapp.security import now
from workflows import accounts
from workflows.actors import Actor
from workflows.record import audit

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=128)])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (logout, language switch)."""


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        user = accounts.authenticate(db.session(), username, form.password.data,
                                     current_app.config["PASSWORD_PROFILE"])
        if user is None:
            with db.own_transaction() as record:  # the refusal stays on record though the answer is a 401
                audit.append(record, type_="user.login_failed", at=now(),
                             actor=Actor(None, username[:80], frozenset()),
                             payload={"username": username[:80], "ip": request.remote_addr})
            flash(_("Wrong user name or password."), "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()  # a fresh session at every sign-in
        login_user(user)
        session.permanent = True
        audit.append(db.session(), type_="user.login", actor=accounts.actor_for(user), at=now(),
                     payload={"ip": request.remote_addr})
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only a local path may follow a sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.index")


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def language(code: str):
    if EmptyForm().validate_on_submit() and code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
