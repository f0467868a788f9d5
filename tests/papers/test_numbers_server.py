"""Eight people take a document number at the same moment through the real server (`cadreflow serve`, waitress,
eight threads): the register holds 1 to 8, none twice, none missing, on SQLite and on PostgreSQL."""

import re
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
import requests

from tests.conftest import BACKENDS
from tests.conftest import empty_database_url
from tests.security.live_waitress import CADREFLOW
from tests.security.live_waitress import demo_env
from tests.security.live_waitress import free_port
from tests.security.live_waitress import sign_in

PARALLEL = 8


@contextmanager
def served(env: dict, log):
    """`init-db`, `seed-demo`, `serve` with ``env``; the base URL until the server is stopped."""
    for command in ("init-db", "seed-demo"):
        done = subprocess.run([CADREFLOW, command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen([CADREFLOW, "serve", "--port", str(port), "--threads", str(PARALLEL)], env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                requests.get(f"{base}/login", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path):
    env = {**demo_env(tmp_path), "CADREFLOW_DATABASE_URL": empty_database_url(request, tmp_path)}
    with served(env, tmp_path / "server.log") as base:
        yield base


def test_eight_parallel_posts_take_one_to_eight(server):
    browsers = [sign_in(requests.Session(), server, "organiser") for _ in range(PARALLEL)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', browser.get(f"{server}/papers/numbers").text).group(1)
              for browser in browsers]
    start, answers = threading.Barrier(PARALLEL), []

    def take(index: int) -> None:
        start.wait(timeout=30)
        answers.append(browsers[index].post(f"{server}/papers/numbers", allow_redirects=False, timeout=60, data={
            "csrf_token": tokens[index], "prefix": "青数", "kind": "request", "title": f"请示 {index}"}))

    threads = [threading.Thread(target=take, args=(index,)) for index in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(answer.status_code for answer in answers) == [303] * PARALLEL
    register = browsers[0].get(f"{server}/papers/numbers?prefix=青数").text
    taken = sorted(int(serial) for serial in re.findall(r"<td>青数〔\d{4}〕(\d+)号</td>", register))
    assert taken == list(range(1, PARALLEL + 1))
    titles = sorted(re.findall(r"<td>(请示 \d)<br>", register))
    assert titles == [f"请示 {index}" for index in range(PARALLEL)]  # each request got its own number
