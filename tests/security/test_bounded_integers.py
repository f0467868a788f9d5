"""Numbers too large for the database's INTEGER ids, in a path or a parameter: a 404 or a 400, never a 500."""

import re

import pytest
from sqlalchemy import select

from storage.models import Cadre
from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import app  # noqa: F401 - the app fixture, on SQLite and PostgreSQL
from tests.webapp.conftest import bearer
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in

# Past any 64-bit integer (SQLite: OverflowError), and one past PostgreSQL's INTEGER (NumericValueOutOfRange).
HUGE = ["99999999999999999999", "2147483648"]
AUTOMATIC = {"HEAD", "OPTIONS"}  # answered by Flask for every route


@pytest.fixture
def site(app, clock):  # noqa: F811 - the imported fixture
    """The registry site with an admin beside its organiser (wangmin), auditor (zhouting) and secretary (lihua)."""
    registry_site(app, clock)
    add_user(app, "root", "admin")
    assert app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    started = app.test_client().post("/api/v1/cases", headers=bearer(add_user(app, "starter", "personnel_office")),
                                     json={"process": "two_lane_review", "title": "科长人选", "data": {}})
    assert started.status_code == 201, started.json
    app.case_id = started.json["id"]  # a real case, for its event numbers
    return app


def int_rules(app):  # noqa: F811
    """Every rule of the app with an ``<int:…>`` argument, and its other arguments."""
    for rule in app.url_map.iter_rules():
        ints = re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule)
        if ints:
            yield rule, ints


def filled(rule, ints: list[str], number: str) -> str:
    """The rule's path with ``number`` for each int argument and a harmless word for the others."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: number if m.group(1) in ints else "x", rule.rule)


def clients(site):
    """A signed-in client for the office, the auditor and the admin, and API tokens for the same three roles."""
    pages = {name: signed_in(site, name) for name in ("wangmin", "zhouting", "root")}
    tokens = {name: add_user(site, f"api-{name}", role) for name, role in
              (("office", "personnel_office"), ("admin", "admin"), ("auditor", "auditor"))}
    return pages, tokens


def test_every_int_path_argument_too_large_for_the_database_is_a_404(site):
    pages, tokens = clients(site)
    rules = list(int_rules(site))
    assert len(rules) >= 25, "the walk should find the app's id routes"
    answers = {}
    for rule, ints in rules:
        for number in HUGE:
            path = filled(rule, ints, number)
            for method in sorted(rule.methods - AUTOMATIC):
                if path.startswith("/api/"):
                    callers = [(name, site.test_client(), {"headers": bearer(token)}) for name, token in tokens.items()]
                else:
                    callers = [(name, client, {}) for name, client in pages.items()]
                for name, client, kwargs in callers:
                    status = client.open(path, method=method, **kwargs).status_code
                    answers[f"{method} {path} as {name}"] = status
    server_errors = {request: status for request, status in answers.items() if status >= 500}
    assert server_errors == {}
    # Nothing by that id can exist: a 404 (an auditor's post is refused before that, as any other post of theirs).
    wrong = {request: status for request, status in answers.items()
             if status != (403 if request.startswith("POST") and request.endswith("zhouting") else 404)}
    assert wrong == {}
    # Thousands of digits: int() refuses them (a ValueError), the router must not ask it.
    assert pages["wangmin"].get(f"/cases/{'9' * 5000}").status_code == 404


PAGE_PARAMETERS = [("/inbox", "wangmin"), ("/registry", "wangmin"), ("/cases", "wangmin"), ("/audit", "zhouting")]
OUT_OF_RANGE = [*HUGE, "-5", "0", "abc"]


def test_a_page_number_out_of_range_shows_a_page(site):
    # A page number is where one is in a list: one out of range shows the nearest page, not an error.
    answers = {f"{path}?page={number}": signed_in(site, who).get(f"{path}?page={number}").status_code
               for path, who in PAGE_PARAMETERS for number in OUT_OF_RANGE}
    assert set(answers.values()) == {200}, answers


def test_an_id_parameter_out_of_range_is_a_400_naming_it(site):
    # An id (a section, an event of the record) that cannot exist is a mistake in the link: say which.
    requests = [(signed_in(site, "wangmin"), "/registry?section={}", "section"),
                (signed_in(site, "zhouting"), f"/audit/cases/{site.case_id}?seq={{}}", "seq")]
    for client, path, name in requests:
        for number in OUT_OF_RANGE:
            response = client.get(path.format(number))
            assert response.status_code == 400 and name in response.get_data(as_text=True), path.format(number)


def test_an_api_number_out_of_range_is_a_400_naming_it(site):
    # An API client is told what it sent wrong, rather than given a page it did not ask for.
    token, client = add_user(site, "api-office", "personnel_office"), site.test_client()
    for path, name in (("/api/v1/cases", "limit"), ("/api/v1/inbox", "limit"), ("/api/v1/processes", "limit")):
        for number in OUT_OF_RANGE:
            response = client.get(f"{path}?{name}={number}", headers=bearer(token))
            assert response.status_code == 400, (path, name, number, response.json)
            assert response.json["error"] == "bad_request" and name in response.json["message"]


def test_a_posted_id_out_of_range_is_refused_by_the_form(site):
    # Ids chosen from a list in a form (a user, a section): a number the database cannot hold names nothing.
    admin, office = signed_in(site, "root"), signed_in(site, "wangmin")
    with site.extensions["cadreflow.sessions"]() as session:
        cadre_id = session.scalar(select(Cadre.id).limit(1))
    for number in HUGE:
        assert admin.post("/admin/tokens", data={"user_id": number, "label": "x"}).status_code == 422, number
        posted = office.post(f"/registry/{cadre_id}/appointments", data={
            "section_id": number, "title": "科员", "start_date": "2026-01-01"})
        assert posted.status_code == 422 and "2147483647" in posted.get_data(as_text=True), number
