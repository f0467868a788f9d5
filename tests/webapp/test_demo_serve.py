"""What `make demo` runs: init-db, seed-demo and serve, as real processes; a demo account signs in."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

CADREFLOW = str(Path(sys.executable).with_name("cadreflow"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_demo_commands_serve_and_the_demo_accounts_sign_in(tmp_path):
    env = {**os.environ, "CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
           "CADREFLOW_SECRET_KEY": "d" * 40, "CADREFLOW_COOKIE_SECURE": "false"}
    for command in ("init-db", "seed-demo"):
        done = subprocess.run([CADREFLOW, command], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    assert "organiser" in done.stdout and "cadreflow-demo" in done.stdout
    port = free_port()
    server = subprocess.Popen([CADREFLOW, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login")
        # The shipped policy: the party secretary and the auditor set up a second factor at their first sign-in.
        for username, lands_on in (("organiser", "/"), ("secretary", "/login/enrol"), ("auditor", "/login/enrol")):
            with requests.Session() as browser:
                page = browser.get(f"{base}/login", timeout=10).text
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
                home = browser.post(f"{base}/login", timeout=30, data={
                    "username": username, "password": "cadreflow-demo", "csrf_token": token})
                assert home.status_code == 200 and home.url == f"{base}{lands_on}"
                assert ("欢迎" if lands_on == "/" else "设置双因素登录") in home.text
    finally:
        server.terminate()
        server.wait(timeout=10)
