"""``GET /healthz``: 200 when the database answers, its schema is current and the signing key reads; else 503
naming the failed check, with no detail (no stack trace, no path), no sign-in and no session cookie."""

import pytest

from storage import make_engine
from storage.migrate import code_heads
from storage.migrate import upgrade
from tests.deploy.conftest import free_port
from webapp import create_app
from workflows.record import checkpoints

SETTINGS = {"SECRET_KEY": "h" * 40, "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": True}


def health(db_url: str, **settings):
    app = create_app({"DATABASE_URL": db_url, **SETTINGS, **settings})
    try:
        return app.test_client().get("/healthz")
    finally:
        app.extensions["cadreflow.engine"].dispose()


def assert_plain(response) -> None:
    """Public, uncached, no cookie and nothing but the verdicts."""
    assert response.mimetype == "application/json" and response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "Traceback" not in response.get_data(as_text=True) and "/" not in str(response.json["checks"])


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "signing-key.pem"
    checkpoints.generate_key(path)
    return path


def test_a_current_database_and_a_readable_key_are_healthy(engine, db_url, key):
    response = health(db_url, SIGNING_KEY=str(key))
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "signing_key": "ok"}}
    assert_plain(response)


def test_without_a_signing_key_the_instance_is_healthy_and_says_so(engine, db_url):
    response = health(db_url)
    assert response.status_code == 200 and response.json["checks"]["signing_key"] == "not configured"


def previous_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    (head,) = code_heads()
    return ScriptDirectory.from_config(config).get_revision(head).down_revision


def test_a_database_one_migration_behind_the_code_is_503_naming_the_migrations(db_url, key):
    engine = make_engine(db_url)
    upgrade(engine, previous_revision())
    engine.dispose()
    response = health(db_url, SIGNING_KEY=str(key))
    assert response.status_code == 503
    assert response.json == {"status": "fail", "failed": ["migrations"],
                             "checks": {"database": "ok", "migrations": "behind", "signing_key": "ok"}}
    assert_plain(response)


def test_a_database_never_migrated_is_503_empty(db_url):
    response = health(db_url)
    assert response.status_code == 503 and response.json["checks"]["migrations"] == "empty"


def test_a_signing_key_gone_after_the_start_is_503_naming_the_key(engine, db_url, key):
    app = create_app({"DATABASE_URL": db_url, **SETTINGS, "SIGNING_KEY": str(key)})  # read at the start
    try:
        key.unlink()
        key.mkdir()  # a path that is there but cannot be read as a file (root reads any file whatever its mode)
        response = app.test_client().get("/healthz")
    finally:
        app.extensions["cadreflow.engine"].dispose()
    assert response.status_code == 503
    assert response.json == {"status": "fail", "failed": ["signing_key"],
                             "checks": {"database": "ok", "migrations": "ok", "signing_key": "unreadable"}}
    assert_plain(response)


def test_a_key_file_that_is_not_a_key_is_unreadable(engine, db_url, key):
    app = create_app({"DATABASE_URL": db_url, **SETTINGS, "SIGNING_KEY": str(key)})
    try:
        key.write_text("-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
        response = app.test_client().get("/healthz")
    finally:
        app.extensions["cadreflow.engine"].dispose()
    assert response.status_code == 503 and response.json["failed"] == ["signing_key"]


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_an_unreachable_database_is_503_without_its_address(backend):
    url = {"postgresql": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/gone",  # nothing listens there
           "sqlite": "sqlite:////nonexistent-folder/cadreflow.sqlite"}[backend]
    response = health(url)
    assert response.status_code == 503
    assert response.json == {"status": "fail", "failed": ["database", "migrations"],
                             "checks": {"database": "unreachable", "migrations": "unknown",
                                        "signing_key": "not configured"}}
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert_plain(response)


def test_a_head_request_is_answered_without_a_cookie(engine, db_url):
    app = create_app({"DATABASE_URL": db_url, **SETTINGS, "COOKIE_SECURE": False})
    try:
        response = app.test_client().head("/healthz")
    finally:
        app.extensions["cadreflow.engine"].dispose()
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
