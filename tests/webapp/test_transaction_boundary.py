"""The request's transaction is decided in one place: webapp.db commits or rolls back at the request boundary."""

import ast
from pathlib import Path

from sqlalchemy import select

from storage.models import AuditEvent
from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from webapp import db

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
TRANSACTION_CALLS = {"commit", "rollback", "begin"}
# The only modules that may end or open a transaction, and why.
ALLOWED = {
    "db.py": "the request's session: committed or rolled back at the request boundary; a transaction of its own "
             "for what stays on record though the request is refused",
    "errors.py": "an error answer undoes the request's work before it renders (a failed flush leaves the "
                 "session unusable)",
    "pages/form_errors.py": "a write a page refused is undone before its form is shown again",
    "checkpointing.py": "the signed checkpoint, its own transaction after the request's commit (and the CLI's)",
    "cli/": "each CLI command runs in its own transaction",
}


def transaction_calls(path: Path) -> list[int]:
    """The lines of ``path`` that call ``.commit()``, ``.rollback()`` or ``.begin()`` on anything."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in TRANSACTION_CALLS)


def test_only_the_request_boundary_commits_or_rolls_back():
    found = []
    for path in sorted(WEBAPP.rglob("*.py")):
        name = path.relative_to(WEBAPP).as_posix()
        if any(name == allowed or (allowed.endswith("/") and name.startswith(allowed)) for allowed in ALLOWED):
            continue
        found += [f"webapp/{name}:{line}" for line in transaction_calls(path)]
    assert found == [], "commit/rollback/begin outside webapp.db and the allowed modules: " + ", ".join(found)


def test_a_commit_that_loses_a_race_answers_409_with_the_security_headers(app, monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "wangmin", "personnel_office")
    client = signed_in(app, "wangmin")

    def lost_race():
        raise db.CommitConflict()

    monkeypatch.setattr(db, "commit", lost_race)
    response = client.get("/")

    assert response.status_code == 409
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_refused_sign_in_stays_on_record(app):
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "wangmin", "personnel_office")
    response = app.test_client().post("/login", data={"username": "wangmin", "password": "wrong-password"})

    assert response.status_code == 401
    client = signed_in(app, "wangmin")
    assert client.get("/").status_code == 200
    with app.extensions["cadreflow.read_sessions"]() as session:
        types = list(session.scalars(select(AuditEvent.type)))
    assert "user.login_failed" in types and "user.login" in types
