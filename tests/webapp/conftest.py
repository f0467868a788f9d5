"""Fixtures for the web layer: an app on each backend, users with API tokens, a real HTTP server."""

import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.snapshots import built_once
from tests.template_db import migrate
from webapp import create_app
from workflows import accounts
from workflows.registry.demo import seed_registry


@pytest.fixture
def app(db_url, clock):
    app = make_app(db_url, clock)
    yield app
    app.extensions["cadreflow.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def add_user(app, username: str, *roles: str, password: str = "password-123") -> str:
    """Create a user and return a bearer token for them."""
    with app.extensions["cadreflow.sessions"].begin() as session:
        user = accounts.create_user(session, username, list(roles), password=password,
                                    profile="fast")
        return accounts.create_token(session, user)


def signed_in(app, username: str, password: str = "password-123"):
    """A test client signed in as ``username`` (the app's CSRF check is off in these tests)."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def serving(app):
    """Serve ``app`` over real HTTP on 127.0.0.1, one thread per request; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on 127.0.0.1."""
    with serving(app) as base:
        yield base


def make_app(db_url: str, clock, **settings):
    """The app on ``db_url`` with test settings (and ``settings``), its database migrated (tests/template_db.py)."""
    app = create_app({
        "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-" + "x" * 40,
        "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "CLOCK": clock,
        # Two-factor sign-in is tested on its own (tests/security); elsewhere a password signs in.
        "TWO_FACTOR_ROLES": "", **settings,
    })
    migrate(app.extensions["cadreflow.engine"])
    return app


def registry_site(app, clock):
    """The app with the demo registry, an organiser, an auditor and the party secretary; CSRF off for posting."""
    app.config["WTF_CSRF_ENABLED"] = False  # a CSRF test turns it back on

    def set_up() -> None:
        with app.extensions["cadreflow.sessions"].begin() as session:
            seed_registry(session, clock.now().date())
        for username, role in (("wangmin", "personnel_office"), ("zhouting", "auditor"),
                               ("lihua", "party_secretary")):
            add_user(app, username, role)
    built_once(app.extensions["cadreflow.engine"], ("registry site", clock.now()), set_up)  # tests/snapshots.py
    return app
