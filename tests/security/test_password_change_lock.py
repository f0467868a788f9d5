"""Changing one's password runs its two argon2 hashes with no transaction open: on SQLite no writer waits for them."""

import sqlite3

import pytest

from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from workflows.accounts import passwords


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


@pytest.mark.parametrize("current", ["password-123", "wrong-password-9"])
def test_the_password_checks_hold_no_write_lock(app, db_url, monkeypatch, current):
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "wangmin", "personnel_office")
    client = signed_in(app, "wangmin")
    probe = LockProbe(db_url.removeprefix("sqlite:///"), passwords.hasher("fast"))
    monkeypatch.setattr(passwords, "hasher", lambda _profile="standard": probe)
    answer = client.post("/account/password", data={"current": current, "password": "a-new-password-42"})
    assert answer.status_code == (302 if current == "password-123" else 400)
    assert probe.lock_was_free and all(probe.lock_was_free), probe.lock_was_free
