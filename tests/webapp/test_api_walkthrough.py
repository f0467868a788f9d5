"""The JSON API walked through on the two-lane fixture: lanes, 403, 422, 409 and idempotency."""

import json

import pytest

from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer

PREPARE = {"candidate": "张三", "years_in_post": 4}


@pytest.fixture
def tokens(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deploy", str(DATA / "two_lane.bpmn")])
    assert result.exit_code == 0, result.output
    return {"organiser": add_user(app, "organiser", "personnel_office"),
            "secretary": add_user(app, "secretary", "party_secretary")}


def start(client, token) -> dict:
    response = client.post("/api/v1/cases", headers=bearer(token),
                           json={"process": "two_lane_review", "title": "科长人选", "data": {}})
    assert response.status_code == 201, response.json
    return response.json


def inbox_ids(client, token) -> list[str]:
    return [t["bpmn_id"] for t in client.get("/api/v1/inbox", headers=bearer(token)).json["items"]]


def count_events(client, token, case_id, kind) -> int:
    events = client.get(f"/api/v1/cases/{case_id}/events?limit=500", headers=bearer(token)).json["items"]
    return sum(1 for e in events if e["type"] == kind)


def test_task_shows_only_in_the_inbox_of_its_lane(client, tokens):
    start(client, tokens["organiser"])
    assert inbox_ids(client, tokens["organiser"]) == ["prepare"]
    assert inbox_ids(client, tokens["secretary"]) == []


def test_other_role_gets_403_and_the_refusal_is_recorded(client, tokens):
    case = start(client, tokens["organiser"])
    task_id = case["open_tasks"][0]["id"]
    for method, path in (("get", ""), ("post", "/complete"), ("post", "/claim")):
        response = getattr(client, method)(f"/api/v1/tasks/{task_id}{path}",
                                           headers=bearer(tokens["secretary"]),
                                           json={"data": PREPARE})
        assert response.status_code == 403
        assert set(response.json) >= {"error", "message"}
    assert count_events(client, tokens["organiser"], case["id"], "access.denied") == 3
    assert count_events(client, tokens["organiser"], case["id"], "task.completed") == 0


def test_invalid_data_gets_422_naming_the_field(client, tokens):
    task_id = start(client, tokens["organiser"])["open_tasks"][0]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=bearer(tokens["organiser"]),
                           json={"data": {"years_in_post": -1}})
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid_data"
    assert set(response.json["errors"]) == {"candidate", "years_in_post"}
    assert "人选姓名" in response.json["errors"]["candidate"]


def test_completion_moves_the_case_to_the_second_lane(client, tokens):
    case = start(client, tokens["organiser"])
    task_id = case["open_tasks"][0]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/complete",
                           headers=bearer(tokens["organiser"]), json={"data": PREPARE})
    assert response.status_code == 200
    assert [t["lane"] for t in response.json["open_tasks"]] == ["party_secretary"]
    assert inbox_ids(client, tokens["secretary"]) == ["review"]
    assert inbox_ids(client, tokens["organiser"]) == []
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=bearer(tokens["secretary"])).json
    assert detail["data"]["candidate"] == "张三"
    again = client.post(f"/api/v1/tasks/{task_id}/complete", headers=bearer(tokens["organiser"]),
                        json={"data": PREPARE})
    assert again.status_code == 409
    assert again.json["error"] == "conflict"


def test_same_idempotency_key_gives_one_state_change_and_the_same_answer(client, tokens):
    case = start(client, tokens["organiser"])
    task_id = case["open_tasks"][0]["id"]
    headers = {**bearer(tokens["organiser"]), "Idempotency-Key": "complete-prepare-1"}
    first = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json={"data": PREPARE})
    second = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json={"data": PREPARE})
    assert first.status_code == second.status_code == 200
    assert first.json == second.json
    assert count_events(client, tokens["organiser"], case["id"], "task.completed") == 1
    other = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers,
                        json={"data": {**PREPARE, "candidate": "李四"}})
    assert other.status_code == 409


def test_claim_by_one_user_blocks_another_of_the_same_role(app, client, tokens):
    colleague = add_user(app, "colleague", "personnel_office")
    task_id = start(client, tokens["organiser"])["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim",
                       headers=bearer(tokens["organiser"])).status_code == 200
    taken = client.post(f"/api/v1/tasks/{task_id}/complete", headers=bearer(colleague),
                        json={"data": PREPARE})
    assert taken.status_code == 409
    assert client.post(f"/api/v1/tasks/{task_id}/unclaim",
                       headers=bearer(tokens["organiser"])).status_code == 200
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=bearer(colleague),
                       json={"data": PREPARE})
    assert done.status_code == 200


def test_unknown_things_get_404_and_missing_token_401(client, tokens):
    assert client.get("/api/v1/tasks/nope", headers=bearer(tokens["organiser"])).status_code == 404
    assert client.get("/api/v1/cases/999", headers=bearer(tokens["organiser"])).status_code == 404
    missing = client.post("/api/v1/cases", headers=bearer(tokens["organiser"]),
                          json={"process": "no_such", "title": "x"})
    assert missing.status_code == 404 and missing.json["error"] == "not_found"
    assert client.get("/api/v1/inbox").status_code == 401
    assert client.get("/api/v1/inbox", headers=bearer("forged")).status_code == 401


def test_verify_reports_an_intact_case(client, tokens):
    case = start(client, tokens["organiser"])
    client.post(f"/api/v1/tasks/{case['open_tasks'][0]['id']}/complete",
                headers=bearer(tokens["organiser"]), json={"data": PREPARE})
    verdict = client.get(f"/api/v1/cases/{case['id']}/verify", headers=bearer(tokens["organiser"]))
    assert verdict.json | {"reason": ""} == {"chain_ok": True, "replay_ok": True,
                                            "first_bad_seq": None, "reason": "", "events": 2}


def test_openapi_document_lists_every_route(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert {"/cases", "/inbox", "/tasks/{task_id}/complete", "/cases/{case_id}/verify"} <= set(
        document["paths"])
    json.dumps(document)


def test_task_detail_serves_its_json_schema_form(client, tokens):
    task_id = start(client, tokens["organiser"])["open_tasks"][0]["id"]
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(tokens["organiser"])).json
    assert detail["form"]["properties"]["candidate"]["title"] == "人选姓名"
    assert detail["case"]["title"] == "科长人选"


def test_cancel_over_the_api_needs_a_reason(client, tokens):
    case = start(client, tokens["organiser"])
    path = f"/api/v1/cases/{case['id']}/cancel"
    assert client.post(path, headers=bearer(tokens["organiser"]), json={}).status_code == 422
    assert client.post(path, headers=bearer(tokens["secretary"]),
                       json={"reason": "x"}).status_code == 403
    done = client.post(path, headers=bearer(tokens["organiser"]), json={"reason": "岗位撤并"})
    assert done.status_code == 200 and done.json["status"] == "cancelled"
    assert inbox_ids(client, tokens["organiser"]) == []


def test_a_message_reaches_the_case_waiting_for_it(app, client, tokens):
    assert app.test_cli_runner().invoke(
        args=["deploy", str(DATA / "message_wait.bpmn")]).exit_code == 0
    inspector = add_user(app, "jijian", "discipline")
    case = client.post("/api/v1/cases", headers=bearer(tokens["organiser"]),
                       json={"process": "message_wait", "title": "举报处理"}).json
    path = f"/api/v1/cases/{case['id']}/messages"
    early = client.post(path, headers=bearer(inspector), json={"message": "complaint"})
    assert early.status_code == 409  # still at the first task, not waiting yet
    task = case["open_tasks"][0]
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=bearer(tokens["organiser"]),
                       json={"data": {"summary": "已登记"}}).status_code == 200
    assert client.post(path, headers=bearer(tokens["organiser"]),
                       json={"message": "complaint"}).status_code == 403
    done = client.post(path, headers=bearer(inspector),
                       json={"message": "complaint", "payload": {"summary": "反映问题"}})
    assert done.status_code == 200 and done.json["status"] == "completed"
