"""The English interface is English on every page (issue 13).

Each role signs in, switches to English and opens every page it can reach by GET (the routes of ``app.url_map``,
filled with the ids of cases mid-way and finished, their tasks, a cadre and a record of its file, a user), then
sends forms with mistakes. No Chinese may show but user data: a run of Chinese characters passes only when some
text the database holds contains it (names, case data, the recorded events, the deployed models and forms).
"""

from itertools import product
from urllib.parse import urlencode

import pytest

from tests.webapp.conftest import signed_in
from tests.webapp.english_site import build
from tests.webapp.english_site import foreign_runs
from tests.webapp.english_site import user_data

# One user per kind of role: the office, the party secretary and a member, the reviewers, the auditor, the admin.
ROLES = ["organiser", "secretary", "member1", "inspector", "discipline", "district", "auditor", "admin"]
SKIPPED = {"static", "auth.login"}  # files, and the sign-in page that only sends a signed-in user home
# The pages behind a query string that the routes alone do not reach.
QUERIES = {
    "case_pages.index": [{"all": "1", "status": ""}, {"status": "completed"}, {"status": "terminated"},
                         {"status": "cancelled"}],
    "pages.inbox": [{"tab": "mine"}, {"sort": "case"}, {"tab": "party_group"}, {"tab": "personnel_office"}],
    "case_start.new": [{"process": "cadre_selection"}, {"process": "rotation_approval", "cadre": "QP0001"},
                       {"process": "second_line_approval"}, {"process": "no_such_process"}],
    "audit_pages.index": [{"status": "completed"}, {"started_from": "2026-13-01"}],
    "audit_pages.case": [{"seq": "1"}],
    "registry.index": [{"active": "all"}, {"leadership": "1", "q": "QP00"}, {"page": "99"}],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = build(tmp_path_factory.mktemp("english"))
    yield site
    site.app.extensions["cadreflow.engine"].dispose()


def english_client(site, username: str):
    """A test client signed in as ``username`` with the language switched to English."""
    client = signed_in(site.app, username)
    assert client.post("/language/en", data={"next": "/"}).status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    return client


def route_values(site, username: str) -> dict[str, list]:
    """What fills each route argument: every case; the user's tasks, another one and a finished one; ..."""
    mine = site.tasks_of(username)
    other = next(row.id for row in site.open_tasks() if row.id not in mine)
    return {"case_id": sorted(site.cases.values()), "task_id": [*mine, other, site.done_task],
            "cadre_id": [site.cadre_id], "kind_name": ["leave"], "record_id": [site.leave_id],
            "user_id": [site.users["organiser"]], "kind": ["xlsx", "csv", "pdf"], "sha256": ["0" * 64],
            "award_id": [site.award_id], "staff_no": ["QP0026", "QP9999"],
            # A case's papers: a draft of each format; no paper is issued nor number taken on the site (404).
            "fmt": ["pdf", "docx"], "paper_id": [1], "number_id": [1]}


def get_pages(site, username: str) -> list[str]:
    """Every GET route but the API's (which answers in Chinese by design), with each set of values, and QUERIES."""
    values, urls = route_values(site, username), []
    for rule in site.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.startswith("api."):
            continue
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"no value to fill {missing} of {rule.rule}: add one to route_values"
        names = sorted(rule.arguments)
        for chosen in product(*(values[name] for name in names)):
            path = rule.build(dict(zip(names, chosen, strict=True)))[1]
            urls += [path, *(f"{path}?{urlencode(query)}" for query in QUERIES.get(rule.endpoint, []))]
    return urls


def chinese_on(site, answers) -> list[str]:
    """``page → run`` for each run of Chinese outside user data on the HTML ``answers`` ((page, response) pairs).

    The user data is read after the pages: opening them may have put something on record (a refusal, say).
    """
    found, stored = [], user_data(site.app)
    for page, response in answers:
        assert response.status_code < 500, f"{page} answered {response.status_code}"
        if response.mimetype == "text/html":
            found += [f"{page} → {run}" for run in foreign_runs(response.get_data(as_text=True), stored)]
    return found


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_can_open_is_english(site, username):
    client = english_client(site, username)
    found = chinese_on(site, [(url, client.get(url)) for url in get_pages(site, username)])
    assert not found, f"{username} sees Chinese on English pages:\n" + "\n".join(found)


def mistakes(site, username: str) -> list[tuple[str, dict]]:
    """Forms sent with a mistake (or refused outright), and a change or two whose message shows on the next page."""
    cadre, cases = site.cadre_id, site.cases
    task = (site.tasks_of(username) or [row.id for row in site.open_tasks()])[0]
    member = site.users["member2"]
    return [(f"/tasks/{task}", {"version": "1"}), (f"/tasks/{task}/claim", {}),
            (f"/cases/{cases['checks']}/withdraw", {}), (f"/cases/{cases['vote']}/messages/complaint", {})] + {
        "organiser": [("/cases/new", {}), ("/cases/new", {"process": "cadre_selection"}),
                      ("/cases/from-scan", {"kind": "nothing"}),
                      ("/cases/from-scan", {"kind": "rotation", "cadre": "QP0001"}),
                      (f"/registry/{cadre}/edit", {"name": "", "birth_date": "1990-02-31"}),
                      (f"/registry/{cadre}/assessments", {"year": "last", "grade": "x"}),
                      (f"/registry/{cadre}/sanctions", {"kind": "x", "decided_on": "soon"}),
                      (f"/registry/{cadre}/appointments", {"title": ""}),
                      (f"/registry/{cadre}/post-category", {"category": "nothing"}),
                      (f"/registry/{cadre}/file/leave", {"leave_start": "2026-11-09", "leave_end": "2026-11-01"}),
                      (f"/registry/{cadre}/file/talk", {}), ("/registry/import", {}),
                      ("/registry/headcount", {"approved:SJZY:section_chief": "many"}),
                      ("/registry/headcount", {})],
        "admin": [("/admin/users", {"username": "", "password": "x"}), ("/admin/tokens", {}),
                  (f"/admin/users/{member}/roles", {"roles": ["nothing"]}),
                  (f"/admin/users/{member}/password", {"password": "x"}), ("/admin/processes", {}),
                  ("/admin/tokens/999/revoke", {}), (f"/admin/users/{member}/roles", {"roles": ["party_group"]})],
        "auditor": [("/audit/verify", {}), ("/audit/verify", {"checkpoint_text": "not a checkpoint"})],
    }.get(username, [])


@pytest.mark.parametrize("username", ROLES)
def test_forms_with_mistakes_answer_in_english(site, username):
    client = english_client(site, username)
    answers = [(f"POST {path} {data}", client.post(path, data=data, follow_redirects=True))
               for path, data in mistakes(site, username)]
    found = chinese_on(site, answers)
    assert not found, f"{username} sees Chinese on English pages:\n" + "\n".join(found)
