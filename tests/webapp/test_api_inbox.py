"""The API's inbox a page at a time: ``page``/``per_page``, a ``Link`` to the next page, 400 on bad values."""

import re

import pytest

from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer


@pytest.fixture
def organiser(app, client):
    result = app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")])
    assert result.exit_code == 0, result.output
    token = add_user(app, "organiser", "personnel_office")
    for number in range(3):
        response = client.post("/api/v1/cases", headers=bearer(token),
                               json={"process": "two_lane_review", "title": f"科长人选 {number}", "data": {}})
        assert response.status_code == 201, response.json
    return token


def test_the_inbox_comes_a_page_at_a_time_with_a_link_to_the_next(client, organiser):
    everything = client.get("/api/v1/inbox", headers=bearer(organiser))
    assert everything.status_code == 200 and "Link" not in everything.headers
    ids = [task["id"] for task in everything.json["tasks"]]
    assert len(ids) == 3

    first = client.get("/api/v1/inbox?per_page=2", headers=bearer(organiser))
    assert [task["id"] for task in first.json["tasks"]] == ids[:2]
    (following,) = re.fullmatch(r'<([^>]+)>; rel="next"', first.headers["Link"]).groups()
    assert "page=2" in following and "per_page=2" in following
    second = client.get(following, headers=bearer(organiser))
    assert [task["id"] for task in second.json["tasks"]] == ids[2:]
    assert "Link" not in second.headers
    assert client.get("/api/v1/inbox?page=5&per_page=2", headers=bearer(organiser)).json == {"tasks": []}
    assert client.get("/api/v1/inbox?per_page=500", headers=bearer(organiser)).json == everything.json


@pytest.mark.parametrize("query, named", [("per_page=0", "per_page"), ("per_page=501", "per_page"),
                                         ("per_page=ten", "per_page"), ("per_page=-1", "per_page"),
                                         ("page=0", "page"), ("page=1.5", "page")])
def test_a_bad_page_or_page_size_is_a_400_that_says_which(client, organiser, query, named):
    response = client.get(f"/api/v1/inbox?{query}", headers=bearer(organiser))
    assert response.status_code == 400
    assert response.json["error"] == "bad_request"
    assert response.json["message"].startswith(f"{named} ")
    if named == "per_page":
        assert "500" in response.json["message"]


def test_the_openapi_document_names_the_paging(client):
    inbox = client.get("/api/v1/openapi.json").json["paths"]["/inbox"]["get"]
    assert {param["name"] for param in inbox["parameters"]} == {"page", "per_page"}
    assert "Link" in inbox["responses"]["200"]["headers"] and "400" in inbox["responses"]
