"""Server-side sessions: sign-out, a password change or reset, disabling and a role change end them; idle and
absolute timeouts; API tokens that expire. Through real HTTP with real cookies."""

import re
import sqlite3
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from storage.models import ApiToken
from storage.models import User
from storage.models import UserSession
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import serving


@pytest.fixture
def site(app):
    for username, role in (("root", "admin"), ("wangmin", "personnel_office")):
        add_user(app, username, role)
    with serving(app) as base:
        yield app, base


def browser(base: str, username: str, password: str = "password-123") -> requests.Session:
    """A browser signed in as ``username`` (with the CSRF token, as a real one posts)."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10).text
    answer = session.post(f"{base}/login", timeout=30, allow_redirects=False, data={
        "username": username, "password": password, "csrf_token": csrf(page)})
    assert answer.status_code == 302, f"{username} could not sign in"
    return session


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post(session: requests.Session, base: str, path: str, **data) -> requests.Response:
    token = csrf(session.get(f"{base}/", timeout=10).text)
    return session.post(f"{base}{path}", data={"csrf_token": token, **data}, timeout=30, allow_redirects=False)


def signed_in(session: requests.Session, base: str) -> bool:
    return session.get(f"{base}/", timeout=10, allow_redirects=False).status_code == 200


def user_id(app, username: str) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_a_cookie_saved_before_sign_out_no_longer_works_after_it(site):
    app, base = site
    first, other = browser(base, "wangmin"), browser(base, "wangmin")
    saved = first.cookies.copy()
    assert post(first, base, "/logout").status_code == 302
    replayed = requests.Session()
    replayed.cookies.update(saved)
    assert not signed_in(replayed, base)
    assert signed_in(other, base)  # signing out ends that one session only


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(site):
    app, base = site
    here, elsewhere = browser(base, "wangmin"), browser(base, "wangmin")
    answer = post(here, base, "/account/password", current="password-123", password="a-long-new-secret-7")
    assert answer.status_code == 302
    assert signed_in(here, base) and not signed_in(elsewhere, base)
    browser(base, "wangmin", "a-long-new-secret-7")


@pytest.mark.parametrize("change", [
    ("/password", {"password": "a-long-new-secret-7"}),
    ("/disable", {}),
    ("/roles", {"roles": ["personnel_office", "party_group"]}),
])
def test_an_admins_change_to_a_user_ends_every_session_of_theirs(site, change):
    app, base = site
    path, data = change
    theirs = [browser(base, "wangmin"), browser(base, "wangmin")]
    admin = browser(base, "root")
    assert post(admin, base, f"/admin/users/{user_id(app, 'wangmin')}{path}", **data).status_code == 302
    assert not any(signed_in(session, base) for session in theirs)
    assert signed_in(admin, base)


def test_a_session_ends_after_thirty_idle_minutes(site, clock):
    app, base = site
    session = browser(base, "wangmin")
    clock.advance(minutes=29)
    assert signed_in(session, base)  # a request keeps it alive
    clock.advance(minutes=29)
    assert signed_in(session, base)
    clock.advance(minutes=30)
    assert not signed_in(session, base)


def test_a_session_ends_after_its_absolute_lifetime_even_when_in_use(site, clock):
    app, base = site
    session = browser(base, "wangmin")
    for _ in range(11 * 3):  # every 20 minutes for 11 hours
        clock.advance(minutes=20)
        assert signed_in(session, base)
    clock.advance(hours=1)
    assert not signed_in(session, base)


def test_api_tokens_expire_after_ninety_days_by_default_and_show_when_they_were_last_used(site, clock):
    app, base = site
    admin = browser(base, "root")
    issued = post(admin, base, "/admin/tokens", user_id=user_id(app, "wangmin"), label="报表", days="90")
    token = re.search(r'id="token-value">([^<]+)<', issued.text).group(1)
    assert requests.get(f"{base}/api/v1/inbox", headers=bearer(token), timeout=10).status_code == 200
    with app.extensions["cadreflow.sessions"]() as session:
        row = session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
        assert row.last_used_at == clock.now() and (row.expires_at - row.created_at).days == 90
    clock.advance(days=90)
    assert requests.get(f"{base}/api/v1/inbox", headers=bearer(token), timeout=10).status_code == 401
    assert "已过期" in browser(base, "root").get(f"{base}/admin/tokens", timeout=10).text


def test_a_token_of_more_than_a_year_is_refused(site):
    app, base = site
    admin = browser(base, "root")
    answer = post(admin, base, "/admin/tokens", user_id=user_id(app, "wangmin"), days="400")
    assert answer.status_code == 422 and "有效期须在 1 到 365 天之间" in answer.text


@pytest.mark.parametrize("credential", ["cookie", "token"])
def test_a_busy_write_lock_leaves_the_last_seen_note_for_later_and_the_read_goes_on(site, clock, db_url, credential):
    # Under load a page read whose sign-in was due its once-a-minute note queued for SQLite's write lock behind
    # every writer, up to the 10 s busy timeout, and then answered 409 (make load). The note can wait; the read not.
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    app, base = site
    client = browser(base, "wangmin")
    headers = {}
    if credential == "token":
        admin = browser(base, "root")
        issued = post(admin, base, "/admin/tokens", user_id=user_id(app, "wangmin"), label="报表", days="90")
        headers = bearer(re.search(r'id="token-value">([^<]+)<', issued.text).group(1))
        client = requests.Session()
    path = "/api/v1/inbox" if credential == "token" else "/inbox"
    assert client.get(f"{base}{path}", headers=headers, timeout=10).status_code == 200
    clock.advance(minutes=5)  # the note is due
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing (the timer loop, a command)
    try:
        answer = client.get(f"{base}{path}", headers=headers, timeout=30)
        assert answer.status_code == 200
        assert answer.elapsed.total_seconds() < 5  # not the 10 s busy timeout
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert last_seen(app, credential) == clock.now() - timedelta(minutes=5)  # left for later
    assert client.get(f"{base}{path}", headers=headers, timeout=10).status_code == 200
    assert last_seen(app, credential) == clock.now()  # noted by the next request


def last_seen(app, credential: str):
    with app.extensions["cadreflow.sessions"]() as session:
        if credential == "token":
            return session.scalar(select(ApiToken.last_used_at).order_by(ApiToken.id.desc()).limit(1))
        return session.scalar(select(UserSession.last_seen_at).order_by(UserSession.id.desc()).limit(1))
