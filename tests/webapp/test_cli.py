"""The command line: users, tokens, deployment, demo seed, timers; also as a real console script."""

import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import ProcessSpec
from tests.conftest import DATA
from tests.webapp.conftest import bearer


def count(app, column) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(func.count(column)))


def test_created_user_gets_a_token_printed_as_the_last_line(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-user", "wangmin", "--role", "personnel_office",
                               "--role", "party_group", "--password-stdin"],
                         input="a-long-password\n")
    assert made.exit_code == 0, made.output
    issued = runner.invoke(args=["create-token", "wangmin"])
    token = issued.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/inbox", headers=bearer(token))
    assert response.status_code == 200


def test_create_user_refuses_an_unknown_role_and_a_short_password(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["create-user", "x", "--role", "boss", "--password-stdin"],
                            input="a-long-password\n")
    assert unknown.exit_code == 1 and "未知角色：boss" in unknown.output
    short = runner.invoke(args=["create-user", "y", "--role", "auditor", "--password-stdin"],
                          input="short\n")
    assert short.exit_code == 1 and "密码长度" in short.output


def test_deploy_error_names_file_and_element_and_stores_nothing(app, tmp_path):
    shutil.copytree(DATA / "forms", tmp_path / "forms")
    bad = (DATA / "two_lane.bpmn").read_text().replace('targetRef="review"', 'targetRef="nowhere"')
    (tmp_path / "broken.bpmn").write_text(bad)
    result = app.test_cli_runner().invoke(args=["deploy", str(tmp_path / "broken.bpmn")])
    assert result.exit_code == 1
    assert "broken.bpmn" in result.output and "f_prepared" in result.output
    assert count(app, ProcessSpec.id) == 0 and count(app, AuditEvent.seq) == 0


def test_seed_demo_is_idempotent_and_prints_the_accounts(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "organiser" in first.output and "cadreflow-demo" in first.output
    packaged = list(Path(str(resources.files("bpmn"))).glob("*.bpmn"))
    assert packaged and count(app, ProcessSpec.id) == len(packaged)  # one version of each, however often


def test_run_timers_fires_what_is_due(app, clock):
    runner = app.test_cli_runner()
    runner.invoke(args=["deploy", str(DATA / "two_lane.bpmn")])
    runner.invoke(args=["create-user", "o", "--role", "personnel_office", "--role",
                        "party_secretary", "--password-stdin"], input="a-long-password\n")
    token = runner.invoke(args=["create-token", "o"]).output.strip().splitlines()[-1]
    client = app.test_client()
    case = client.post("/api/v1/cases", headers=bearer(token),
                       json={"process": "two_lane_review", "title": "t"}).json
    for data in ({"candidate": "张三", "years_in_post": 1}, {"approved": True, "opinion": "同意"}):
        task = client.get("/api/v1/inbox", headers=bearer(token)).json["items"][0]
        client.post(f"/api/v1/tasks/{task['id']}/complete", headers=bearer(token),
                    json={"data": data})
    assert "已触发 0 个" in runner.invoke(args=["run-timers"]).output
    clock.advance(days=6)
    assert "已触发 1 个" in runner.invoke(args=["run-timers"]).output
    status = client.get(f"/api/v1/cases/{case['id']}", headers=bearer(token)).json["status"]
    assert status == "completed"


def test_console_script_and_flask_cli_both_work(tmp_path):
    env = {**os.environ, "CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
           "CADREFLOW_SECRET_KEY": "s" * 40}
    script = Path(sys.executable).with_name("cadreflow")
    for command in ([str(script), "init-db"],
                    [sys.executable, "-m", "flask", "--app", "webapp", "init-db"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "数据库已就绪" in done.stdout
