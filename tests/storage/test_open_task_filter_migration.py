"""Migration 0018: the open-task index holds each task's case and name; filtered inboxes read the same after."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import event
from sqlalchemy import insert
from sqlalchemy import inspect

from storage import make_session_factory
from storage.migrate import alembic_config
from storage.migrate import upgrade
from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User
from tests.storage.conftest import engine_at
from workflows.actors import Actor
from workflows.queries import worklists

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ORGANISER = Actor(1, "organiser", frozenset({"personnel_office"}))
BEFORE = ["status", "lane", "created_at", "id", "assignee_id", "claimed_by_id", "due_at"]
FILTERS = ({"process": "rotation"}, {"text": "科长"}, {"text": "谈话"}, {"process": "selection", "text": "张"})


@pytest.fixture
def before_0018(db_url):
    with engine_at(db_url, "0017") as engine_:
        yield engine_


def stored_as_0017(connection) -> None:
    """Two processes, six cases, an open and a closed task in each, all in the personnel office's lane."""
    for spec_id, process in ((1, "selection"), (2, "rotation")):
        connection.execute(insert(ProcessSpec.__table__).values(
            id=spec_id, process_id=process, name=process, version=1, sha256=f"{spec_id}" * 64, sources={},
            forms={}, task_info={}, spec_json="{}", serializer_version="1.5", deployed_at=AT))
    connection.execute(insert(User.__table__).values(id=1, username="organiser", display_name="organiser",
                                                     active=True, created_at=AT))
    for case_id in range(1, 7):
        connection.execute(insert(Case.__table__).values(
            id=case_id, spec_id=1 + case_id % 2, title=("张三任科长" if case_id < 3 else f"案件{case_id}"),
            subject=("李四" if case_id == 4 else None), status="running", started_by_id=1,
            started_at=AT + timedelta(days=case_id), version=1, serializer_version="1.5", state_digest="x"))
        for n, status in enumerate(("open", "completed")):
            connection.execute(insert(HumanTask.__table__).values(
                id=f"t{case_id}-{n}", case_id=case_id, bpmn_id="talk", name=("任前谈话" if case_id == 5 else "审核"),
                lane="personnel_office", status=status, has_form=True,
                created_at=AT + timedelta(days=case_id, hours=n)))


def filtered(engine_) -> list[list[str]]:
    with make_session_factory(engine_)() as session:
        return [[task.id for task in worklists.inbox(session, ORGANISER, **kw).tasks] for kw in FILTERS]


def test_the_index_gains_the_case_and_name_and_the_filters_find_the_same(before_0018):
    with before_0018.begin() as connection:
        stored_as_0017(connection)
    found = filtered(before_0018)
    assert found == [["t1-0", "t3-0", "t5-0"], ["t1-0", "t2-0"], ["t5-0"], ["t2-0"]]
    upgrade(before_0018)
    columns = {index["name"]: index["column_names"] for index in inspect(before_0018).get_indexes("human_task")}
    assert columns["ix_human_task_open_order"] == [*BEFORE, "case_id", "name"]
    assert filtered(before_0018) == found
    command.downgrade(alembic_config(before_0018), "0017")
    columns = {index["name"]: index["column_names"] for index in inspect(before_0018).get_indexes("human_task")}
    assert columns["ix_human_task_open_order"] == BEFORE
    assert filtered(before_0018) == found


def test_a_filtered_inbox_reads_no_task_row_on_sqlite(before_0018):
    # Before 0018 a filtered page read the row of every open task it could show (3,269 at 100,000 cases).
    if before_0018.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's")
    upgrade(before_0018)
    with before_0018.begin() as connection:
        stored_as_0017(connection)
    statements = []

    def note(_connection, _cursor, sql, parameters, _context, _many):
        statements.append((sql, parameters))

    event.listen(before_0018, "before_cursor_execute", note)
    filtered(before_0018)
    event.remove(before_0018, "before_cursor_execute", note)
    statements = [(sql, parameters) for sql, parameters in statements if "FROM human_task" in sql]
    assert len(statements) == len(FILTERS)
    with before_0018.connect() as connection:
        for sql, parameters in statements:
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)]
            task_reads = [step for step in plan if "human_task" in step and "sqlite_autoindex" not in step]
            assert task_reads == ["SEARCH human_task USING COVERING INDEX ix_human_task_open_order (status=?)"], plan
