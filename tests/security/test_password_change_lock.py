"""Changing a password runs its argon2 hashes with no transaction open (one's own, an administrator's reset, a new
user's): on SQLite no writer waits for them."""

import sqlite3

import pytest

from tests.conftest import make_actor
from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from workflows import accounts
from workflows.accounts import admin as account_admin
from workflows.accounts import passwords
from workflows.accounts import self_service
from workflows.errors import Conflict


class LockProbe:
    """A hasher that, whenever argon2 would run, notes whether another connection can take SQLite's write lock."""

    def __init__(self, path: str, real):
        self.path, self.real, self.lock_was_free = path, real, []

    def _probe(self) -> None:
        connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            self.lock_was_free.append(True)
        except sqlite3.OperationalError:
            self.lock_was_free.append(False)
        finally:
            connection.close()

    def verify(self, stored, password):
        self._probe()
        return self.real.verify(stored, password)

    def hash(self, password):
        self._probe()
        return self.real.hash(password)


def probed_site(app, db_url: str, monkeypatch, *users: tuple[str, str]):
    """(a client signed in as the first of ``users`` (name, role), a :class:`LockProbe`): the app on SQLite with
    those users, its hashers replaced by the probe once the client has signed in."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    app.config["WTF_CSRF_ENABLED"] = False
    for username, role in users:
        add_user(app, username, role)
    client = signed_in(app, users[0][0])
    probe = LockProbe(db_url.removeprefix("sqlite:///"), passwords.hasher("fast"))
    monkeypatch.setattr(passwords, "hasher", lambda _profile="standard": probe)
    monkeypatch.setattr(accounts, "hasher", lambda _profile="standard": probe)  # what admin pages used before
    return client, probe


@pytest.mark.parametrize("current", ["password-123", "wrong-password-9"])
def test_the_password_checks_hold_no_write_lock(app, db_url, monkeypatch, current):
    client, probe = probed_site(app, db_url, monkeypatch, ("wangmin", "personnel_office"))
    answer = client.post("/account/password", data={"current": current, "password": "a-new-password-42"})
    assert answer.status_code == (302 if current == "password-123" else 400)
    assert probe.lock_was_free and all(probe.lock_was_free), probe.lock_was_free


def test_a_password_reset_between_the_check_and_the_write_is_not_overwritten(sessions, clock):
    admin = make_actor(sessions, "root", "admin")
    with sessions.begin() as session:
        user = account_admin.create_user(session, admin, clock.now(), username="zhao", display_name="赵",
                                         roles=["discipline"], password="secret-one-1", profile="fast")
        checked = self_service.check_new_password(self_service.Password.of(user), "secret-one-1", "secret-three-3",
                                                  "fast")
        account_admin.reset_password(session, admin, clock.now(), user.id, "secret-two-2", "fast")
        with pytest.raises(Conflict, match="别处被修改"):
            self_service.change_password(session, user, checked, clock.now(), keep_key=None)
        passwords.hasher("fast").verify(user.password_hash, "secret-two-2")  # the administrator's reset stands


@pytest.mark.parametrize("form", ["reset", "create"])
def test_an_administrators_new_password_is_hashed_with_no_write_lock_held(app, db_url, monkeypatch, form):
    client, probe = probed_site(app, db_url, monkeypatch, ("root", "admin"), ("zhao", "discipline"))
    with app.extensions["cadreflow.read_sessions"]() as session:
        zhao = accounts.find_user(session, "zhao").id
    if form == "reset":
        answer = client.post(f"/admin/users/{zhao}/password", data={"password": "a-new-password-42"})
    else:
        answer = client.post("/admin/users", data={"username": "qian", "display_name": "钱", "roles": "discipline",
                                                   "password": "a-new-password-42"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    assert probe.lock_was_free == [True]  # hashed once, and no writer would have waited for it
    monkeypatch.undo()
    name = "zhao" if form == "reset" else "qian"
    assert signed_in(app, name, "a-new-password-42")
