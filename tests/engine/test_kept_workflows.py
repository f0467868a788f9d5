"""A workflow kept between commands is used only while the case's row holds exactly what was stored from it:
a rolled-back command or another process's write sends the next command back to the row; the cache is bounded."""

import pytest
from sqlalchemy import update

from storage.models import Case
from storage.models import HumanTask
from workflows import commands
from workflows.commands import recipe
from workflows.commands import warm
from workflows.record import replay

PREPARE = {"candidate": "张三", "years_in_post": 3}


@pytest.fixture(autouse=True)
def empty_cache():
    warm.forget()
    yield
    warm.forget()


@pytest.fixture
def restores(monkeypatch):
    """The case ids each command restored from its row (a command that took a kept workflow adds none)."""
    seen = []
    original = recipe.load

    def load(case):
        seen.append(case.id)
        return original(case)
    monkeypatch.setattr(recipe, "load", load)
    return seen


def start(sessions, people, clock, two_lane) -> tuple[int, str]:
    with sessions.begin() as session:
        answer = commands.start_case(session, people["organiser"], clock.now(), two_lane, "保温测试")
    return answer["id"], answer["open_tasks"][0]["id"]


def complete(sessions, actor, clock, task_id: str, data: dict) -> dict:
    clock.advance(seconds=1)
    with sessions.begin() as session:
        return commands.complete_task(session, actor, clock.now(), task_id, data)


def replays(sessions, case_id: int) -> bool:
    with sessions.begin() as session:
        return replay.replay_case(session, session.get(Case, case_id)).ok


def test_the_next_command_takes_the_kept_workflow(sessions, people, clock, two_lane, restores):
    case_id, task_id = start(sessions, people, clock, two_lane)
    answer = complete(sessions, people["organiser"], clock, task_id, PREPARE)
    complete(sessions, people["secretary"], clock, answer["open_tasks"][0]["id"], {"approved": True, "opinion": "同意"})
    assert restores == []
    assert replays(sessions, case_id)


def test_a_rolled_back_command_leaves_nothing_to_take(sessions, people, clock, two_lane, restores):
    case_id, task_id = start(sessions, people, clock, two_lane)
    session = sessions()
    with session.begin():
        commands.complete_task(session, people["organiser"], clock.now(), task_id, PREPARE)
        session.rollback()  # e.g. the commit failed: the row keeps the state before the completion
    session.close()
    answer = complete(sessions, people["organiser"], clock, task_id, PREPARE)
    assert restores == [case_id]
    assert [task["bpmn_id"] for task in answer["open_tasks"]] == ["review"]
    assert replays(sessions, case_id)


def test_a_row_another_process_wrote_is_restored_from(sessions, people, clock, two_lane, restores):
    case_id, task_id = start(sessions, people, clock, two_lane)
    stale = dict(warm._kept)  # what this process kept after the start
    warm.forget()  # another worker completes the task: this process does not see it
    answer = complete(sessions, people["organiser"], clock, task_id, PREPARE)
    warm._kept.update(stale)  # ...and still holds the workflow as it was before
    complete(sessions, people["secretary"], clock, answer["open_tasks"][0]["id"], {"approved": True, "opinion": "同意"})
    assert restores == [case_id, case_id]
    assert replays(sessions, case_id)


def test_a_row_rewritten_in_place_is_restored_from(sessions, people, clock, two_lane, restores):
    """Even a write that kept the version (a repair, a migration) is seen: the stored text decides."""
    case_id, task_id = start(sessions, people, clock, two_lane)
    with sessions.begin() as session:
        case = session.get(Case, case_id)
        state = case.workflow_state
        session.execute(update(Case).where(Case.id == case_id).values(workflow_state=state.replace(" ", " ") + " "))
    complete(sessions, people["organiser"], clock, task_id, PREPARE)
    assert restores == [case_id]


def test_the_cache_is_bounded_and_drops_the_least_recent(sessions, people, clock, two_lane, monkeypatch):
    monkeypatch.setattr(warm, "SIZE", 2)
    cases = [start(sessions, people, clock, two_lane)[0] for _ in range(3)]
    assert [case_id for _bind, case_id in warm._kept] == cases[1:]


def test_a_kept_workflow_stores_what_a_restored_one_stores(sessions, people, clock, two_lane, monkeypatch):
    """The same two completions, warm and cold: the same digests on record and the same open tasks."""
    runs, first = [], clock.at
    for size in (warm.SIZE, 0):
        monkeypatch.setattr(warm, "SIZE", size)
        clock.at = first  # the digests hold the engine's times: both runs live the same ones
        case_id, task_id = start(sessions, people, clock, two_lane)
        answer = complete(sessions, people["organiser"], clock, task_id, PREPARE)
        complete(sessions, people["secretary"], clock, answer["open_tasks"][0]["id"],
                 {"approved": True, "opinion": "同意"})
        with sessions.begin() as session:
            case = session.get(Case, case_id)
            tasks = session.query(HumanTask.bpmn_id, HumanTask.status).filter_by(case_id=case_id).all()
            runs.append((case.state_digest, case.status, sorted(tasks)))
    assert runs[0] == runs[1]
