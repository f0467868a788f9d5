"""Delivering a message (a complaint) to a case: whoever may not is refused first, whatever the case's state."""

import json

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import make_app
from tests.webapp.conftest import signed_in

COMPLAINT = {"message": "complaint", "payload": {"summary": "反映问题"}}


@pytest.fixture
def site(tmp_path, clock):
    """message_wait deployed (its complaint is caught in the discipline lane), and who is who."""
    app = make_app(f"sqlite:///{tmp_path / 'messages.sqlite'}", clock, WTF_CSRF_ENABLED=False)
    assert app.test_cli_runner().invoke(args=["deploy", str(DATA / "message_wait.bpmn")]).exit_code == 0
    app.tokens = {"office": add_user(app, "wangmin", "personnel_office"),
                  "discipline": add_user(app, "jijian", "discipline"),
                  "stranger": add_user(app, "lihua", "party_secretary")}
    yield app
    app.extensions["cadreflow.engine"].dispose()


def post(app, who: str, case_id: int, body=COMPLAINT):
    return app.test_client().post(f"/api/v1/cases/{case_id}/messages", headers=bearer(app.tokens[who]), json=body)


def cases_in_each_state(app) -> dict[str, int]:
    """A case not yet waiting for the complaint, one waiting for it, and one finished."""
    client, office = app.test_client(), bearer(app.tokens["office"])
    found = {}
    for state in ("open", "waiting", "finished"):
        case = client.post("/api/v1/cases", headers=office, json={"process": "message_wait", "title": state}).json
        found[state] = case["id"]
        if state != "open":
            done = client.post(f"/api/v1/tasks/{case['open_tasks'][0]['id']}/complete", headers=office,
                               json={"data": {"summary": "已登记"}})
            assert done.status_code == 200
        if state == "finished":
            delivered = post(app, "discipline", case["id"])
            assert delivered.json.get("status") == "completed", delivered.json
    return found


def refusals(app) -> list[tuple[int, str]]:
    with app.extensions["cadreflow.sessions"]() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.type == "access.denied")
                               .order_by(AuditEvent.seq)).all()
        return [(row.case_id, json.loads(row.payload)["command"]) for row in rows]


def test_one_who_may_not_read_the_case_is_refused_in_any_state_and_it_is_on_record(site):
    cases = cases_in_each_state(site)
    for state, case_id in cases.items():
        response = post(site, "stranger", case_id)
        assert response.status_code == 403, (state, response.json)
        # The refusal says nothing of where the case stands.
        assert str(case_id) in response.json["message"] and "状态" not in response.json["message"]
        bare = post(site, "stranger", case_id, {"message": "no-such-message"})
        assert bare.status_code == 403, (state, bare.json)
    assert refusals(site) == [(case_id, f"POST /api/v1/cases/{case_id}/messages")
                              for case_id in cases.values() for _ in (1, 2)]


def test_those_who_may_deliver_it_are_answered_as_before(site):
    cases = cases_in_each_state(site)
    # The discipline office catches the complaint: too early and too late are conflicts, on time it is taken.
    assert post(site, "discipline", cases["open"]).status_code == 409
    assert post(site, "discipline", cases["finished"]).status_code == 409
    assert post(site, "discipline", cases["waiting"]).status_code == 200
    # The office reads every case: it learns the state, and is refused only where the lane is another's.
    office_case = site.test_client().post("/api/v1/cases", headers=bearer(site.tokens["office"]),
                                          json={"process": "message_wait", "title": "again"}).json["id"]
    assert post(site, "office", office_case).status_code == 409
    assert post(site, "office", cases["finished"]).status_code == 409


def test_the_case_page_refuses_the_stranger_too(site):
    cases = cases_in_each_state(site)
    add_user(site, "lihua2", "party_secretary")
    page = signed_in(site, "lihua2")
    for case_id in cases.values():
        response = page.post(f"/cases/{case_id}/messages/complaint", data={"summary": "反映问题"})
        assert response.status_code == 403
