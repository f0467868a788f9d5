"""Migration 0014: cases stored before it keep their workflow state, now compressed, and go on running."""

import zlib
from datetime import UTC
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import insert
from sqlalchemy import text

from storage import make_engine
from storage import make_session_factory
from storage.migrate import alembic_config
from storage.migrate import upgrade
from storage.models import Case
from storage.models import ProcessSpec
from tests.conftest import DATA
from workflows import engine
from workflows.commands.case_state import load
from workflows.engine import transitions
from workflows.processes import deploy

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def before_0014(db_url):
    engine_ = make_engine(db_url)
    upgrade(engine_, "0013")
    yield engine_
    engine_.dispose()


def two_lane_case(connection) -> tuple[str, str]:
    """A process version and one case waiting on its first task, written as 0013 stored them: (state, digest)."""
    parser, (process_id, *_) = deploy.parse(deploy.bundle_from_paths([DATA / "two_lane.bpmn"]))
    spec_json = engine.spec_to_json(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    with engine.running(AT):
        workflow = transitions.started(spec_json, {"candidate": "张三"})
    state, digest = engine.dump(workflow), engine.state_digest(workflow)
    connection.execute(insert(ProcessSpec.__table__).values(
        id=1, process_id=process_id, name="两级审核", version=1, sha256="0" * 64, sources={}, forms={},
        task_info={}, spec_json=spec_json, serializer_version="1.5", deployed_at=AT))
    connection.execute(text(
        'INSERT INTO "case" (id, spec_id, title, status, started_at, version, workflow_state, serializer_version,'
        " state_digest) VALUES (1, 1, '干部任用', 'running', :at, 1, :state, '1.5', :digest)"),
        {"at": AT.replace(tzinfo=None), "state": state, "digest": digest})
    return state, digest


def test_a_state_stored_as_text_is_compressed_and_restores_to_the_same_workflow(before_0014):
    with before_0014.begin() as connection:
        state, digest = two_lane_case(connection)
        connection.execute(text("INSERT INTO \"case\" (id, spec_id, title, status, started_at, version, "
                                "workflow_state, serializer_version, state_digest) VALUES "
                                "(2, 1, '另一件', 'running', :at, 1, :state, '1.5', :digest)"),
                           {"at": AT.replace(tzinfo=None), "state": state, "digest": digest})
    upgrade(before_0014)
    with before_0014.connect() as connection:
        stored = connection.execute(text('SELECT workflow_state FROM "case" ORDER BY id')).scalars().all()
    assert [zlib.decompress(value).decode("utf-8") for value in stored] == [state, state]
    assert len(stored[0]) < len(state.encode("utf-8")) / 2
    with make_session_factory(before_0014)() as session:
        case = session.get(Case, 1)
        assert case.workflow_state == state
        workflow = load(case)
        assert engine.state_digest(workflow) == digest
        assert [task.task_spec.bpmn_id for task in engine.ready_user_tasks(workflow)] == ["prepare"]


def test_downgrade_gives_the_text_back(before_0014):
    with before_0014.begin() as connection:
        state, _digest = two_lane_case(connection)
    upgrade(before_0014)
    command.downgrade(alembic_config(before_0014), "0013")
    with before_0014.connect() as connection:
        assert connection.execute(text('SELECT workflow_state FROM "case"')).scalar() == state
