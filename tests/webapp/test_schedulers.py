"""Three `cadreflow run-timers --loop` processes on one database and 200 due timers: each fires exactly once."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.conftest import DATA
from tests.conftest import make_actor
from workflows import commands
from workflows.processes import deploy
from workflows.vocabulary import Event

SCHEDULERS = 3
ROUNDS = 2
CASES = 200
BATCH = 50  # cases started per transaction: the set-up goes through the command layer, not the pages
CADREFLOW = str(Path(sys.executable).with_name("cadreflow"))


def start_waiting_cases(sessions, clock) -> list[int]:
    """CASES cases of timer_wait, each waiting on a one-day timer that is long due by the real clock."""
    organiser = make_actor(sessions, "organiser", "personnel_office")
    with sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "timer_wait.bpmn"]), organiser, clock.now())
    case_ids = []
    for first in range(0, CASES, BATCH):
        with sessions.begin() as session:
            case_ids += [commands.start_case(session, organiser, clock.now(), "timer_wait", f"定时器 {n}")["id"]
                         for n in range(first, first + BATCH)]
    return case_ids


def scheduler_env(db_url: str) -> dict:
    # The subprocesses run on the real clock (December 2026): the fixed clock's March timers are due.
    return {**os.environ, "CADREFLOW_DATABASE_URL": db_url, "CADREFLOW_SECRET_KEY": "s" * 40,
            "CADREFLOW_DEFAULT_LOCALE": "en", "CADREFLOW_TIMER_INTERVAL": "0"}


def run_schedulers(db_url: str) -> list[subprocess.CompletedProcess]:
    """Start SCHEDULERS loops of ROUNDS passes (and daily scans) at the same moment and wait for them all."""
    env = scheduler_env(db_url)
    running = [subprocess.Popen([CADREFLOW, "run-timers", "--loop", "--rounds", str(ROUNDS)], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(SCHEDULERS)]
    done = []
    for process in running:
        stdout, stderr = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    return done


def fired_by(done: subprocess.CompletedProcess) -> int:
    """The cases one scheduler moved, over its passes (one line each)."""
    found = re.findall(r"Fired the due timers of (\d+) case", done.stdout)
    assert len(found) == ROUNDS, done.stdout
    return sum(int(count) for count in found)


def test_three_schedulers_fire_each_of_200_due_timers_exactly_once(db_url, sessions, clock):
    case_ids = start_waiting_cases(sessions, clock)

    started = time.perf_counter()
    done = run_schedulers(db_url)
    seconds = time.perf_counter() - started

    for process in done:
        assert process.returncode == 0 and "Traceback" not in process.stderr, process.stderr
    moved = [fired_by(process) for process in done]
    print(f"\n{SCHEDULERS} schedulers, {CASES} due timers ({db_url.split(':')[0]}): cases moved per process "
          f"{moved} in {seconds:.1f} s")
    assert sum(moved) == CASES
    with sessions() as session:
        fired = dict(session.execute(select(AuditEvent.case_id, func.count())
                                     .where(AuditEvent.type == Event.TIMER_FIRED).group_by(AuditEvent.case_id)).all())
        statuses = set(session.scalars(select(Case.status).where(Case.id.in_(case_ids))))
        scans = session.scalar(select(func.count()).where(AuditEvent.type == "registry.scanned"))
    assert fired == {case_id: 1 for case_id in case_ids}
    assert scans == 1  # the daily scan, which every loop runs after its pass, is done once
    assert statuses == {"completed"}
    verify = subprocess.run([CADREFLOW, "audit", "verify"], env=scheduler_env(db_url), text=True,
                            capture_output=True, timeout=300)
    assert verify.returncode == 0, verify.stdout + verify.stderr
