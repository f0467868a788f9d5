"""Migration 0016: the open tasks' order index replaces 0005's; the tasks stored before it are found as before."""

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
from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import Actor
from workflows.queries import worklists

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def before_0016(db_url):
    engine_ = make_engine(db_url)
    upgrade(engine_, "0015")
    yield engine_
    engine_.dispose()


def stored_as_0015(connection) -> None:
    """One case with open tasks of two lanes (one claimed, one due) and a closed one, as 0015 stored them."""
    connection.execute(insert(ProcessSpec.__table__).values(
        id=1, process_id="two_lane", name="两级审核", version=1, sha256="0" * 64, sources={}, forms={},
        task_info={}, spec_json="{}", serializer_version="1.5", deployed_at=AT))
    connection.execute(insert(User.__table__).values(id=1, username="organiser", display_name="组织员", active=True,
                                                     created_at=AT))
    connection.execute(insert(Case.__table__).values(id=1, spec_id=1, title="干部任用", status="running", started_at=AT,
                                                     version=1, serializer_version="1.5", state_digest="x"))
    rows = [("t3", "personnel_office", "open", None, None, 3), ("t1", "personnel_office", "open", 1, None, 1),
            ("t2", "personnel_office", "open", None, AT + timedelta(days=1), 2),
            ("t0", "personnel_office", "completed", None, None, 0), ("t4", "discipline", "open", None, None, 4)]
    for task_id, lane, status, claimed, due, minutes in rows:
        connection.execute(insert(HumanTask.__table__).values(
            id=task_id, case_id=1, bpmn_id=task_id, name=f"任务{task_id}", lane=lane, status=status,
            claimed_by_id=claimed, has_form=True, due_at=due, created_at=AT + timedelta(minutes=minutes)))


def indexes(engine_) -> dict[str, list[str]]:
    return {found["name"]: found["column_names"] for found in inspect(engine_).get_indexes("human_task")}


def test_the_order_index_replaces_the_open_index_and_the_inbox_reads_the_same_tasks(before_0016):
    with before_0016.begin() as connection:
        stored_as_0015(connection)
    assert "ix_human_task_open" in indexes(before_0016)
    upgrade(before_0016, "0016")
    found = indexes(before_0016)
    assert "ix_human_task_open" not in found
    assert found["ix_human_task_open_order"] == ["status", "lane", "created_at", "id", "assignee_id",
                                                 "claimed_by_id", "due_at"]
    office = Actor(1, "organiser", frozenset({"personnel_office"}))
    with make_session_factory(before_0016)() as session:
        assert [task.id for task in worklists.inbox(session, office, sort="oldest").tasks] == ["t1", "t2", "t3"]
        assert [task.id for task in worklists.inbox(session, office).tasks] == ["t2", "t1", "t3"]  # due first
        assert [task.id for task in worklists.inbox(session, office, tab=worklists.MINE).tasks] == ["t1"]
        assert worklists.tab_counts(session, office) == {"personnel_office": 3, "mine": 1}


def test_downgrade_gives_the_open_index_back(before_0016):
    with before_0016.begin() as connection:
        stored_as_0015(connection)
    upgrade(before_0016, "0016")
    command.downgrade(alembic_config(before_0016), "0015")
    found = indexes(before_0016)
    assert "ix_human_task_open_order" not in found
    assert found["ix_human_task_open"] == ["status", "lane", "assignee_id", "claimed_by_id"]
    with before_0016.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM human_task WHERE status = 'open'")).scalar() == 4
