"""Fixtures: every storage and engine test runs on a SQLite file and, when configured, on PostgreSQL."""

import os
import uuid
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url
from xdist.scheduler import LoadScopeScheduling

from storage import make_engine
from storage import make_session_factory
from tests import compiled_once
from tests.snapshots import built_once
from tests.template_db import forget_refill
from tests.template_db import migrate
from tests.template_db import refill_as_template
from workflows import accounts
from workflows.actors import Actor
from workflows.engine.clock import FixedClock
from workflows.processes import deploy
from workflows.registry.demo import seed_registry

DATA = Path(__file__).parent / "data"
# Test modules that share a state built once per process (tests/security/matrix.py walks every route as every
# caller, ~13 s per backend): with ``--dist loadscope`` they go to one worker as one unit, walked once, not twice.
SHARED_SCOPES = {"tests/security/test_security_headers.py": "tests/security/test_route_matrix.py"}
compiled_once.install()
PG_URL = os.environ.get("CADREFLOW_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class _SharedScopeScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        scope = super()._split_scope(nodeid)
        return SHARED_SCOPES.get(scope, scope)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` with the modules of SHARED_SCOPES as one scope."""
    if config.getvalue("dist") == "loadscope":
        return _SharedScopeScheduling(config, log)
    return None


@contextmanager
def scratch_pg_database(prefix: str):
    """The URL of a new, empty PostgreSQL database on the test server, dropped on leaving."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A test's commits need not survive a crash of the server: not waiting for the disk at each one (0.27 ms
        # each here) changes nothing another connection sees.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database():
    """A database of its own for this test run, dropped at the end."""
    if not PG_URL:
        pytest.skip("CADREFLOW_TEST_DATABASE_URL is not set: PostgreSQL leg skipped")
    with scratch_pg_database("cadreflow_test") as url:
        yield url


def empty_database_url(request, folder: Path) -> str:
    """An empty database on the backend ``request.param`` names: a SQLite file in ``folder``, or PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'test.sqlite'}"
    url = request.getfixturevalue("pg_database")
    # A test that migrates it next (the engine or app fixture) gets the template's rows in the template's tables
    # when the last test left the schema as it was: refilled, not replayed (tests/pg_reset.py).
    if {"engine", "app"} & set(request.fixturenames) and refill_as_template(url):
        return url
    empty_public_schema(url)
    return url


def empty_public_schema(url: str) -> None:
    """Drop everything in the public schema of the PostgreSQL database at ``url``."""
    forget_refill(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, empty database URL on each backend."""
    return empty_database_url(request, tmp_path)


@pytest.fixture
def engine(db_url):
    """A migrated database (a copy of the run's template: tests/template_db.py)."""
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    """The write session factory; tests commit once per command with ``sessions.begin()``."""
    return make_session_factory(engine)


@pytest.fixture
def clock():
    """A fixed clock at a Monday morning, Beijing time."""
    return FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


def make_actor(sessions, username: str, *roles: str) -> Actor:
    """Create a user with ``roles`` and return them as an actor."""
    with sessions.begin() as session:
        user = accounts.create_user(session, username, list(roles), password="password-123",
                                    profile="fast")
        return accounts.actor_for(user)


@pytest.fixture
def people(sessions):
    """An organiser, a party secretary and an auditor."""
    return {
        "organiser": make_actor(sessions, "organiser", "personnel_office"),
        "secretary": make_actor(sessions, "secretary", "party_secretary"),
        "auditor": make_actor(sessions, "auditor", "auditor"),
    }


@pytest.fixture
def two_lane(sessions, people, clock):
    """The two-lane fixture process, deployed."""
    with sessions.begin() as session:
        bundle = deploy.bundle_from_paths([DATA / "two_lane.bpmn"])
        return deploy.deploy(session, bundle, people["organiser"], clock.now())[0].process_id


def organiser_of_a_registry(sessions, clock) -> Actor:
    """The demo registry and its keeper: wangmin of the personnel office."""
    def set_up() -> Actor:
        actor = make_actor(sessions, "wangmin", "personnel_office")
        with sessions.begin() as session:
            seed_registry(session, clock.now().date())
        return actor
    return built_once(sessions.kw["bind"], ("registry keeper", clock.now()), set_up)  # set up once per process
