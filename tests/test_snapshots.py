"""A state built once and copied (tests/snapshots.py) holds the rows the build makes, on each backend."""

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

import storage.models  # noqa: F401  (every table in Base.metadata)
from storage import make_engine
from storage import make_session_factory
from storage.base import Base
from storage.models.users import Role
from tests import snapshots
from tests.conftest import empty_public_schema
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.template_db import migrate
from workflows.engine.clock import FixedClock

AT = datetime(2026, 9, 1, 1, 0, 7, tzinfo=UTC)  # a time of its own: no other test has built these states
# A task's id (uuid4), the hashes over it, and when SpiffWorkflow changed its state (the wall clock).
RANDOM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{64}\b"
                    r'|"last_state_change": ?[0-9.e+]+')
SALTED = {("user_account", "password_hash"), ("user_account", "created_at")}  # a new salt and now, per build


def rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the columns that differ from one build to the next."""
    found = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns if (table.name, column.name) not in SALTED]
            found[table.name] = sorted((tuple(map(_now_as_such, row)) for row in connection.execute(select(*columns))),
                                       key=repr)
    return found


def _now_as_such(value):
    """Values that differ from build to build as such: the wall clock's times, SpiffWorkflow's random task ids."""
    if isinstance(value, datetime) and abs((value.replace(tzinfo=UTC) if value.tzinfo is None else value)
                                           - datetime.now(UTC)) < timedelta(hours=1):
        return "now"
    if isinstance(value, str):
        return RANDOM.sub("random", value)
    return value


def fresh_url(db_url: str, folder, name: str) -> str:
    if db_url.startswith("postgresql"):
        empty_public_schema(db_url)
        return db_url
    return f"sqlite:///{folder / name}"


def walked(url: str, *, write_between: bool = False) -> tuple[dict, int, datetime]:
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    clock = FixedClock(AT)
    bureau = Bureau(sessions, clock, ["cadre_selection.bpmn"])
    if write_between:
        with sessions.begin() as session:
            session.execute(storage.models.User.__table__.update().values(display_name="改过"))
    run = steps.to_vote(bureau)
    found = rows(engine)
    engine.dispose()
    return found, run.id, clock.at


def test_a_copy_holds_what_a_build_makes_and_a_write_between_makes_it_build(db_url, tmp_path, monkeypatch):
    def fresh(name: str) -> str:
        return fresh_url(db_url, tmp_path, name)

    monkeypatch.delenv("CADREFLOW_TEST_NO_SNAPSHOTS", raising=False)
    restored, restore = [], snapshots._restore
    monkeypatch.setattr(snapshots, "_restore", lambda *args: restored.append(1) or restore(*args))
    walked(fresh("first.sqlite"))  # both states built, and kept
    assert restored == []
    changed = walked(fresh("changed.sqlite"), write_between=True)
    assert restored == [1]  # the bureau copied, the walk made again after the write
    assert {row[2] for row in changed[0]["user_account"]} == {"改过"}
    copied = walked(fresh("copied.sqlite"))
    assert restored == [1, 1, 1]  # the bureau and the walk copied
    monkeypatch.setenv("CADREFLOW_TEST_NO_SNAPSHOTS", "1")
    assert walked(fresh("built.sqlite")) == copied  # a build for real makes the same rows, case and time



def test_a_database_written_to_since_its_copy_gets_no_copy_of_a_bureau(db_url, tmp_path, monkeypatch):
    """A statement that writes, even one that changes no row count, and the bureau is set up for real."""
    monkeypatch.delenv("CADREFLOW_TEST_NO_SNAPSHOTS", raising=False)
    clock = FixedClock(AT)
    for name in ("first.sqlite", "written.sqlite"):  # the first keeps the bureau, should no other test have
        engine = make_engine(fresh_url(db_url, tmp_path, name))
        migrate(engine)
        sessions = make_session_factory(engine)
        if name == "written.sqlite":
            monkeypatch.setattr(snapshots, "_restore", lambda *args: pytest.fail("copied over a written database"))
            with sessions.begin() as session:  # no role yet in the template: no row changes
                session.execute(update(Role).values(name_en="Reader"))
        Bureau(sessions, clock, ["cadre_selection.bpmn"])
        engine.dispose()
