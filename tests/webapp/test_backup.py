"""`cadreflow backup` → `cadreflow restore` into a new database: the record verifies and nothing is lost."""

import threading

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.conftest import DATA
from tests.conftest import make_actor
from tests.conftest import scratch_pg_database
from tests.webapp.conftest import make_app
from webapp import create_app
from workflows import commands
from workflows.commands import triggers
from workflows.processes import deploy
from workflows.vocabulary import Event


@pytest.fixture
def app(db_url, clock):
    """The app, its command line in English."""
    app = make_app(db_url, clock, DEFAULT_LOCALE="en")
    yield app
    app.extensions["cadreflow.engine"].dispose()


@pytest.fixture
def restore_url(db_url, tmp_path):
    """A second, empty database on the same backend: where the backup goes back to."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    with scratch_pg_database("cadreflow_restored") as url:
        yield url


def app_on(url: str, clock):
    """The app on ``url`` as it stands: no migration, which would make an empty target non-empty."""
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-" + "x" * 40, "CLOCK": clock,
                       "PASSWORD_PROFILE": "fast", "DEFAULT_LOCALE": "en"})


def counts(app) -> tuple[int, int]:
    with app.extensions["cadreflow.read_sessions"]() as session:
        return (session.scalar(select(func.count()).select_from(Case)),
                session.scalar(select(func.count()).select_from(AuditEvent)))


def start_cases(app, clock, how_many: int, organiser=None):
    sessions = app.extensions["cadreflow.sessions"]
    for n in range(how_many):
        clock.advance(minutes=1)
        with sessions.begin() as session:
            commands.start_case(session, organiser, clock.now(), "timer_wait", f"备份 {n}")


@pytest.fixture
def busy_app(app, clock):
    """Cases waiting on their timer, and some whose timer fired: every kind of row has some."""
    sessions = app.extensions["cadreflow.sessions"]
    organiser = make_actor(sessions, "organiser", "personnel_office")
    with sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "timer_wait.bpmn"]), organiser, clock.now())
    start_cases(app, clock, 12, organiser)
    clock.advance(days=2)
    with sessions.begin() as session:
        triggers.fire_timers(session, 1, clock.now())
    app.extensions["cadreflow.organiser"] = organiser
    return app


def restored_verdict(backup_file, restore_url, clock, *extra) -> tuple:
    target = app_on(restore_url, clock)
    try:
        done = target.test_cli_runner().invoke(args=["restore", str(backup_file), *extra])
        return done, (counts(target) if done.exit_code == 0 else None)
    finally:
        target.extensions["cadreflow.engine"].dispose()


def test_backup_restores_into_a_new_database_and_verifies(busy_app, restore_url, clock, tmp_path):
    out = tmp_path / "cadreflow.backup"
    made = busy_app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert "Backup of" in made.output and out.stat().st_size > 0

    done, restored = restored_verdict(out, restore_url, clock)

    assert done.exit_code == 0, done.output
    assert "Hash chain intact" in done.output
    assert restored == counts(busy_app) and restored[0] == 12


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(busy_app, clock, tmp_path):
    out = tmp_path / "cadreflow.backup"
    assert busy_app.test_cli_runner().invoke(args=["backup", "--out", str(out)]).exit_code == 0
    runner = busy_app.test_cli_runner()

    refused = runner.invoke(args=["restore", str(out)])
    assert refused.exit_code == 1
    assert "12 cases" in refused.output and "--force" in refused.output
    again = runner.invoke(args=["backup", "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.output

    forced = runner.invoke(args=["restore", "--force", str(out)])
    assert forced.exit_code == 0, forced.output
    assert "Replacing everything" in forced.output and "Hash chain intact" in forced.output


def test_restore_refuses_a_file_that_is_not_a_backup_and_touches_nothing(busy_app, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    before = counts(busy_app)
    done = busy_app.test_cli_runner().invoke(args=["restore", "--force", str(junk)])
    assert done.exit_code == 1 and "notes.txt" in done.output
    assert counts(busy_app) == before


def test_a_backup_taken_while_cases_start_is_consistent(busy_app, restore_url, clock, tmp_path):
    stop, written = threading.Event(), []

    def keep_writing():
        while not stop.is_set():
            start_cases(busy_app, clock, 1, busy_app.extensions["cadreflow.organiser"])
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:  # the writer is under way before the backup starts
            stop.wait(0.05)
        out = tmp_path / "during.backup"
        made = busy_app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    finally:
        stop.set()
        writer.join()
    assert made.exit_code == 0, made.output

    done, (cases, _events) = restored_verdict(out, restore_url, clock)

    assert done.exit_code == 0 and "Hash chain intact" in done.output, done.output
    assert 12 < cases <= 12 + len(written)
    target = app_on(restore_url, clock)
    with target.extensions["cadreflow.read_sessions"]() as session:  # every case copied has its start on record
        started = session.scalar(select(func.count()).where(AuditEvent.type == Event.CASE_STARTED))
    target.extensions["cadreflow.engine"].dispose()
    assert started == cases
