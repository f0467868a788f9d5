"""One log line per request and per ``cadreflow`` command: JSON with the fields, or text; no secrets in them."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from tests.security.live_waitress import _wait_for
from tests.security.live_waitress import free_port
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import make_app
from webapp import structured_log

CADREFLOW = str(Path(sys.executable).with_name("cadreflow"))


@pytest.fixture
def json_app(db_url, clock):
    app = make_app(db_url, clock, LOG_FORMAT="json", WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["cadreflow.engine"].dispose()
    structured_log.configure("text")  # logging is per process: the next test's app starts from the default


def json_lines(text: str, logger: str) -> list[dict]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == logger]


def test_each_request_is_one_json_line_with_who_what_and_how_long(json_app, capsys):
    token = add_user(json_app, "organiser", "personnel_office", password="a-secret-password-1")
    client = json_app.test_client()
    capsys.readouterr()
    client.post("/login", data={"username": "organiser", "password": "a-secret-password-1"})
    client.get("/inbox?q=张三")
    client.get("/api/v1/cases/424242", headers=bearer(token))
    client.get("/no/such/page")
    err = capsys.readouterr().err
    logged = json_lines(err, "cadreflow.requests")
    assert [(line["method"], line["path"], line["endpoint"], line["status"], line["user"], line["case_id"])
            for line in logged] == [
        ("POST", "/login", "auth.login", 302, "organiser", None),
        ("GET", "/inbox", "pages.inbox", 200, "organiser", None),
        ("GET", "/api/v1/cases/424242", "api.get_case", 404, "organiser", 424242),
        ("GET", "/no/such/page", None, 404, "organiser", None)]
    assert all(isinstance(line["duration_ms"], float) and line["level"] == "info" for line in logged)
    # Neither the password, the token nor the query string (a search for a person's name) is logged.
    assert "a-secret-password-1" not in err and token not in err and "张三" not in err


def test_text_lines_are_for_people_and_commands_stay_quiet(db_url, clock, capsys):
    app = make_app(db_url, clock)
    try:
        capsys.readouterr()
        app.test_client().get("/login")
        structured_log.log_command("init-db", 0, 12.0, None)
    finally:
        app.extensions["cadreflow.engine"].dispose()
    err = capsys.readouterr().err
    assert "GET /login 200 " in err and " ms" in err and "{" not in err and "init-db" not in err


def test_each_command_is_one_json_line_with_its_exit_code_duration_and_case(tmp_path):
    env = {**os.environ, "CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
           "CADREFLOW_SECRET_KEY": "c" * 40, "CADREFLOW_LOG_FORMAT": "json"}
    ready = subprocess.run([CADREFLOW, "init-db"], env=env, capture_output=True, text=True, timeout=120)
    missing = subprocess.run([CADREFLOW, "audit", "record-sheet", "77", "--out", str(tmp_path / "r.pdf")],
                             env=env, capture_output=True, text=True, timeout=120)
    unknown = subprocess.run([CADREFLOW, "no-such-command"], env=env, capture_output=True, text=True, timeout=120)
    (line,) = json_lines(ready.stderr, "cadreflow.commands")
    assert ready.returncode == 0 and line["command"] == "init-db" and line["exit_code"] == 0
    assert line["case_id"] is None and line["duration_ms"] > 0
    (line,) = json_lines(missing.stderr, "cadreflow.commands")
    assert missing.returncode == 1
    assert (line["command"], line["exit_code"], line["case_id"]) == ("audit record-sheet", 1, 77)
    (line,) = json_lines(unknown.stderr, "cadreflow.commands")
    assert unknown.returncode == 2 and (line["command"], line["exit_code"]) == (None, 2)


def test_a_log_format_other_than_text_or_json_stops_the_start_naming_the_setting(tmp_path):
    env = {**os.environ, "CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
           "CADREFLOW_SECRET_KEY": "c" * 40, "CADREFLOW_LOG_FORMAT": "xml"}
    done = subprocess.run([CADREFLOW, "init-db"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "CADREFLOW_LOG_FORMAT" in done.stderr and "Traceback" not in done.stderr


def test_a_request_that_waited_for_sqlites_write_lock_says_how_long(json_app, db_url, capsys):
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    token = add_user(json_app, "organiser", "personnel_office", password="a-secret-password-1")
    client = json_app.test_client()
    holding, held_for = threading.Event(), 0.4

    def other_writer():
        with json_app.extensions["cadreflow.sessions"].begin() as session:
            session.execute(text("SELECT 1"))
            holding.set()
            time.sleep(held_for)

    writer = threading.Thread(target=other_writer)
    writer.start()
    holding.wait(5)
    capsys.readouterr()
    client.post("/api/v1/cases", headers=bearer(token), json={"process": "nothing_deployed", "title": "t"})
    client.get("/inbox", headers=bearer(token))
    writer.join(5)
    waited, read = json_lines(capsys.readouterr().err, "cadreflow.requests")
    assert waited["method"] == "POST" and waited["write_wait_ms"] >= (held_for - 0.1) * 1000
    assert "write_wait_ms" not in read  # a read takes no write lock


def test_cadreflow_serve_logs_each_request_once(tmp_path):
    # waitress sets up Python's root logger when it starts: each request line came out a second time through it,
    # as a bare "INFO:cadreflow.requests:request".
    env = {**os.environ, "CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}",
           "CADREFLOW_SECRET_KEY": "s" * 40, "CADREFLOW_COOKIE_SECURE": "false"}
    assert subprocess.run([CADREFLOW, "init-db"], env=env, capture_output=True, timeout=120).returncode == 0
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([CADREFLOW, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/login", server, log)
        requests.get(f"http://127.0.0.1:{port}/no-such-page", timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if "no-such-page" in line]) == 1, lines
    assert not [line for line in lines if line.startswith("INFO:cadreflow")], lines
