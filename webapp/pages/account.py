"""One's own account: change the password, turn two-factor sign-in on or off, renew the recovery codes."""

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

from storage.models import User
from webapp import db
from webapp.pages.auth import CodeForm
from webapp.pages.auth import two_factor_roles
from webapp.pages.form_errors import form_again
from webapp.security import SESSION_KEY
from webapp.security import now
from workflows.accounts import self_service
from workflows.accounts import two_factor
from workflows.errors import InvalidData

bp = Blueprint("account", __name__, url_prefix="/account")

# The secret being enrolled, until the first code confirms it.
ENROLLING = "enrolling_secret"


@bp.get("")
@login_required
def show():
    return _render()


@bp.post("/password")
@login_required
def change_password():
    form, user_id = request.form, current_user.id
    # argon2 runs twice here (most of a second each): read the hash in a read-only session and check with no
    # transaction open, then write; otherwise, on SQLite, every other writer waits for the check.
    with db.read_only() as reader:
        stored = self_service.Password.of(reader.get(User, user_id))
    try:
        checked = self_service.check_new_password(stored, form.get("current", ""), form.get("password", ""),
                                                   current_app.config["PASSWORD_PROFILE"])
    except InvalidData as invalid:
        return form_again(_render, 400, errors=invalid.errors)
    ended = self_service.change_password(db.session(), _me(), checked, now(), keep_key=session.get(SESSION_KEY))
    flash(_("Your password is changed; %(count)s other sign-in(s) ended.", count=ended), "success")
    return redirect(url_for("account.show"))


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def enrol():
    if two_factor.enabled(_me()):
        return redirect(url_for("account.show"))
    secret = session.get(ENROLLING) or two_factor.new_secret()
    session[ENROLLING] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = self_service.enable_two_factor(db.session(), _me(), secret, form.code.data, now())
        except InvalidData as invalid:
            return form_again(_enrol_page, 400, secret=secret, form=form, errors=invalid.errors)
        session.pop(ENROLLING, None)
        return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
    return _enrol_page(secret, form)


@bp.post("/two-factor/off")
@login_required
def disable():
    try:
        self_service.disable_two_factor(db.session(), _me(), request.form.get("code", ""), now(), two_factor_roles())
    except InvalidData as invalid:
        return form_again(_render, 400, errors=invalid.errors)
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("account.show"))


@bp.post("/recovery-codes")
@login_required
def renew_codes():
    try:
        codes = self_service.renew_recovery_codes(db.session(), _me(), request.form.get("code", ""), now())
    except InvalidData as invalid:
        return form_again(_render, 400, errors=invalid.errors)
    return render_template("auth/recovery_codes.html", codes=codes, first_time=False)


def _me() -> User:
    return db.session().get(User, current_user.id)


def _enrol_page(secret: str, form, errors: dict | None = None, status: int = 200):
    user = _me()
    qr = two_factor.qr_svg(two_factor.provisioning_uri(user, secret))
    return render_template("account/enrol.html", form=form, user=user, secret=secret, qr=qr,
                           errors=errors or {}), status


def _render(errors: dict | None = None, status: int = 200):
    user = _me()
    return render_template("account/show.html", user=user, errors=errors or {},
                           two_factor_on=two_factor.enabled(user),
                           two_factor_required=two_factor.required(user, two_factor_roles()),
                           codes_left=two_factor.recovery_codes_left(db.session(), user)), status
