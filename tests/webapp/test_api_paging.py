"""Every list of the API a page at a time: ``limit`` and a signed ``cursor``, {items, total, next_cursor}."""

from urllib.parse import parse_qsl

import pytest

from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer

PREPARE = {"candidate": "张三", "years_in_post": 4}
CASES = 5


def _start(client, token: str, title: str) -> dict:
    response = client.post("/api/v1/cases", headers=bearer(token),
                           json={"process": "two_lane_review", "title": title, "data": {}})
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def site(app, client):
    """Two processes, an organiser's five cases (one first task each, one of them moved on), a secretary."""
    for model in ("two_lane.bpmn", "message_wait.bpmn"):
        result = app.test_cli_runner().invoke(args=["deploy", str(DATA / model)])
        assert result.exit_code == 0, result.output
    app.tokens = {"organiser": add_user(app, "organiser", "personnel_office"),
                  "colleague": add_user(app, "colleague", "personnel_office"),
                  "secretary": add_user(app, "secretary", "party_secretary"),
                  "auditor": add_user(app, "auditor", "auditor")}
    app.cases = [_start(client, app.tokens["organiser"], f"科长人选 {n}") for n in range(CASES)]
    moved = client.post(f"/api/v1/tasks/{app.cases[0]['open_tasks'][0]['id']}/complete",
                        headers=bearer(app.tokens["organiser"]), json={"data": PREPARE})
    assert moved.status_code == 200, moved.json
    return app


def _lists(site) -> dict:
    """Each list endpoint: (path, the token that reads it, how an item is named)."""
    case_id = site.cases[0]["id"]
    return {"inbox": ("/api/v1/inbox", "organiser", "id"),
            "cases": ("/api/v1/cases", "organiser", "id"),
            "all cases": ("/api/v1/cases?all=1&status=", "auditor", "id"),
            "events": (f"/api/v1/cases/{case_id}/events", "organiser", "seq"),
            "processes": ("/api/v1/processes", "secretary", "process")}


LISTS = ["inbox", "cases", "all cases", "events", "processes"]


def _ask(client, token: str, path: str, **query):
    """GET ``path`` (which may carry a query of its own) with ``query`` added."""
    path, _, own = path.partition("?")
    return client.get(path, headers=bearer(token), query_string={**dict(parse_qsl(own, keep_blank_values=True)),
                                                                 **query})


def _get(client, token: str, path: str, **query):
    response = _ask(client, token, path, **query)
    assert response.status_code == 200, (path, query, response.json)
    assert set(response.json) == {"items", "total", "next_cursor"}
    return response.json


def walk(client, token: str, path: str, limit: int, between=None) -> tuple[list[dict], list[int]]:
    """Every page of ``path`` by ``next_cursor``: the items in order, and each page's total."""
    items, totals, cursor = [], [], None
    while True:
        page = _get(client, token, path, limit=limit, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= limit
        items += page["items"]
        totals.append(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items, totals
        if between is not None:
            between(len(totals))


@pytest.mark.parametrize("name", LISTS)
def test_walking_pages_of_two_returns_every_item_once_in_order(site, name):
    path, who, key = _lists(site)[name]
    client, token = site.test_client(), site.tokens[who]
    whole = _get(client, token, path, limit=500)
    assert whole["next_cursor"] is None and whole["total"] == len(whole["items"]) >= 2
    walked, totals = walk(client, token, path, limit=2)
    assert [item[key] for item in walked] == [item[key] for item in whole["items"]]
    assert len({item[key] for item in walked}) == len(walked)
    assert set(totals) == {whole["total"]} and len(totals) == -(-whole["total"] // 2)


def test_the_lists_have_the_orders_they_promise(site):
    client, tokens = site.test_client(), site.tokens
    tasks = _get(client, tokens["organiser"], "/api/v1/inbox")["items"]
    assert [(t["created_at"], t["id"]) for t in tasks] == sorted((t["created_at"], t["id"]) for t in tasks)
    cases = _get(client, tokens["organiser"], "/api/v1/cases")["items"]
    assert [c["id"] for c in cases] == sorted((c["id"] for c in cases), reverse=True)  # one clock: newest id first
    events = _get(client, tokens["organiser"], f"/api/v1/cases/{site.cases[0]['id']}/events")["items"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    processes = _get(client, tokens["organiser"], "/api/v1/processes")["items"]
    assert [p["process"] for p in processes] == ["message_wait", "two_lane_review"]


def test_the_default_page_holds_fifty_and_a_limit_of_one_a_single_item(site):
    client, token = site.test_client(), site.tokens["organiser"]
    page = _get(client, token, "/api/v1/inbox", limit=1)
    assert len(page["items"]) == 1 and page["total"] == CASES - 1 and page["next_cursor"]  # one moved on
    for _ in range(55 - (CASES - 1)):
        _start(client, token, "又一个")
    first = _get(client, token, "/api/v1/inbox")
    assert len(first["items"]) == 50 and first["total"] == 55 and first["next_cursor"]


def test_a_task_done_between_pages_skips_none_and_repeats_none(site):
    # Page numbers (OFFSET) skipped a task here: the one moved up into the page already read.
    client, token = site.test_client(), site.tokens["organiser"]
    before = [t["id"] for t in _get(client, token, "/api/v1/inbox", limit=500)["items"]]

    def complete_the_first(pages_read):
        if pages_read == 1:  # the first task goes on to the secretary's lane: the rest move up one place
            done = client.post(f"/api/v1/tasks/{before[0]}/complete", headers=bearer(token), json={"data": PREPARE})
            assert done.status_code == 200, done.json

    walked, totals = walk(client, token, "/api/v1/inbox", limit=2, between=complete_the_first)
    assert [t["id"] for t in walked] == before
    assert totals[0] == len(before) and totals[-1] == len(before) - 1


def test_a_new_item_between_pages_repeats_and_skips_none_of_the_earlier(site):
    client, tokens = site.test_client(), site.tokens
    review = site.cases[0]["id"]
    review_task = _get(client, tokens["secretary"], "/api/v1/inbox")["items"][0]["id"]

    # After each of the first two pages only: a new item after the cursor lengthens the walk, and one each page
    # could keep it going (the test clock stands still, so a new task's place among the others is random).
    def new_case(pages_read):
        if pages_read <= 2:
            _start(client, tokens["organiser"], "新来的")  # a new case, and a new task in the inbox

    def new_event(pages_read):  # a refused attempt goes on the case's record
        if pages_read <= 2:
            refused = client.post(f"/api/v1/tasks/{review_task}/claim", headers=bearer(tokens["colleague"]))
            assert refused.status_code == 403, refused.json

    for path, key, between in (("/api/v1/inbox", "id", new_case), ("/api/v1/cases", "id", new_case),
                               (f"/api/v1/cases/{review}/events", "seq", new_event)):
        before = [item[key] for item in _get(client, tokens["organiser"], path, limit=500)["items"]]
        items, totals = walk(client, tokens["organiser"], path, limit=1, between=between)
        walked = [item[key] for item in items]
        assert len(walked) == len(set(walked)), path  # no repeats
        assert [key for key in walked if key in before] == before, path  # every earlier item, in order
        assert totals == sorted(totals) and totals[-1] > totals[0], path  # the total counts the new ones


def test_each_reader_pages_through_only_what_they_may_read(site):
    client, tokens = site.test_client(), site.tokens
    secretary, _ = walk(client, tokens["secretary"], "/api/v1/inbox", limit=1)
    assert [t["bpmn_id"] for t in secretary] == ["review"]  # the one case moved on to the secretary's lane
    colleague = _get(client, tokens["colleague"], "/api/v1/cases")
    assert colleague == {"items": [], "total": 0, "next_cursor": None}  # started none
    member = add_user(site, "member", "party_group")
    assert client.get("/api/v1/cases?all=1", headers=bearer(member)).status_code == 403
    events = f"/api/v1/cases/{site.cases[1]['id']}/events"
    assert client.get(events, headers=bearer(tokens["secretary"])).status_code == 403
    assert client.get(events + "?limit=1", headers=bearer(member)).status_code == 403


def test_a_cursor_works_only_for_its_list_its_filters_and_its_reader(site):
    client, tokens = site.test_client(), site.tokens
    lists = _lists(site)
    cursors = {name: _get(client, tokens[lists[name][1]], lists[name][0], limit=1)["next_cursor"] for name in LISTS}
    other_case = f"/api/v1/cases/{site.cases[1]['id']}/events"
    misplaced = [("/api/v1/inbox", "organiser", cursors["cases"]),  # another list
                 ("/api/v1/cases", "organiser", cursors["inbox"]),
                 ("/api/v1/cases?all=1&status=", "organiser", cursors["cases"]),  # other filters
                 ("/api/v1/cases?q=科长", "organiser", cursors["cases"]),
                 (other_case, "organiser", cursors["events"]),  # another case's record
                 ("/api/v1/inbox", "colleague", cursors["inbox"])]  # another reader
    for path, who, cursor in misplaced:
        response = _ask(client, tokens[who], path, cursor=cursor)
        assert response.status_code == 400, (path, who)
        assert response.json["error"] == "bad_request" and response.json["message"].startswith("cursor ")


def test_a_forged_or_malformed_cursor_is_a_400_naming_it(site):
    client = site.test_client()
    for path, who, _ in _lists(site).values():
        token = site.tokens[who]
        real = _get(client, token, path, limit=1)["next_cursor"]
        payload, signature = real.rsplit(".", 1)
        altered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
        for cursor in ("garbage", real + "x", altered, "e30." + signature, "...", "%00", "x" * 2000, "😀", real[:-1]):
            response = _ask(client, token, path, cursor=cursor)
            assert response.status_code == 400, (path, cursor, response.status_code)
            message = response.json["message"]
            assert response.json["error"] == "bad_request" and message.startswith("cursor "), (path, cursor)
            assert "游标" in message  # in the API's language, as its other errors


BAD_QUERIES = [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("limit=-1", "limit"),
               ("limit=1.5", "limit"), ("limit=99999999999999999999", "limit"),
               ("page=2", "page"), ("per_page=10", "per_page")]


def test_a_bad_limit_or_a_page_number_is_a_400_that_says_which(site):
    client = site.test_client()
    for path, who, _ in _lists(site).values():
        for query, named in BAD_QUERIES:
            joined = f"{path}{'&' if '?' in path else '?'}{query}"
            response = client.get(joined, headers=bearer(site.tokens[who]))
            assert response.status_code == 400, (joined, response.json)
            assert response.json["error"] == "bad_request" and response.json["message"].startswith(f"{named} ")
            if named == "limit":
                assert "500" in response.json["message"]


def test_the_openapi_document_names_the_paging_and_the_page_of_each_list(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    for path in ("/inbox", "/cases", "/cases/{case_id}/events", "/processes"):
        operation = document["paths"][path]["get"]
        assert {"limit", "cursor"} <= {param["name"] for param in operation["parameters"]}
        assert not {"page", "per_page"} & {param["name"] for param in operation["parameters"]}
        assert "400" in operation["responses"]
        answer = schemas[operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                         .rsplit("/", 1)[1]]
        assert set(answer["properties"]) == {"items", "total", "next_cursor"} == set(answer["required"])
