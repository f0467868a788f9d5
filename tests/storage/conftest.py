"""The storage tests' databases are migrated for real: these tests are the migrations' own, not the template's."""

from contextlib import contextmanager

import pytest

from storage import make_engine
from storage.migrate import upgrade
from tests.conftest import empty_public_schema


@pytest.fixture
def engine(db_url):
    """A database migrated by running every migration (elsewhere, a copy of tests/template_db.py's template)."""
    if db_url.startswith("postgresql"):
        empty_public_schema(db_url)  # db_url refills it as the template for a test that asks for an engine
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@contextmanager
def engine_at(db_url: str, revision: str):
    """An engine on ``db_url`` migrated for real up to ``revision``: where a migration's own test starts."""
    engine_ = make_engine(db_url)
    upgrade(engine_, revision)
    try:
        yield engine_
    finally:
        engine_.dispose()
