"""Concurrent sign-ins on `cadreflow serve` with SQLite: no argon2 hash runs inside the database's write lock.

The demo users are seeded with the "fast" profile and served with the "standard" one, so each first sign-in
verifies and rehashes (about half a second of argon2 each here). While they run, a prober of its own takes
SQLite's write lock over and over (as any other request's short write would), and signed-in readers load pages.
Before the fix, the sign-in's first statement opened the write transaction, so the sign-ins queued on the lock
for the length of their hashes: writers waited seconds (past the 10 s busy timeout: a 409) for it.
"""

import sqlite3
import subprocess
import threading
import time

import requests

from tests.security.live_waitress import CADREFLOW
from tests.security.live_waitress import _wait_for
from tests.security.live_waitress import demo_env
from tests.security.live_waitress import free_port
from tests.security.live_waitress import sign_in

SIGNING_IN = ("organiser", "member1", "member2", "discipline", "inspector", "district")
READING = ("secretary", "auditor")
# Each sign-in here is ~0.5 s of argon2; a write waiting for the lock longer than this queued behind hashes.
LONGEST_WAIT = 3.0


def _prober(path: str, stop: threading.Event, waits: list[float]) -> None:
    """Take and let go of the write lock every 50 ms, noting how long each wait for it was."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        while not stop.is_set():
            started = time.monotonic()
            connection.execute("BEGIN IMMEDIATE")
            waits.append(time.monotonic() - started)
            connection.execute("ROLLBACK")
            time.sleep(0.05)
    finally:
        connection.close()


def _sign_ins(base: str, username: str, answers: list, times: list[float]) -> None:
    for _ in range(2):
        with requests.Session() as browser:
            started = time.monotonic()
            try:
                sign_in(browser, base, username)
                answers.append(200)
            except AssertionError as refused:
                answers.append(str(refused))
            times.append(time.monotonic() - started)


def _reads(base: str, browser: requests.Session, stop: threading.Event, answers: list) -> None:
    while not stop.is_set():
        for path in ("/", "/inbox"):
            answers.append(browser.get(f"{base}{path}", timeout=60).status_code)


def test_concurrent_sign_ins_keep_the_write_lock_free(tmp_path):
    env = demo_env(tmp_path)
    for command in ("init-db", "seed-demo"):  # seeded with the "fast" profile: each first sign-in rehashes
        done = subprocess.run([CADREFLOW, command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    port, log = free_port(), tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([CADREFLOW, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  env={**env, "CADREFLOW_PASSWORD_PROFILE": "standard"},
                                  stdout=out, stderr=subprocess.STDOUT)
    base, stop = f"http://127.0.0.1:{port}", threading.Event()
    try:
        _wait_for(f"{base}/login", server, log)
        readers = [sign_in(requests.Session(), base, name) for name in READING]
        waits, sign_in_answers, read_answers, times = [], [], [], []
        threads = [threading.Thread(target=_prober, args=(str(tmp_path / "demo.sqlite"), stop, waits))]
        threads += [threading.Thread(target=_reads, args=(base, reader, stop, read_answers)) for reader in readers]
        signing = [threading.Thread(target=_sign_ins, args=(base, name, sign_in_answers, times))
                   for name in SIGNING_IN]
        for thread in threads + signing:
            thread.start()
        for thread in signing:
            thread.join(timeout=300)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=10)
    summary = (f"sign-ins {sorted(round(t, 2) for t in times)} s; longest wait for the write lock "
               f"{max(waits):.2f} s over {len(waits)} takes; reads {len(read_answers)}")
    print(summary)  # the figures for the report (pytest -s)
    assert sign_in_answers == [200] * 2 * len(SIGNING_IN), summary + "\n" + log.read_text()[-3000:]
    assert set(read_answers) == {200}, summary
    assert max(waits) < LONGEST_WAIT, summary
