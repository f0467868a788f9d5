"""One click, one case: a second start for a cadre with a running case of the procedure is refused (issue 11, point 10).

The refusal is in the command layer (the API says which case), the office may override it with a reason on
record, the start and withdraw buttons ask for a confirmation, and two clicks at once start one case, also
through a real `cadreflow serve` process on SQLite and PostgreSQL.
"""

import json
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from storage import make_engine
from storage import make_session_factory
from storage.models import AuditEvent
from storage.models import Case
from tests.conftest import make_actor
from tests.template_db import migrate
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from tests.webapp.test_demo_serve import CADREFLOW
from tests.webapp.test_demo_serve import free_port
from tests.webapp.test_demo_serve import wait_for
from workflows import commands
from workflows.actors import SYSTEM
from workflows.errors import DuplicateCase
from workflows.errors import InvalidData
from workflows.processes import deploy
from workflows.registry.demo import seed_registry

PACKAGED = Path(__file__).resolve().parents[2] / "bpmn"
START = {"trigger_reason": "scan_10_years", "trigger_note": "干部信息库轮岗扫描发现", "scan_date": "2026-03-02"}
SCAN_ROW = {"kind": "rotation", "cadre": "QP0001", "reason": "任现职满 10 年", "on": "2026-03-02"}


def prepare(sessions, clock) -> None:
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        deploy.deploy(session, deploy.bundle_from_paths([PACKAGED / "rotation_approval.bpmn"]), SYSTEM, clock.now())


def all_cases(sessions) -> list[Case]:
    with sessions() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


@pytest.fixture
def site(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    prepare(app.extensions["cadreflow.sessions"], clock)
    add_user(app, "wangmin", "personnel_office")
    return app


def test_the_command_refuses_a_second_running_case_and_the_office_may_override_with_a_reason(sessions, clock):
    prepare(sessions, clock)
    office = make_actor(sessions, "wangmin", "personnel_office")
    start = lambda **options: commands.start_case(  # noqa: E731
        session, office, clock.now(), "rotation_approval", "", dict(START), cadre_staff_no="QP0001", **options)
    with sessions.begin() as session:
        first = start()["id"]
    with sessions.begin() as session, pytest.raises(DuplicateCase) as refused:
        start()
    assert refused.value.case_id == first and f"#{first}" in refused.value.message
    with sessions.begin() as session, pytest.raises(InvalidData) as no_reason:
        start(override_reason="  ")
    assert "override_reason" in no_reason.value.errors
    with sessions.begin() as session:
        second = start(override_reason="原案件办理对象有误，另行发起并撤销原案件")["id"]
    with sessions() as session:
        payload = json.loads(session.scalar(select(AuditEvent.payload).where(
            AuditEvent.case_id == second, AuditEvent.type == "case.started")))
    assert payload["override"] == {"running_cases": [first], "reason": "原案件办理对象有误，另行发起并撤销原案件"}
    with sessions.begin() as session:
        commands.cancel_case(session, office, clock.now(), first, "重复发起")
        commands.cancel_case(session, office, clock.now(), second, "重复发起")
    with sessions.begin() as session:
        assert start()["id"] > second  # nothing running any more: an ordinary start again


def test_the_api_names_the_running_case(site):
    token = add_user(site, "api-office", "personnel_office")
    body = {"process": "rotation_approval", "cadre": "QP0001", "data": START}
    client = site.test_client()
    first = client.post("/api/v1/cases", json=body, headers=bearer(token))
    assert first.status_code == 201
    again = client.post("/api/v1/cases", json=body, headers=bearer(token))
    assert again.status_code == 409
    assert again.get_json()["error"] == "duplicate_case" and again.get_json()["case_id"] == first.get_json()["id"]
    forced = client.post("/api/v1/cases", json={**body, "override_reason": "两项不同的轮岗事由"}, headers=bearer(token))
    assert forced.status_code == 201


def test_the_scan_page_asks_for_a_confirmation_and_a_second_click_starts_nothing(site):
    client = signed_in(site, "wangmin")
    scan_page = client.get("/registry/scan").get_data(as_text=True)
    assert 'name="confirm"' in scan_page and "data-confirm" in scan_page and 'name="idempotency_key"' in scan_page
    unconfirmed = client.post("/cases/from-scan", data=SCAN_ROW)
    assert unconfirmed.status_code == 422 and "确认" in unconfirmed.get_data(as_text=True)
    assert all_cases(site.extensions["cadreflow.sessions"]) == []
    confirmed = {**SCAN_ROW, "confirm": "1", "idempotency_key": "scan-row-1"}
    assert client.post("/cases/from-scan", data=confirmed).status_code == 302
    assert client.post("/cases/from-scan", data=confirmed).status_code == 302  # the same click again: same answer
    [case] = all_cases(site.extensions["cadreflow.sessions"])
    another_tab = client.post("/cases/from-scan", data={**confirmed, "idempotency_key": "scan-row-2"})
    page = another_tab.get_data(as_text=True)
    assert another_tab.status_code == 409 and f'href="/cases/{case.id}"' in page and 'name="override_reason"' in page
    assert len(all_cases(site.extensions["cadreflow.sessions"])) == 1
    override = client.post("/cases/from-scan", data={**confirmed, "idempotency_key": "scan-row-3",
                                                      "override_reason": "另一项轮岗事由，须分别审批"})
    assert override.status_code == 302 and len(all_cases(site.extensions["cadreflow.sessions"])) == 2


def test_the_start_form_and_withdrawal_need_a_confirmation(site):
    client = signed_in(site, "wangmin")
    form = {"process": "rotation_approval", "cadre": "QP0001", **START}
    page = client.get("/cases/new?process=rotation_approval").get_data(as_text=True)
    assert 'name="confirm"' in page and "data-confirm" in page and 'name="idempotency_key"' in page
    assert client.post("/cases/new", data=form).status_code == 422
    assert all_cases(site.extensions["cadreflow.sessions"]) == []
    assert client.post("/cases/new", data={**form, "confirm": "1"}).status_code == 302
    [case] = all_cases(site.extensions["cadreflow.sessions"])
    show = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="confirm"' in show and "data-confirm" in show
    refused = client.post(f"/cases/{case.id}/withdraw", data={"reason": "重复发起"})
    assert refused.status_code == 422 and all_cases(site.extensions["cadreflow.sessions"])[0].status == "running"
    assert client.post(f"/cases/{case.id}/withdraw", data={"reason": "重复发起", "confirm": "1"}).status_code == 302
    assert all_cases(site.extensions["cadreflow.sessions"])[0].status == "cancelled"


def sign_in(base: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', browser.get(f"{base}/login", timeout=10).text)[1]
    home = browser.post(f"{base}/login", data={"username": "wangmin", "password": "password-123",
                                               "csrf_token": token}, timeout=30)
    assert home.status_code == 200
    scan = browser.get(f"{base}/registry/scan", timeout=30).text
    return browser, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', scan)[1]


def post_together(posts: list) -> list[int]:
    """Send the POSTs at the same moment, each from its own thread; their status codes."""
    barrier, codes = threading.Barrier(len(posts)), [None] * len(posts)

    def send(index, browser, data):
        barrier.wait()
        codes[index] = browser.post(f"{data.pop('_base')}/cases/from-scan", data=data, timeout=60,
                                    allow_redirects=False).status_code

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_two_clicks_at_once_through_a_real_server_start_one_case(db_url, clock):
    engine = make_engine(db_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    prepare(sessions, clock)
    make_actor(sessions, "wangmin", "personnel_office")
    env = {**os.environ, "CADREFLOW_DATABASE_URL": db_url, "CADREFLOW_SECRET_KEY": "d" * 40,
           "CADREFLOW_COOKIE_SECURE": "false"}
    port = free_port()
    server = subprocess.Popen([CADREFLOW, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login")
        (one, csrf_one), (two, csrf_two) = sign_in(base), sign_in(base)
        row = {**SCAN_ROW, "on": clock.now().date().isoformat(), "confirm": "1", "_base": base}
        # Two people (or two tabs) at once, each form with its own key: the first case refuses the second.
        codes = post_together([(one, {**row, "idempotency_key": "tab-a", "csrf_token": csrf_one}),
                               (two, {**row, "idempotency_key": "tab-b", "csrf_token": csrf_two})])
        assert sorted(codes) == [302, 409], codes
        assert [case.subject for case in all_cases(sessions)] == ["QP0001"]
        # A double click: one form, one idempotency key, two requests at once; one case, the same answer twice.
        same = {**row, "cadre": "QP0057", "idempotency_key": "double-click", "csrf_token": csrf_one}
        assert post_together([(one, dict(same)), (one, dict(same))]) == [302, 302]
        assert [case.subject for case in all_cases(sessions)] == ["QP0001", "QP0057"]
    finally:
        server.terminate()
        server.wait(timeout=15)
        engine.dispose()
