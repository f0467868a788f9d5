"""Commands end to end: DMN decisions under the allow-list, cancel, versions pinned, stale versions."""

import pytest

from storage.models import Case
from tests.conftest import DATA
from workflows import commands
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.processes import deploy
from workflows.record import replay


@pytest.fixture
def rotation(sessions, people, clock):
    with sessions.begin() as session:
        bundle = deploy.bundle_from_paths([DATA / "rotation_check.bpmn", DATA / "rotation_rule.dmn"])
        return deploy.deploy(session, bundle, people["organiser"], clock.now())[0].process_id


@pytest.mark.parametrize(("years", "status", "tasks"), [(12, "running", ["plan"]), (3, "completed", [])])
def test_dmn_decides_the_route(sessions, people, clock, rotation, years, status, tasks):
    with sessions.begin() as session:
        answer = commands.start_case(session, people["organiser"], clock.now(), rotation, "轮岗判定",
                                     {"years_in_post": years})
    assert answer["status"] == status
    assert [t["bpmn_id"] for t in answer["open_tasks"]] == tasks
    with sessions.begin() as session:
        assert replay.replay_case(session, session.get(Case, answer["id"])).ok


def test_cancel_closes_tasks_and_needs_a_reason_and_the_right_role(sessions, people, clock, two_lane):
    with sessions.begin() as session:
        case = commands.start_case(session, people["organiser"], clock.now(), two_lane, "撤销测试")
    with pytest.raises(Forbidden), sessions.begin() as session:
        commands.cancel_case(session, people["secretary"], clock.now(), case["id"], "不需要了")
    with pytest.raises(InvalidData), sessions.begin() as session:
        commands.cancel_case(session, people["organiser"], clock.now(), case["id"], "  ")
    with sessions.begin() as session:
        answer = commands.cancel_case(session, people["organiser"], clock.now(), case["id"], "岗位调整")
    assert answer["status"] == "cancelled" and answer["open_tasks"] == []
    with pytest.raises(Conflict), sessions.begin() as session:
        commands.cancel_case(session, people["organiser"], clock.now(), case["id"], "再次撤销")


def test_stale_version_is_a_conflict(sessions, people, clock, two_lane):
    with sessions.begin() as session:
        case = commands.start_case(session, people["organiser"], clock.now(), two_lane, "版本测试")
    task_id = case["open_tasks"][0]["id"]
    with pytest.raises(Conflict, match="当前版本"), sessions.begin() as session:
        commands.complete_task(session, people["organiser"], clock.now(), task_id,
                               {"candidate": "张三", "years_in_post": 1},
                               expected_version=case["version"] - 1)
    with sessions.begin() as session:
        done = commands.complete_task(session, people["organiser"], clock.now(), task_id,
                                      {"candidate": "张三", "years_in_post": 1},
                                      expected_version=case["version"])
    assert done["version"] == case["version"] + 1


def test_a_failed_command_leaves_nothing_behind(sessions, people, clock, two_lane):
    with sessions.begin() as session:
        case = commands.start_case(session, people["organiser"], clock.now(), two_lane, "回滚测试")
    with pytest.raises(InvalidData), sessions.begin() as session:
        commands.complete_task(session, people["organiser"], clock.now(), case["open_tasks"][0]["id"],
                               {"candidate": ""})
    with sessions.begin() as session:
        stored = session.get(Case, case["id"])
        assert stored.version == case["version"]
        assert len(commands.open_tasks(session, case["id"])) == 1


def test_a_model_failure_names_the_element_and_rolls_back(sessions, people, clock, tmp_path):
    import shutil

    from workflows.errors import EngineError

    shutil.copytree(DATA / "forms", tmp_path / "forms")
    source = (DATA / "two_lane.bpmn").read_text().replace("approved == True", "no_such_name == True")
    (tmp_path / "broken_condition.bpmn").write_text(source)
    with sessions.begin() as session:
        bundle = deploy.bundle_from_paths([tmp_path / "broken_condition.bpmn"])
        process = deploy.deploy(session, bundle, people["organiser"], clock.now())[0].process_id
        case = commands.start_case(session, people["organiser"], clock.now(), process, "模型错误")
        task_id = case["open_tasks"][0]["id"]
        case = commands.complete_task(session, people["organiser"], clock.now(), task_id,
                                      {"candidate": "张三", "years_in_post": 1})
    with pytest.raises(EngineError, match="decision"), sessions.begin() as session:
        commands.complete_task(session, people["secretary"], clock.now(), case["open_tasks"][0]["id"],
                               {"approved": True, "opinion": "同意"})
    with sessions.begin() as session:
        assert [t.bpmn_id for t in commands.open_tasks(session, case["id"])] == ["review"]
