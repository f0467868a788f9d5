"""Sign-in throttling: growing delays per account and per address, a lockout on record, unlocked by time or admin."""

import threading

import pytest
import requests
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import User
from tests.webapp.conftest import add_user
from tests.webapp.conftest import serving


@pytest.fixture
def site(app):
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "root", "admin")
    add_user(app, "wangmin", "personnel_office")
    return app


def attempt(app, username, password="wrong-password-0"):
    return app.test_client().post("/login", data={"username": username, "password": password})


def events(app, kind):
    with app.extensions["cadreflow.sessions"]() as session:
        return list(session.scalars(select(AuditEvent.payload).where(AuditEvent.type == kind)))


def fail_until_locked(app, clock, username) -> list[int]:
    """Wrong passwords, waiting out each delay as a patient attacker would, until the account is locked."""
    statuses = []
    for _ in range(60):
        answer = attempt(app, username)
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            if "锁定" in answer.get_data(as_text=True):
                return statuses
            clock.advance(seconds=int(answer.headers["Retry-After"]))
    raise AssertionError(f"never locked: {statuses}")


def test_fifty_wrong_passwords_then_the_right_one_does_not_sign_in(site):
    """The outside test: 50 wrong passwords in 33 s, then the right one signed in."""
    answers = [attempt(site, "wangmin").status_code for _ in range(50)]
    assert answers[:3] == [401, 401, 401]  # three free attempts, then a delay between attempts
    assert set(answers[3:]) == {429}
    assert attempt(site, "wangmin", "password-123").status_code == 429


def test_delays_grow_then_the_tenth_failure_locks_the_account_until_time_or_an_admin_lifts_it(site, clock):
    statuses = fail_until_locked(site, clock, "wangmin")
    assert statuses.count(401) == 10  # ten wrong passwords were checked, the rest were held
    [locked] = events(site, "user.locked")
    assert '"username":"wangmin"' in locked and '"failures":10' in locked
    right = attempt(site, "wangmin", "password-123")
    assert right.status_code == 429 and "锁定" in right.get_data(as_text=True)
    assert int(right.headers["Retry-After"]) == 15 * 60
    admin = site.test_client()  # the administrator, at another desk (address) than the guesser's
    admin.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert admin.post("/login", data={"username": "root", "password": "password-123"}).status_code == 302
    user_id = _user_id(site, "wangmin")
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "登录失败次数过多，已锁定至" in page
    assert admin.post(f"/admin/users/{user_id}/unlock").status_code == 302
    assert events(site, "user.unlocked")
    owner = site.test_client().post("/login", data={"username": "wangmin", "password": "password-123"},
                                    environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert owner.status_code == 302


def test_the_lockout_ends_by_itself_after_fifteen_minutes(site, clock):
    fail_until_locked(site, clock, "wangmin")
    clock.advance(minutes=14)
    assert attempt(site, "wangmin", "password-123").status_code == 429
    clock.advance(minutes=1)
    assert attempt(site, "wangmin", "password-123").status_code == 302


def test_an_unknown_name_is_held_like_a_real_one_so_the_answers_reveal_nothing(site, clock):
    statuses = fail_until_locked(site, clock, "nobody")
    assert statuses.count(401) == 10 and not events(site, "user.locked")


def test_one_address_guessing_many_names_is_slowed_down(site):
    answers = [attempt(site, f"guess{n}").status_code for n in range(14)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429] * 4
    # The account itself has no failures: its owner elsewhere is not affected.
    other = site.test_client().post("/login", data={"username": "wangmin", "password": "password-123"},
                                    environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


def test_a_success_does_not_clear_the_addresses_count_of_failures(site):
    for n in range(9):
        attempt(site, f"guess{n}")
    assert attempt(site, "wangmin", "password-123").status_code == 302  # does not take back the nine failures
    assert attempt(site, "guess9").status_code == 401
    assert attempt(site, "guess10").status_code == 429


def test_parallel_guesses_cannot_slip_past_the_count(site):
    """Twelve wrong passwords at once through a real server: only the three free attempts are checked."""
    with serving(site) as base:
        statuses, start = [], threading.Barrier(12)

        def guess():
            start.wait()
            statuses.append(requests.post(f"{base}/login", data={"username": "wangmin", "password": "nope-nope-nope"},
                                          allow_redirects=False, timeout=30).status_code)

        threads = [threading.Thread(target=guess) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [401] * 3 + [429] * 9


def _user_id(app, username) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_signing_in_and_out_keeps_the_chosen_language(site):
    client = site.test_client()
    client.post("/language/en")
    assert client.post("/login", data={"username": "wangmin", "password": "password-123"}).status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Sign in" in client.get("/login").get_data(as_text=True)
