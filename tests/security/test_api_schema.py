"""A bounded schemathesis run against /api/v1/openapi.json: no 5xx, and every answer as the document says."""

from collections import Counter
from datetime import UTC
from datetime import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_headers_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import make_app
from webapp.api.openapi import document
from workflows.engine.clock import FixedClock

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# Enough to try every operation with valid and invalid inputs, few enough for one core in under a minute.
EXAMPLES = 25
PREPARE = {"candidate": "张三", "years_in_post": 4}
PROCESSES = ["two_lane_review", "message_wait"]
TALLY = Counter()
# The document under test, read from the package; api_site checks the app serves exactly this one.
schema = schemathesis.openapi.from_dict(document())
# The real ids of api_site, for the hooks below (they run when the cases are drawn, after the fixture).
REAL_IDS: dict[str, list] = {}


def _started(client, token: str, process: str, title: str = "科长人选") -> dict:
    response = client.post("/api/v1/cases", headers=bearer(token), json={"process": process, "title": title})
    assert response.status_code == 201, response.json
    return response.json


def _recorded(client, token: str, case: dict) -> None:
    """Take a message_wait case past its first task, to where it waits for the complaint."""
    done = client.post(f"/api/v1/tasks/{case['open_tasks'][0]['id']}/complete", headers=bearer(token),
                       json={"data": {"summary": "已登记"}})
    assert done.status_code == 200, done.json


@pytest.fixture(scope="module")
def api_site(tmp_path_factory):
    """One app on a SQLite file for the whole run: running cases with open tasks, an organiser and an auditor.

    The organiser also holds the discipline role, so that a message can be delivered. Real ids: ``case_id``
    of cases to read and message, ``cancel`` of cases to withdraw (the tasks of the others stay open),
    ``task_id`` of open tasks.
    """
    folder = tmp_path_factory.mktemp("api-schema")
    app = make_app(f"sqlite:///{folder / 'api.sqlite'}", FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    client = app.test_client()
    assert client.get("/api/v1/openapi.json").json == schema.raw_schema
    for model in ("two_lane.bpmn", "message_wait.bpmn"):
        result = app.test_cli_runner().invoke(args=["deploy", str(DATA / model)])
        assert result.exit_code == 0, result.output
    tokens = {"organiser": add_user(app, "organiser", "personnel_office", "discipline"),
              "auditor": add_user(app, "auditor", "auditor")}
    cases = [_started(client, tokens["organiser"], "two_lane_review") for _ in range(4)]
    waiting = _started(client, tokens["organiser"], "message_wait", "举报处理")
    _recorded(client, tokens["organiser"], waiting)
    REAL_IDS.update(case_id=[case["id"] for case in cases[:2]] + [waiting["id"]],
                    cancel=[case["id"] for case in cases[2:]],
                    task_id=[task["id"] for case in cases[:2] for task in case["open_tasks"]])
    yield app, tokens
    app.extensions["cadreflow.engine"].dispose()


@pytest.fixture(scope="module", autouse=True)
def tally(request):
    """Print what the run did once it is over (past pytest's capture, so that CI logs show it)."""
    yield TALLY
    line = (f"schemathesis on /api/v1: {TALLY['cases']} cases ({TALLY['2xx']} answered 2xx), "
            f"{TALLY['server_errors']} server errors, {TALLY['violations']} schema violations")
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print("\n" + line)


def _check(case, app, token: str):
    """Send ``case`` with ``token``, count it, and hold the answer to the document."""
    response = case.call(app=app, headers=bearer(token))
    TALLY["cases"] += 1
    TALLY["2xx"] += 200 <= response.status_code < 300
    TALLY["server_errors"] += response.status_code >= 500
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as failures:
        TALLY["violations"] += len(failures.exceptions)
        raise
    return response


# Cases schemathesis found answering 500, kept as plain tests: a field of the wrong kind names itself in a 422.
@pytest.mark.parametrize("field, value", [("process", {}), ("process", ["two_lane_review"]), ("process", ""),
                                          ("subject", {"a": 1}), ("subject", "某" * 201)])
def test_a_start_with_a_field_of_the_wrong_kind_is_a_422_naming_it(api_site, field, value):
    app, tokens = api_site
    response = app.test_client().post("/api/v1/cases", headers=bearer(tokens["organiser"]),
                                      json={"process": "two_lane_review", "title": "科长人选", field: value})
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid_data" and set(response.json["errors"]) == {field}


def test_a_walk_through_with_real_ids_answers_as_documented(api_site):
    """Every operation once with ids and data that work, then each error answer once: each as documented."""
    app, tokens = api_site
    organiser, auditor = tokens["organiser"], tokens["auditor"]

    def send(path: str, method: str, token: str = organiser, status: int = 200, **parts):
        response = _check(schema[path][method].Case(**parts), app, token)
        assert response.status_code == status, (path, response.text)
        return response.json()

    case = send("/cases", "POST", status=201, body={"process": "two_lane_review", "title": "科长人选",
                                                      "subject": "某处", "data": {}})
    by_id, task = {"case_id": case["id"]}, {"task_id": case["open_tasks"][0]["id"]}
    send("/processes", "GET")
    send("/cases", "GET", auditor, query={"all": "1", "status": "", "q": "科长"})
    for path in ("/cases/{case_id}", "/cases/{case_id}/events", "/cases/{case_id}/verify"):
        send(path, "GET", auditor, path_parameters=by_id)
    first = send("/inbox", "GET", query={"limit": 1})
    send("/inbox", "GET", query={"limit": 1, "cursor": first["next_cursor"]})
    send("/tasks/{task_id}", "GET", path_parameters=task)
    send("/tasks/{task_id}/claim", "POST", path_parameters=task)
    send("/tasks/{task_id}/unclaim", "POST", path_parameters=task)
    send("/tasks/{task_id}/complete", "POST", path_parameters=task, body={"data": PREPARE, "version": 1},
         headers={"Idempotency-Key": "walk-1"})
    waiting = _started(app.test_client(), organiser, "message_wait")
    _recorded(app.test_client(), organiser, waiting)
    send("/cases/{case_id}/messages", "POST", path_parameters={"case_id": waiting["id"]},
         body={"message": "complaint", "payload": {"summary": "反映问题"}})
    send("/cases/{case_id}/cancel", "POST", auditor, 403, path_parameters=by_id, body={"reason": "岗位撤并"})
    send("/cases/{case_id}/cancel", "POST", status=422, path_parameters=by_id, body={"reason": " "})
    send("/cases/{case_id}/cancel", "POST", path_parameters=by_id, body={"reason": "岗位撤并"})
    send("/tasks/{task_id}/complete", "POST", status=409, path_parameters=task, body={"data": PREPARE})
    send("/cases/{case_id}", "GET", status=404, path_parameters={"case_id": 2147483647})
    send("/inbox", "GET", "forged", 401)
    send("/inbox", "GET", status=400, query={"limit": 0})
    send("/inbox", "GET", status=400, query={"cursor": "forged"})


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # Generated ids nearly always miss (404): half the time swap in a real case or task id.
    named = [name for name in ("case_id", "task_id") if name in (path_parameters or {})]
    if not named:
        return st.just(path_parameters)
    name = named[0]
    if context.operation.path.endswith("/cancel"):
        # Small generated ids are real too: withdraw only the cases kept for it, so that tasks stay open.
        spare = {**path_parameters, name: REAL_IDS["cancel"][0]}
        kept = st.just(spare if path_parameters[name] in REAL_IDS["case_id"] else path_parameters)
        return st.one_of(kept, st.sampled_from(REAL_IDS["cancel"]).map(lambda real: {**spare, name: real}))
    return st.one_of(st.just(path_parameters),
                     st.sampled_from(REAL_IDS[name]).map(lambda real: {**path_parameters, name: real}))


@schema.hook
def flatmap_body(context, body):
    # Random process names, messages and form data nearly always miss (404, 409, 422): half the time send
    # ones that work.
    path = context.operation.path
    if not isinstance(body, dict):
        return st.just(body)
    if path == "/cases":
        rest = {key: value for key, value in body.items() if key not in ("cadre", "override_reason")}
        fitting = st.sampled_from(PROCESSES).map(lambda process: {**rest, "process": process})
    elif path.endswith("/complete"):
        fitting = st.just({"data": PREPARE})
    elif path.endswith("/messages"):
        fitting = st.just({**body, "message": "complaint"})
    else:
        return st.just(body)
    return st.one_of(st.just(body), fitting)


@pytest.fixture(scope="module", params=["organiser", "auditor"])
def caller(request, api_site):
    """The app and the token of one pass: the organiser's (most of the API), then the auditor's."""
    app, tokens = api_site
    return app, tokens[request.param]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_answer_is_what_the_document_says(case, caller):
    _check(case, *caller)


def test_the_run_found_no_server_error_and_no_violation():
    # Runs after the tests above (pytest keeps a file's order, and xdist's loadscope a module's worker).
    if not TALLY["cases"]:
        pytest.skip("the schemathesis run was not selected")
    assert TALLY["server_errors"] == 0 and TALLY["violations"] == 0, TALLY
