"""Answers' headers: nothing signed-in or carrying a form's token is kept by a cache; a 405 says what is allowed."""

import pytest
from sqlalchemy import select

from storage.models import User
from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import make_app
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows import accounts
from workflows.forms import attachments

ROLES = {"wangmin": "personnel_office", "zhouting": "auditor", "lihua": "party_secretary", "root": "admin"}


@pytest.fixture
def site(tmp_path, clock):
    """The registry site on a SQLite file (headers do not depend on the backend), a case of the two-lane process."""
    app = registry_site(make_app(f"sqlite:///{tmp_path / 'headers.sqlite'}", clock), clock)
    add_user(app, "root", "admin")
    assert app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    app.token = add_user(app, "api-office", "personnel_office")
    started = app.test_client().post("/api/v1/cases", headers=bearer(app.token),
                                     json={"process": "two_lane_review", "title": "科长人选", "data": {}})
    assert started.status_code == 201, started.json
    app.case_id = started.json["id"]
    yield app
    app.extensions["cadreflow.engine"].dispose()


def plain_gets(app) -> list[str]:
    """The paths of every GET route of the app that takes no argument, static files aside."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static")


def test_every_page_of_every_role_and_the_api_is_not_stored(site):
    paths = plain_gets(site) + [f"/cases/{site.case_id}", f"/audit/cases/{site.case_id}"]
    kept = {}
    for username in ROLES:
        client = signed_in(site, username)
        for path in paths:
            response = client.get(path)
            if "no-store" not in response.headers.get("Cache-Control", ""):
                kept[f"{path} as {username}"] = (response.status_code, response.headers.get("Cache-Control"))
    api = site.test_client()
    for path in ("/api/v1/inbox", "/api/v1/cases", f"/api/v1/cases/{site.case_id}", "/api/v1/cases/0"):
        response = api.get(path, headers=bearer(site.token))
        if "no-store" not in response.headers.get("Cache-Control", ""):
            kept[f"API {path}"] = (response.status_code, response.headers.get("Cache-Control"))
    assert len(paths) > 20 and kept == {}


def test_the_sign_in_form_with_its_token_is_not_stored_and_static_files_are_cached(site):
    site.config["WTF_CSRF_ENABLED"] = True
    login = site.test_client().get("/login")
    assert 'name="csrf_token"' in login.get_data(as_text=True)
    assert "no-store" in login.headers["Cache-Control"]
    static = site.test_client().get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_a_downloaded_attachment_is_not_stored(site, clock):
    # A file of a case is sent with the file helper's own caching: the hook must still forbid keeping it.
    with site.extensions["cadreflow.sessions"].begin() as session:
        user = session.scalars(select(User).where(User.username == "wangmin")).one()
        stored = attachments.store(session, accounts.actor_for(user), clock.now(), site.case_id, None, "attachments",
                                   "附件", "表.pdf", b"%PDF-1.7\n" + b"x" * 100)
    download = signed_in(site, "wangmin").get(f"/cases/{site.case_id}/attachments/{stored['sha256']}")
    assert download.status_code == 200 and "no-store" in download.headers["Cache-Control"]


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/v1/inbox", {"GET"}), ("PUT", "/api/v1/cases/1", {"GET"}),
    ("PATCH", "/api/v1/cases", {"GET", "POST"}), ("GET", "/api/v1/cases/1/cancel", {"POST"}),
    ("TRACE", "/api/v1/inbox", {"GET"})])
def test_the_api_answers_a_wrong_method_with_405_and_allow(site, method, path, allowed):
    response = site.test_client().open(path, method=method, headers=bearer(site.token))
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"
    listed = {word.strip() for word in response.headers["Allow"].split(",")}
    assert allowed <= listed and listed <= allowed | {"HEAD", "OPTIONS"}


def test_a_page_answers_a_wrong_method_with_405_and_allow(site):
    response = signed_in(site, "wangmin").get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
