"""The real server for security tests: `cadreflow serve` (waitress) on the seeded demo database, and sign-ins."""

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

CADREFLOW = str(Path(sys.executable).with_name("cadreflow"))
DEMO_PASSWORD = "cadreflow-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_env(folder: Path) -> dict:
    """The settings of a demo instance in ``folder``: its own SQLite file, plain HTTP, passwords only."""
    return {**os.environ, "CADREFLOW_DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite'}",
            "CADREFLOW_SECRET_KEY": "s" * 40, "CADREFLOW_COOKIE_SECURE": "false",
            "CADREFLOW_PASSWORD_PROFILE": "fast", "CADREFLOW_TWO_FACTOR_ROLES": ""}


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


def _wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"cadreflow serve exited with {server.returncode}:\n{_log_tail(log)}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {seconds} s:\n{_log_tail(log)}")


@contextmanager
def demo_server(folder: Path):
    """`init-db`, `seed-demo`, then `cadreflow serve` on a free port; yields the base URL, stops the server after.

    The server's output goes to ``folder / "server.log"`` (a pipe nobody reads would block it once full).
    """
    env = demo_env(folder)
    for command in ("init-db", "seed-demo"):
        done = subprocess.run([CADREFLOW, command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"cadreflow {command} failed:\n{done.stderr}"
    port, log = free_port(), folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([CADREFLOW, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/login", server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@dataclass(frozen=True)
class Live:
    """A running demo instance: its base URL and its folder (database, server log)."""

    base: str
    folder: Path

    def log(self) -> str:
        """The end of the server's output, for an assertion message."""
        return _log_tail(self.folder / "server.log")

    def signed_in(self, username: str, password: str = DEMO_PASSWORD) -> requests.Session:
        """A new browser session signed in as ``username``."""
        return sign_in(requests.Session(), self.base, username, password)


def sign_in(browser: requests.Session, base: str, username: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """Sign ``browser`` in as ``username`` through the login form (its CSRF token included)."""
    page = browser.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    home = browser.post(f"{base}/login", timeout=30,
                        data={"username": username, "password": password, "csrf_token": token})
    assert home.status_code == 200 and home.url == f"{base}/", f"{username} could not sign in ({home.status_code})"
    return browser


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory):
    """The demo instance served by waitress, started once per test module that imports this fixture."""
    folder = tmp_path_factory.mktemp("live-demo")
    with demo_server(folder) as base:
        yield Live(base, folder)
