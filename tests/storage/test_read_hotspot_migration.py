"""Migration 0017: the sign-in, case head and case status indexes; what was stored before reads the same after."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import text

from storage import make_engine
from storage import make_session_factory
from storage.migrate import alembic_config
from storage.migrate import upgrade
from storage.models import AuditEvent
from storage.models import Case
from storage.models import CaseAuditHead
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import Actor
from workflows.queries import case_search
from workflows.queries import notifications
from workflows.queries import worklists

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ORGANISER = Actor(1, "organiser", frozenset({"personnel_office"}))


@pytest.fixture
def before_0017(db_url):
    engine_ = make_engine(db_url)
    upgrade(engine_, "0016")
    yield engine_
    engine_.dispose()


def _event(seq: int, type_: str, actor_id: int, case_id: int | None = None) -> dict:
    return {"seq": seq, "case_id": case_id, "type": type_, "actor_id": actor_id, "actor": f"user{actor_id}",
            "at": (AT + timedelta(minutes=seq)).isoformat(), "payload": "{}", "prev_hash": "0" * 64,
            "hash": f"{seq:064d}"}


def stored_as_0016(connection) -> None:
    """Three cases of the organiser (one running, one completed, one terminated), two sign-ins of theirs around
    another user's step in the running case, and a sign-in of someone else (the chain's hashes are not checked)."""
    connection.execute(insert(ProcessSpec.__table__).values(
        id=1, process_id="two_lane", name="两级审核", version=1, sha256="0" * 64, sources={}, forms={},
        task_info={}, spec_json="{}", serializer_version="1.5", deployed_at=AT))
    for user_id, name in ((1, "organiser"), (2, "secretary")):
        connection.execute(insert(User.__table__).values(id=user_id, username=name, display_name=name, active=True,
                                                         created_at=AT))
    for case_id, status, outcome in ((1, "running", None), (2, "completed", None), (3, "completed", "terminated")):
        connection.execute(insert(Case.__table__).values(
            id=case_id, spec_id=1, title=f"案件{case_id}", status=status, outcome=outcome, started_by_id=1,
            started_at=AT + timedelta(days=case_id), version=1, serializer_version="1.5", state_digest="x"))
    events = [_event(1, "case.started", 1, 1), _event(2, "case.started", 1, 2), _event(3, "case.started", 1, 3),
              _event(4, "user.login", 1), _event(5, "user.login", 2), _event(6, "task.completed", 2, 1),
              _event(7, "task.completed", 1, 2), _event(8, "user.login", 1)]
    connection.execute(insert(AuditEvent.__table__), events)
    connection.execute(insert(CaseAuditHead.__table__), [
        {"case_id": 1, "seq": 6, "hash": "6" * 64}, {"case_id": 2, "seq": 7, "hash": "7" * 64},
        {"case_id": 3, "seq": 3, "hash": "3" * 64}])


def indexes(engine_, table: str) -> dict[str, list[str]]:
    return {found["name"]: found["column_names"] for found in inspect(engine_).get_indexes(table)}


def reads(engine_) -> tuple:
    """What the start page and the case lists read of the stored data."""
    with make_session_factory(engine_)() as session:
        news = notifications.digest(session, ORGANISER, AT + timedelta(days=30))
        statuses = {status: worklists.cases(session, ORGANISER, AT, status=status)[1]
                    for status in ("running", "completed", "terminated", None)}
        hits, total = case_search.search(session, case_search.Criteria(status="completed"))
        return (news.since, [(case.id, count) for case, count in news.moved], statuses,
                [hit.case.id for hit in hits], total)


def test_the_indexes_come_and_the_stored_cases_and_sign_ins_read_the_same(before_0017):
    with before_0017.begin() as connection:
        stored_as_0016(connection)
    assert "ix_case_status" in indexes(before_0017, "case")
    before = reads(before_0017)
    assert before[:2] == (AT + timedelta(minutes=4), [(1, 1)])  # the secretary's step since the sign-in at seq 4
    upgrade(before_0017)
    found = indexes(before_0017, "case")
    assert "ix_case_status" not in found
    assert found["ix_case_status_order"] == ["status", "started_at", "id", "outcome", "spec_id", "started_by_id"]
    assert indexes(before_0017, "case_audit_head")["ix_case_audit_head_seq"] == ["seq"]
    assert indexes(before_0017, "audit_event")["ix_audit_event_login"] == ["actor_id", "seq"]
    assert reads(before_0017) == before
    assert before[2] == {"running": 1, "completed": 1, "terminated": 1, None: 3} and before[3:] == ([2], 1)


def test_downgrade_gives_the_status_index_back(before_0017):
    with before_0017.begin() as connection:
        stored_as_0016(connection)
    upgrade(before_0017)
    command.downgrade(alembic_config(before_0017), "0016")
    found = indexes(before_0017, "case")
    assert "ix_case_status_order" not in found and found["ix_case_status"] == ["status"]
    assert "ix_case_audit_head_seq" not in indexes(before_0017, "case_audit_head")
    assert "ix_audit_event_login" not in indexes(before_0017, "audit_event")
    with before_0017.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_event WHERE type = 'user.login'")).scalar() == 3
