"""The record tables refuse UPDATE, DELETE and TRUNCATE in the database, for the owner and the app's role."""

import uuid
from datetime import UTC
from datetime import datetime

import psycopg.errors
import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage import make_engine
from storage.append_only import RECORD_TABLES
from storage.append_only import REFUSAL
from storage.migrate import upgrade
from tests.conftest import DATA
from workflows import accounts
from workflows import commands
from workflows.actors import SYSTEM
from workflows.processes import deploy
from workflows.record import audit
from workflows.record import checkpoints

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ON_POSTGRES = pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                                      indirect=True)
CHANGES = {
    "audit_event": ["UPDATE audit_event SET payload = '{}' WHERE seq = 2", "DELETE FROM audit_event WHERE seq = 3"],
    "audit_checkpoint": ["UPDATE audit_checkpoint SET hash = 'x'", "DELETE FROM audit_checkpoint"],
}


@pytest.fixture
def record(sessions, tmp_path):
    """Three events and a signed checkpoint over them."""
    with sessions.begin() as session:
        for number in range(3):
            audit.append(session, type_="reminder.sent", actor=SYSTEM, at=AT, payload={"提醒": number})
        checkpoints.make(session, checkpoints.generate_key(tmp_path / "signing-key.pem"), AT)


def contents(connection) -> dict:
    return {table: connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all() for table in RECORD_TABLES}


def refused(connection, statement: str):
    """The error ``statement`` raises; the savepoint keeps the connection usable on PostgreSQL."""
    with pytest.raises(DBAPIError) as caught, connection.begin_nested():
        connection.execute(text(statement))
    return caught.value


@pytest.mark.parametrize(("table", "change"), [(t, c) for t, changes in CHANGES.items() for c in changes])
def test_update_and_delete_are_refused_with_the_guards_message_and_change_nothing(engine, record, table, change):
    with engine.begin() as connection:
        before = contents(connection)
        error = refused(connection, change)
        assert REFUSAL.format(table=table) in str(error.orig)
        assert contents(connection) == before
    with engine.connect() as connection:
        assert contents(connection) == before and len(before[table]) > 0


@ON_POSTGRES
@pytest.mark.parametrize("replica", [False, True], ids=["origin", "replica"])
def test_the_owner_is_refused_by_the_triggers_even_as_a_replica(engine, record, replica):
    statements = [*(change for changes in CHANGES.values() for change in changes),
                  *(f"TRUNCATE {table}" for table in RECORD_TABLES)]
    with engine.begin() as connection:
        if replica:  # ordinary triggers do not fire under it; the guards are ENABLE ALWAYS
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        before = contents(connection)
        for statement in statements:
            error = refused(connection, statement)
            assert isinstance(error.orig, psycopg.errors.InsufficientPrivilege), statement
            verb = statement.split()[0]
            assert f"is append-only ({verb} refused)" in str(error.orig), statement
        assert contents(connection) == before


@pytest.fixture
def app_role(db_url, monkeypatch):
    """A NOLOGIN role (roles are cluster-wide: a unique name, dropped at the end); the schema migrated for it."""
    name = f"cadreflow_app_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{name}" NOLOGIN'))
    monkeypatch.setenv("CADREFLOW_DB_APP_ROLE", name)
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        yield engine, name
    finally:
        engine.dispose()
        with admin.connect() as connection:  # its grants live in the shared test database
            connection.execute(text(f'DROP OWNED BY "{name}"'))
            connection.execute(text(f'DROP ROLE "{name}"'))
        admin.dispose()


@ON_POSTGRES
def test_the_app_role_appends_and_reads_the_record_but_may_not_change_it(app_role):
    engine, name = app_role
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text(f'SET LOCAL ROLE "{name}"'))
        assert connection.execute(text("SELECT current_user")).scalar() == name
        # The application's own work under the role: users, a deployment, a case with its open task.
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            organiser = accounts.actor_for(accounts.create_user(session, "organiser", ["personnel_office"],
                                                                password="password-123", profile="fast"))
            deploy.deploy(session, deploy.bundle_from_paths([DATA / "two_lane.bpmn"]), organiser, AT)
            case_id = commands.start_case(session, organiser, AT, "two_lane_review", "案件甲")["id"]
            session.commit()  # into the connection's transaction, which ends in a rollback
        assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar() == 2
        for statement in ("UPDATE audit_event SET payload = '{}'", "DELETE FROM audit_event",
                          "TRUNCATE audit_event", "UPDATE audit_checkpoint SET hash = 'x'",
                          "DELETE FROM audit_checkpoint", "TRUNCATE audit_checkpoint"):
            error = refused(connection, statement)
            assert isinstance(error.orig, psycopg.errors.InsufficientPrivilege), statement
            assert "permission denied for table" in str(error.orig), statement
        connection.execute(text("UPDATE \"case\" SET title = '案件乙' WHERE id = :id"), {"id": case_id})
        connection.execute(text("UPDATE human_task SET assignee_id = NULL WHERE case_id = :id"), {"id": case_id})
        connection.execute(text("DELETE FROM human_task WHERE case_id = :id"), {"id": case_id})
        title = connection.execute(text("SELECT title FROM \"case\" WHERE id = :id"), {"id": case_id}).scalar()
        assert title == "案件乙"
        with Session(bind=connection) as session:
            assert audit.verify_chain(session).ok
        transaction.rollback()
