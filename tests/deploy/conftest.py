"""A PostgreSQL database of its own for a deployment test, and gunicorn run as a real process on it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import empty_database_url

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
POSTGRES_ONLY = [pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=POSTGRES_ONLY)
def pg_url(request, tmp_path):
    """An empty PostgreSQL database (its schema dropped and made anew), as the production runs on."""
    return empty_database_url(request, tmp_path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py`` from the project's root, bound to a free port; its stderr in ``log``."""

    def __init__(self, env: dict, folder: Path, workers: int = 2):
        self.base = f"http://127.0.0.1:{free_port()}"
        self.log, self.pidfile = folder / "gunicorn.log", folder / "gunicorn.pid"
        command = [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", self.base.removeprefix("http://"),
                   "--workers", str(workers), "--pid", str(self.pidfile)]
        self.started = time.monotonic()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_healthy(self, seconds: float = 60) -> float:
        """Seconds from the start until ``/healthz`` answered 200."""
        deadline = self.started + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log.read_text(errors='replace')}"
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - self.started
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"/healthz was not 200 within {seconds} s:\n{self.log.read_text(errors='replace')}")

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()

    def stop(self) -> int:
        """TERM (a graceful stop), then the exit code; KILL only if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(timeout=10)


def production_env(db_url: str, **settings: str) -> dict:
    """The environment of a production start, with test-sized password hashing."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CADREFLOW_")}
    return {**env, "CADREFLOW_DATABASE_URL": db_url, "CADREFLOW_SECRET_KEY": "p" * 48,
            "CADREFLOW_PASSWORD_PROFILE": "fast", "CADREFLOW_TWO_FACTOR_ROLES": "",
            "CADREFLOW_COOKIE_SECURE": "false", **settings}
