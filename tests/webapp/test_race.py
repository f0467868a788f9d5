"""Eight clients complete one task at the same moment over real HTTP: exactly one wins."""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer

CLIENTS = 8
PREPARE = {"candidate": "张三", "years_in_post": 4}


def _race(url: str, task_id: str, tokens: list[str], extra: dict | None = None) -> list:
    barrier = threading.Barrier(len(tokens))

    def complete(token: str) -> int:
        with requests.Session() as http:
            http.get(f"{url}/api/v1/inbox", headers=bearer(token), timeout=30)  # warm connection
            barrier.wait()
            response = http.post(f"{url}/api/v1/tasks/{task_id}/complete", timeout=60,
                                 headers={**bearer(token), **(extra or {})},
                                 json={"data": PREPARE})
            return response.status_code, response.json()

    with ThreadPoolExecutor(len(tokens)) as pool:
        return list(pool.map(complete, tokens))


def _start_case(url: str, token: str) -> tuple[int, str]:
    response = requests.post(f"{url}/api/v1/cases", headers=bearer(token), timeout=30,
                             json={"process": "two_lane_review", "title": "并发测试"})
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["open_tasks"][0]["id"]


def _events(url: str, token: str, case_id: int, kind: str) -> int:
    events = requests.get(f"{url}/api/v1/cases/{case_id}/events?limit=500", headers=bearer(token),
                          timeout=30).json()["items"]
    return sum(1 for e in events if e["type"] == kind)


def test_eight_clients_one_task_exactly_one_completion(app, live_server):
    assert app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    tokens = [add_user(app, f"officer{i}", "personnel_office") for i in range(CLIENTS)]
    case_id, task_id = _start_case(live_server, tokens[0])

    statuses = [status for status, _body in _race(live_server, task_id, tokens)]

    assert sorted(statuses) == [200] + [409] * (CLIENTS - 1), statuses
    assert _events(live_server, tokens[0], case_id, "task.completed") == 1
    verdict = requests.get(f"{live_server}/api/v1/cases/{case_id}/verify",
                           headers=bearer(tokens[0]), timeout=30).json()
    assert verdict["chain_ok"] and verdict["replay_ok"], verdict


def test_one_client_retrying_with_one_key_concurrently_changes_state_once(app, live_server):
    assert app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    token = add_user(app, "officer", "personnel_office")
    case_id, task_id = _start_case(live_server, token)

    answers = _race(live_server, task_id, [token] * CLIENTS, {"Idempotency-Key": "retry-1"})

    assert [status for status, _body in answers] == [200] * CLIENTS, answers
    assert all(body == answers[0][1] for _status, body in answers)
    assert _events(live_server, token, case_id, "task.completed") == 1
