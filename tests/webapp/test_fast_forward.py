"""The demo moves: `serve --with-timers` runs the timer loop, `fire-timers` fast-forwards a case (issue 11, point 9)."""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import make_engine
from storage import make_session_factory
from storage.models import AuditEvent
from tests.conftest import make_actor
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.test_demo_serve import CADREFLOW
from tests.webapp.test_demo_serve import free_port
from tests.webapp.test_waiting_states import in_notice_period
from workflows.engine.clock import FixedClock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, clock):
    return Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])


def timer_events(app, case_id: int) -> list[AuditEvent]:
    with app.extensions["cadreflow.sessions"]() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                             AuditEvent.type == "timer.fired")))


def test_fire_timers_fast_forwards_one_case_on_record_and_the_replay_still_verifies(app, bureau):
    run = in_notice_period(bureau)  # the notice period runs out at 2026-09-12 00:00, Beijing time
    other = in_notice_period(bureau)
    runner = app.test_cli_runner()
    early = runner.invoke(args=["fire-timers", "--case", str(run.id), "--at", "2026-09-11T23:00+08:00"])
    assert early.exit_code == 1 and "没有到期的定时器" in early.output and "2026-09-12 00:00" in early.output
    done = runner.invoke(args=["fire-timers", "--case", str(run.id), "--at", "2026-09-12T00:01+08:00"])
    assert done.exit_code == 0, done.output
    assert "notice_period" in done.output or "预告期满" in done.output
    assert "organizational_inspection" in run.pending() and other.pending() == []
    [event] = timer_events(app, run.id)
    payload = json.loads(event.payload)
    assert payload["fast_forward"] is True and payload["timers"] == ["notice_period"]
    assert event.actor.startswith("cli:") and event.role == "admin"
    assert event.at.startswith("2026-09-11T16:01")  # the time asked for (UTC), so a replay fires the same timer
    assert payload["requested_at"] == bureau.clock.now().isoformat()
    assert run.replays()
    verify = runner.invoke(args=["audit", "verify", "--replay"])
    assert verify.exit_code == 0, verify.output


def test_fire_timers_refuses_what_it_cannot_do(app, bureau):
    run = in_notice_period(bureau)
    make_actor(app.extensions["cadreflow.sessions"], "member9", "party_group")
    make_actor(app.extensions["cadreflow.sessions"], "root", "admin")
    runner = app.test_cli_runner()
    at = ["--at", "2026-09-13T09:00+08:00"]
    missing = runner.invoke(args=["fire-timers", "--case", "999", *at])
    assert missing.exit_code == 1 and "案件 999 不存在" in missing.output
    bad_time = runner.invoke(args=["fire-timers", "--case", str(run.id), "--at", "next week"])
    assert bad_time.exit_code == 2 and "--at" in bad_time.output
    not_admin = runner.invoke(args=["fire-timers", "--case", str(run.id), *at, "--by", "member9"])
    assert not_admin.exit_code == 1 and "admin" in not_admin.output and timer_events(app, run.id) == []
    by_admin = runner.invoke(args=["fire-timers", "--case", str(run.id), *at, "--by", "root"])
    assert by_admin.exit_code == 0, by_admin.output
    [event] = timer_events(app, run.id)
    assert event.actor == "root" and json.loads(event.payload)["fast_forward"] is True


def test_make_demo_serves_with_the_timer_loop_and_the_readme_says_how_to_fast_forward():
    demo = (ROOT / "Makefile").read_text().split("\ndemo:")[1].split("\n\n")[0]
    assert "serve" in demo and "--with-timers" in demo
    readme = (ROOT / "README.md").read_text()
    assert "--with-timers" in readme and "cadreflow fire-timers --case" in readme


def test_serve_with_timers_fires_due_timers_in_the_same_process_and_stops_with_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    env = {**os.environ, "CADREFLOW_DATABASE_URL": url, "CADREFLOW_SECRET_KEY": "d" * 40,
           "CADREFLOW_COOKIE_SECURE": "false", "CADREFLOW_TIMER_INTERVAL": "1", "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([CADREFLOW, "init-db"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    run = in_notice_period(Bureau(sessions, FixedClock(START), ["cadre_selection.bpmn"]))  # due since 2026-09-12
    server = subprocess.Popen([CADREFLOW, "serve", "--port", str(free_port()), "--with-timers"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while "organizational_inspection" not in run.pending():
            assert time.monotonic() < deadline, "the timer loop did not fire the due timer"
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.1)
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0]
        engine.dispose()
    assert "定时器" in output and "已触发 1 个案件的到期定时器" in output
