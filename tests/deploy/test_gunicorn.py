"""gunicorn with the shipped gunicorn.conf.py on PostgreSQL: healthy, a sign-in and the inbox over real HTTP, one
JSON log line per request, a graceful reload (HUP) that keeps answering, and a clean stop."""

import json
import os
import re
import runpy
import signal
import threading
import time
from types import SimpleNamespace
from unittest import mock

import requests

from tests.conftest import DATA
from tests.deploy.conftest import ROOT
from tests.deploy.conftest import Gunicorn
from tests.deploy.conftest import production_env
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import make_app
from workflows.record import checkpoints

FIELDS = {"time", "level", "logger", "method", "path", "endpoint", "status", "duration_ms", "user", "case_id"}


def a_running_case(db_url: str, clock) -> tuple[int, str]:
    """The schema, the organiser (and a token of theirs) and one case of the two-lane process waiting on them."""
    app = make_app(db_url, clock)
    try:
        deployed = app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")])
        assert deployed.exit_code == 0, deployed.output
        token = add_user(app, "organiser", "personnel_office")
        started = app.test_client().post("/api/v1/cases", headers=bearer(token),
                                         json={"process": "two_lane_review", "title": "科长人选", "data": {}})
        assert started.status_code == 201, started.json
        return started.json["id"], token
    finally:
        app.extensions["cadreflow.engine"].dispose()


def sign_in(base: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    home = browser.post(f"{base}/login", timeout=30,
                        data={"username": "organiser", "password": "password-123", "csrf_token": token})
    assert home.status_code == 200 and home.url == f"{base}/", home.url
    return browser


def request_lines(server: Gunicorn) -> list[dict]:
    lines = [json.loads(line) for line in server.lines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "cadreflow.requests"]


def booted_workers(server: Gunicorn) -> int:
    return sum("Booting worker with pid" in line for line in server.lines())


def test_gunicorn_serves_signs_in_logs_json_reloads_on_hup_and_stops(pg_url, clock, tmp_path):
    case_id, token = a_running_case(pg_url, clock)
    key = tmp_path / "signing-key.pem"
    checkpoints.generate_key(key)
    server = Gunicorn(production_env(pg_url, CADREFLOW_SIGNING_KEY=str(key)), tmp_path)
    try:
        seconds = server.wait_healthy()
        print(f"gunicorn (preload, 2 workers) healthy {seconds:.2f} s after its start")
        health = requests.get(f"{server.base}/healthz", timeout=10)
        assert health.json() == {"status": "ok",
                                 "checks": {"database": "ok", "migrations": "ok", "signing_key": "ok"}}
        assert "Set-Cookie" not in health.headers and health.headers["Cache-Control"] == "no-store"

        browser = sign_in(server.base)
        inbox = browser.get(f"{server.base}/inbox", timeout=10)
        assert inbox.status_code == 200 and "科长人选" in inbox.text
        case = requests.get(f"{server.base}/api/v1/cases/{case_id}", headers=bearer(token), timeout=10)
        assert case.status_code == 200

        logged = request_lines(server)
        assert all(set(line) == FIELDS for line in logged), logged
        (inbox_line,) = [line for line in logged if line["path"] == "/inbox"]
        assert inbox_line | {"time": None, "duration_ms": None} == {
            "time": None, "level": "info", "logger": "cadreflow.requests", "method": "GET", "path": "/inbox",
            "endpoint": "pages.inbox", "status": 200, "duration_ms": None, "user": "organiser", "case_id": None}
        assert isinstance(inbox_line["duration_ms"], float) and inbox_line["duration_ms"] > 0
        (case_line,) = [line for line in logged if line["path"] == f"/api/v1/cases/{case_id}"]
        assert case_line["case_id"] == case_id and case_line["endpoint"] == "api.get_case"
        assert case_line["user"] == "organiser" and token not in server.log.read_text()
        (sign_in_line,) = [line for line in logged if line["path"] == "/login" and line["method"] == "POST"]
        assert sign_in_line["status"] == 302 and "password-123" not in server.log.read_text()

        # HUP: new workers start, the old ones finish their requests; the site answers throughout.
        answers, stop = [], threading.Event()

        def keep_asking():
            while not stop.is_set():
                answers.append(browser.get(f"{server.base}/inbox", timeout=30).status_code)

        asking = threading.Thread(target=keep_asking)
        asking.start()
        before = booted_workers(server)
        os.kill(server.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 60
        while booted_workers(server) < before + 2:
            assert time.monotonic() < deadline, "no new workers after HUP:\n" + "\n".join(server.lines())
            time.sleep(0.1)
        time.sleep(1)  # the new workers answer, the old ones are gone
        stop.set()
        asking.join(timeout=60)
        assert answers and set(answers) == {200}, answers
        assert requests.get(f"{server.base}/healthz", timeout=10).status_code == 200
        assert server.process.poll() is None
    finally:
        exit_code = server.stop()
    assert exit_code == 0, "\n".join(server.lines()[-20:])
    assert any("Shutting down" in line for line in server.lines())


def test_the_shipped_config_sizes_workers_preloads_freezes_and_lets_workers_drop_inherited_connections():
    with mock.patch.dict(os.environ, {"CADREFLOW_WEB_WORKERS_MAX": "3"}, clear=False), \
            mock.patch("os.sched_getaffinity", return_value={0, 1, 2, 3}):
        os.environ.pop("CADREFLOW_WEB_WORKERS", None)
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 3  # 2 × 4 + 1, capped
    assert config["preload_app"] is True and config["max_requests_jitter"] > 0
    assert config["graceful_timeout"] <= config["timeout"] and config["secure_scheme_headers"] == {}
    engine = mock.Mock()
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: SimpleNamespace(
        extensions={"cadreflow.engine": engine})))
    config["post_fork"](server, worker=None)
    engine.dispose.assert_called_once_with(close=False)
    with mock.patch("gc.freeze") as freeze:
        config["when_ready"](server)
    freeze.assert_called_once_with()
