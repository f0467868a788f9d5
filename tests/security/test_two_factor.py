"""Two-factor sign-in (RFC 6238): compulsory for admin, auditor and party secretary by the default policy,
available to everyone; enrolment with a QR code and recovery codes; a code works once; guesses are throttled."""

import re

import pyotp
import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import User
from tests.webapp.conftest import add_user
from webapp.config import SETTINGS

PASSWORD = "password-123"


@pytest.fixture
def site(app):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["TWO_FACTOR_ROLES"] = SETTINGS["TWO_FACTOR_ROLES"][0]  # the shipped policy
    for username, role in (("root", "admin"), ("zhouting", "auditor"), ("lihua", "party_secretary"),
                           ("wangmin", "personnel_office")):
        add_user(app, username, role)
    return app


def password_step(app, username, client=None):
    client = client or app.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return client, answer.headers["Location"]


def enrol(app, clock, username):
    """Sign in for the first time: password, then set up the app; returns the client, secret and codes."""
    client, step = password_step(app, username)
    assert step == "/login/enrol"
    page = client.get(step).get_data(as_text=True)
    assert "<svg" in page  # the QR code, drawn inline
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', page).group(1)
    done = client.post(step, data={"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{8}-[0-9a-f]{8})</code></li>", done.get_data(as_text=True))
    return client, secret, codes


@pytest.mark.parametrize("username", ["root", "zhouting", "lihua"])
def test_the_three_roles_must_set_up_a_second_factor_before_any_page(site, username):
    client, step = password_step(site, username)
    assert step == "/login/enrol"
    assert client.get("/").status_code == 302  # not signed in until it is set up
    assert client.get("/inbox").status_code == 302


def test_other_roles_sign_in_with_their_password_and_may_turn_it_on(site, clock):
    client, step = password_step(site, "wangmin")
    assert step == "/"
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', page).group(1)
    assert client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).at(clock.now())}).status_code == 200
    clock.advance(seconds=30)
    _, step = password_step(site, "wangmin")
    assert step == "/login/code"


def test_a_wrong_first_code_does_not_turn_it_on(site):
    client, step = password_step(site, "root")
    answer = client.post(step, data={"code": "000000"})
    assert answer.status_code == 400 and "验证码不正确" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_after_enrolment_each_sign_in_asks_for_a_fresh_code_and_a_code_works_once(site, clock):
    first, secret, codes = enrol(site, clock, "root")
    assert len(codes) == 10 and first.get("/").status_code == 200
    used = pyotp.TOTP(secret).at(clock.now())
    client, step = password_step(site, "root")
    assert step == "/login/code"
    assert client.post(step, data={"code": used}).status_code == 401  # the enrolment's code, replayed
    clock.advance(seconds=30)
    assert client.post(step, data={"code": pyotp.TOTP(secret).at(clock.now())}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(site, clock):
    _, _, codes = enrol(site, clock, "zhouting")
    client, step = password_step(site, "zhouting")
    assert client.post(step, data={"code": codes[0]}).status_code == 302
    again, step = password_step(site, "zhouting")
    assert again.post(step, data={"code": codes[0]}).status_code == 401


def test_the_code_step_is_throttled_and_locks_like_the_password(site, clock):
    enrol(site, clock, "lihua")
    client, step = password_step(site, "lihua")
    statuses = []
    for _ in range(40):
        answer = client.post(step, data={"code": "123456"})
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            if "锁定" in answer.get_data(as_text=True):
                break
            clock.advance(seconds=int(answer.headers["Retry-After"]))
    assert "锁定" in answer.get_data(as_text=True) and statuses.count(401) <= 10
    with site.extensions["cadreflow.sessions"]() as session:
        types = list(session.scalars(select(AuditEvent.type).where(AuditEvent.type.like("user.%"))))
    assert "user.two_factor_failed" in types and "user.locked" in types


def test_the_password_step_alone_expires_after_five_minutes(site, clock):
    enrol(site, clock, "root")
    client, step = password_step(site, "root")
    clock.advance(minutes=6)
    assert client.post(step, data={"code": "123456"}).headers["Location"] == "/login"


def test_the_policy_keeps_a_required_role_from_turning_it_off_and_an_admin_can_reset_it(site, clock):
    client, secret, _ = enrol(site, clock, "lihua")
    clock.advance(seconds=30)
    refused = client.post("/account/two-factor/off", data={"code": pyotp.TOTP(secret).at(clock.now())})
    assert refused.status_code == 400 and "必须使用双因素登录" in refused.get_data(as_text=True)
    admin, admin_secret, _ = enrol(site, clock, "root")
    with site.extensions["cadreflow.sessions"]() as session:
        lihua = session.scalar(select(User.id).where(User.username == "lihua"))
    assert admin.post(f"/admin/users/{lihua}/two-factor/reset").status_code == 302
    assert client.get("/").status_code == 302  # her sessions ended
    _, step = password_step(site, "lihua")
    assert step == "/login/enrol"


def test_the_shell_can_rescue_an_administrator_who_lost_the_phone_or_is_locked_out(site, clock):
    enrol(site, clock, "root")
    for _ in range(3):
        site.test_client().post("/login", data={"username": "root", "password": "wrong-wrong-wrong"})
    runner = site.test_cli_runner()
    assert runner.invoke(args=["reset-two-factor", "root"]).exit_code == 0
    assert runner.invoke(args=["unlock", "root"]).exit_code == 0
    _, step = password_step(site, "root")
    assert step == "/login/enrol"
    with site.extensions["cadreflow.sessions"]() as session:
        rescued = list(session.scalars(select(AuditEvent.actor).where(
            AuditEvent.type.in_(["user.two_factor_reset", "user.unlocked"]))))
    assert len(rescued) == 2 and all(name.startswith("cli:") for name in rescued)
    refused = runner.invoke(args=["reset-two-factor", "nobody"])
    assert refused.exit_code == 1 and "nobody" in refused.output


def test_sign_ins_with_a_second_factor_leave_nothing_on_the_addresses_count(site, clock):
    """A whole office signs in from one address: right passwords and right codes are no failures."""
    _, secret, _ = enrol(site, clock, "root")
    for _ in range(12):
        clock.advance(seconds=30)
        client, step = password_step(site, "root")
        assert client.post(step, data={"code": pyotp.TOTP(secret).at(clock.now())}).status_code == 302
    assert site.test_client().post("/login", data={"username": "wangmin", "password": PASSWORD}).status_code == 302
