"""kill -9 of a real server under concurrent completions: each acknowledged one is on record once, none half-applied."""

import json
import os
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime

import requests
from sqlalchemy import select

from storage import make_engine
from storage import make_session_factory
from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from tests.conftest import DATA
from tests.security.crash_load import CADREFLOW
from tests.security.crash_load import FORM_DATA
from tests.security.crash_load import Job
from tests.security.crash_load import Ledger
from tests.security.crash_load import Load
from tests.security.crash_load import Server
from tests.security.crash_load import bearer
from tests.security.crash_load import complete
from tests.security.crash_load import inbox
from tests.security.crash_load import start_cases
from tests.template_db import migrate
from workflows import accounts
from workflows import engine as bpmn
from workflows.commands import case_state
from workflows.processes import deploy
from workflows.record import checkpoints
from workflows.vocabulary import Event

CASES = 60  # two completions each
CLIENTS_PER_LANE = 3
KILL_AFTER = 50  # acknowledged completions: the kill lands mid-load however fast the machine is
MOST_LOAD_SECONDS = 20


def prepare_database(db_url: str) -> dict[str, list[str]]:
    """Migrate, deploy the two-lane fixture and make one user with a token per client; the tokens by lane."""
    engine = make_engine(db_url)
    migrate(engine)
    tokens: dict[str, list[str]] = {"personnel_office": [], "party_secretary": []}
    with make_session_factory(engine).begin() as session:
        for lane, names in tokens.items():
            for number in range(CLIENTS_PER_LANE):
                user = accounts.create_user(session, f"{lane}-{number}", [lane], password="password-123",
                                            profile="fast")
                names.append(accounts.create_token(session, user))
                if lane == "personnel_office" and number == 0:
                    deployer = accounts.actor_for(user)
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "two_lane.bpmn"]), deployer, datetime.now(UTC))
    engine.dispose()
    return tokens


def server_env(db_url: str, tmp_path) -> dict:
    key = tmp_path / "signing.key"
    checkpoints.generate_key(key)  # what `cadreflow audit keygen` does, without starting a process for it
    return {**os.environ, "CADREFLOW_DATABASE_URL": db_url, "CADREFLOW_SECRET_KEY": "c" * 40,
            "CADREFLOW_COOKIE_SECURE": "false", "CADREFLOW_PASSWORD_PROFILE": "fast",
            "CADREFLOW_TWO_FACTOR_ROLES": "", "CADREFLOW_SIGNING_KEY": str(key),
            # Checkpoints are signed every few events, so some are being written when the kill lands.
            "CADREFLOW_CHECKPOINT_EVERY": "15"}


def read_record(db_url: str) -> tuple[Counter, list[str], set[str]]:
    """Completions on record per task id; every disagreement of state row, inbox rows and events; ready tasks."""
    engine = make_engine(db_url)
    faults, ready_anywhere = [], set()
    with make_session_factory(engine, read_only=True)() as session:
        completed_events = [(event.case_id, json.loads(event.payload)["task_id"]) for event in session.scalars(
            select(AuditEvent).where(AuditEvent.type == Event.TASK_COMPLETED))]
        on_record = Counter(task_id for _case, task_id in completed_events)
        for case in session.scalars(select(Case).order_by(Case.id)):
            ready = {str(task.id) for task in bpmn.ready_user_tasks(case_state.load(case))}
            rows = session.execute(select(HumanTask.id, HumanTask.status).where(HumanTask.case_id == case.id)).all()
            open_rows = {task_id for task_id, status in rows if status == "open"}
            completed_rows = {task_id for task_id, status in rows if status == "completed"}
            completed_here = {task_id for case_id, task_id in completed_events if case_id == case.id}
            if ready != open_rows:
                faults.append(f"case {case.id}: workflow ready {sorted(ready)} ≠ open inbox rows {sorted(open_rows)}")
            if completed_rows != completed_here:
                faults.append(f"case {case.id}: completed rows {sorted(completed_rows)} ≠ "
                              f"task.completed events {sorted(completed_here)}")
            ready_anywhere |= ready
    engine.dispose()
    return on_record, faults, ready_anywhere


def audit_verify(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([CADREFLOW, "audit", "verify", "--replay"], env=env, capture_output=True, text=True,
                          timeout=120)


def in_parallel(function, items, workers: int = 6) -> list:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


def check_the_record_after_restart(server: Server, env: dict, db_url: str, tokens: dict, ledger: Ledger) -> dict:
    """The checks after the restart; returns the figures."""
    acknowledged, unanswered = dict(ledger.acknowledged), dict(ledger.unanswered)
    on_record, faults, ready = read_record(db_url)
    lost = sorted(task_id for task_id in acknowledged if on_record[task_id] == 0)
    doubled = sorted(task_id for task_id, count in on_record.items() if count > 1)
    unexplained = sorted(set(on_record) - set(acknowledged) - set(unanswered))
    assert {"lost": lost, "doubled": doubled, "neither acknowledged nor sent": unexplained} == {
        "lost": [], "doubled": [], "neither acknowledged nor sent": []}
    assert faults == []
    # The inbox query answers what the workflows say is ready, lane by lane.
    in_inboxes = {task["id"] for lane_tokens in tokens.values() for task in inbox(server.base, lane_tokens[0])}
    assert in_inboxes == ready

    verdict = audit_verify(env)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr

    # A client retrying an acknowledged completion with its key gets the same answer, and nothing is applied again.
    def retry(item):
        task_id, (job, body) = item
        response = requests.post(f"{server.base}/api/v1/tasks/{task_id}/complete", timeout=60,
                                 headers={**bearer(ledger.sent_by[task_id]), "Idempotency-Key": job.key},
                                 json={"data": FORM_DATA[job.lane]})
        return response.status_code, response.json() == body

    assert set(in_parallel(retry, acknowledged.items())) == {(200, True)}
    # A client whose request got no answer sends it again under the same key: applied once, whichever way it went.
    resent = Ledger()
    in_parallel(lambda job: complete(requests, server.base, ledger.sent_by[job.task_id], job, resent),
                unanswered.values())
    assert set(resent.statuses) <= {200}, resent.failures
    on_record_now, faults, _ready = read_record(db_url)
    assert on_record_now == Counter(set(acknowledged) | set(unanswered)) and faults == []
    return {"acknowledged before the kill": len(acknowledged), "found on record": len(on_record),
            "of them unanswered at the kill but applied": len(set(on_record) - set(acknowledged)),
            "unanswered at the kill": len(unanswered), "lost": len(lost), "doubled": len(doubled)}


def finish_the_remaining_tasks(server: Server, tokens: dict) -> None:
    """The clients go on with what is left on the restarted server, until every inbox is empty."""
    ledger = Ledger()
    for _round in range(4):
        jobs = [Job(task["id"], task["case_id"], task["lane"]) for lane_tokens in tokens.values()
                for task in inbox(server.base, lane_tokens[0])]
        if not jobs:
            break
        # Spread over the lane's users: PostgreSQL serialises one user's keyed commands.
        in_parallel(lambda job: complete(requests, server.base, tokens[job.lane][job.case_id % CLIENTS_PER_LANE],
                                         job, ledger), jobs)
        assert set(ledger.statuses) == {200}, ledger.failures
    assert not jobs


def test_kill_9_mid_load_loses_and_doubles_no_acknowledged_completion(db_url, tmp_path):
    began = time.monotonic()
    tokens = prepare_database(db_url)
    env = server_env(db_url, tmp_path)
    log = tmp_path / "server.log"
    server = Server(env, log)
    try:
        first_tasks = start_cases(server.base, tokens["personnel_office"][0], CASES)
        ledger = Ledger()
        load = Load(server.base, tokens, ledger)
        load.add(first_tasks)
        load_began = time.monotonic()
        load.start()
        while len(ledger.acknowledged) < KILL_AFTER and time.monotonic() < load_began + MOST_LOAD_SECONDS:
            time.sleep(0.01)
        server.kill()
        load_seconds = time.monotonic() - load_began
        load.stop()
        assert len(ledger.acknowledged) >= KILL_AFTER, "too little load before the kill"
        assert len(ledger.acknowledged) < 2 * CASES, "the load was over before the kill"
        assert set(ledger.statuses) == {200}, ledger.failures

        server = Server(env, log)
        figures = check_the_record_after_restart(server, env, db_url, tokens, ledger)
        finish_the_remaining_tasks(server, tokens)
        on_record, faults, ready = read_record(db_url)
        assert len(on_record) == 2 * CASES and set(on_record.values()) == {1}
        assert faults == [] and ready == set()
    finally:
        server.stop()
    assert "Traceback" not in log.read_text(errors="replace")
    # -s shows the figures.
    print(figures | {"load seconds": round(load_seconds, 2), "seconds": round(time.monotonic() - began, 1)})
