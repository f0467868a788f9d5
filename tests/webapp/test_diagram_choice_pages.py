"""The case page and the audit replay show the diagram asked for with ?diagram=, and the main one for an unknown id."""

import re

import pytest

from tests.conftest import DATA
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in


@pytest.fixture
def case_id(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False  # signed_in posts the login form without a token
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])
    add_user(app, "zhouting", "auditor")
    return steps.start(bureau).id


def shown_diagram(page: str) -> str:
    assert page.count('class="bpmn-diagram"') == 1
    return re.search(r'class="bpmn-diagram".*?<title>(.*?)</title>', page, re.S).group(1)


@pytest.mark.parametrize(("username", "path"), [("organiser", "/cases/{id}"), ("zhouting", "/audit/cases/{id}")])
def test_an_unknown_or_hostile_diagram_id_shows_the_main_diagram(app, case_id, username, path):
    client = signed_in(app, username)
    main = client.get(path.format(id=case_id))
    assert main.status_code == 200
    title = shown_diagram(main.get_data(as_text=True))
    for asked in ("no_such_diagram", "<script>", "x" * 5000, "BPMNDiagram_1"):
        page = client.get(path.format(id=case_id), query_string={"diagram": asked})
        assert page.status_code == 200, asked
        assert shown_diagram(page.get_data(as_text=True)) == title, asked


def test_a_case_of_a_model_without_a_diagram_shows_its_page_and_says_why_there_is_no_drawing(app):
    """Deploy accepts a model without diagram interchange; its cases' pages must still open (they answered 422)."""
    assert app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    token = add_user(app, "organiser", "personnel_office")
    add_user(app, "zhouting", "auditor")
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    case = client.post("/api/v1/cases", headers=bearer(token),
                       json={"process": "two_lane_review", "title": "科长人选", "data": {}}).json
    for username, path in (("organiser", f"/cases/{case['id']}"), ("zhouting", f"/audit/cases/{case['id']}")):
        page = signed_in(app, username).get(path)
        assert page.status_code == 200, (path, page.status_code)
        text = page.get_data(as_text=True)
        assert 'class="bpmn-diagram"' not in text and "BPMNDiagram" in text
