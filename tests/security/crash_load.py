"""A `cadreflow serve` process to kill -9, and API clients that log every completion they had acknowledged."""

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import requests

CADREFLOW = str(Path(sys.executable).with_name("cadreflow"))
# What each lane of the two-lane fixture submits: the review approves, so the case then waits on its timer.
FORM_DATA = {"personnel_office": {"candidate": "张三", "years_in_post": 4},
             "party_secretary": {"approved": True, "opinion": "同意上报"}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Server:
    """`cadreflow serve` on a free port of 127.0.0.1, its output in ``log``."""

    def __init__(self, env: dict, log: Path, threads: int = 8):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [CADREFLOW, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", str(threads)],
                env=env, stdout=out, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited at start-up:\n{self.log.read_text()}")
            try:
                requests.get(f"{self.base}/api/v1/openapi.json", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"{self.base} did not answer within {seconds} s")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no rollback in the process, exactly what a power cut leaves behind."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass(frozen=True)
class Job:
    """One open task to complete, with the key its completion is sent (and re-sent) under."""

    task_id: str
    case_id: int
    lane: str

    @property
    def key(self) -> str:
        return f"complete-{self.task_id}"


@dataclass
class Ledger:
    """What the clients know: completions acknowledged (2xx), requests sent but never answered, statuses."""

    acknowledged: dict = field(default_factory=dict)  # task id -> (job, answer body)
    unanswered: dict = field(default_factory=dict)  # task id -> job
    sent_by: dict = field(default_factory=dict)  # task id -> token: keys are per user, so is a retry
    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # (status, body) of every answer other than 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sending(self, job: Job, token: str) -> None:
        with self.lock:
            self.sent_by[job.task_id] = token

    def answered(self, job: Job, response: requests.Response) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            self.unanswered.pop(job.task_id, None)
            if response.status_code == 200:
                self.acknowledged[job.task_id] = (job, response.json())
            else:
                self.failures.append((response.status_code, response.text[:300]))

    def lost_answer(self, job: Job) -> None:
        with self.lock:
            self.unanswered[job.task_id] = job


def complete(http, base: str, token: str, job: Job, ledger: Ledger) -> list[Job] | None:
    """Complete ``job`` once; returns the tasks its answer opened, None when no answer came (logged, not raised)."""
    ledger.sending(job, token)
    try:
        response = http.post(f"{base}/api/v1/tasks/{job.task_id}/complete", timeout=60,
                             headers={**bearer(token), "Idempotency-Key": job.key},
                             json={"data": FORM_DATA[job.lane]})
    except requests.RequestException:
        ledger.lost_answer(job)
        return None
    ledger.answered(job, response)
    if response.status_code != 200:
        return []
    return [Job(task["id"], task["case_id"], task["lane"]) for task in response.json()["open_tasks"]]


class Load:
    """Client threads, one user each, completing the tasks of their lane as they come until stopped."""

    def __init__(self, base: str, tokens: dict[str, list[str]], ledger: Ledger):
        self.base, self.tokens, self.ledger = base, tokens, ledger
        self.queues = {lane: queue.Queue() for lane in tokens}
        self.halt = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(lane, token), daemon=True)
                        for lane, lane_tokens in tokens.items() for token in lane_tokens]

    def add(self, jobs) -> None:
        for job in jobs:
            self.queues[job.lane].put(job)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.halt.set()
        for thread in self.threads:
            thread.join(timeout=70)

    def _client(self, lane: str, token: str) -> None:
        with requests.Session() as http:
            while not self.halt.is_set():
                try:
                    job = self.queues[lane].get(timeout=0.05)
                except queue.Empty:
                    continue
                opened = complete(http, self.base, token, job, self.ledger)
                if opened is None:
                    return  # the server is gone: this client stops rather than mark its whole queue unanswered
                self.add(opened)


def start_cases(base: str, token: str, count: int, clients: int = 4) -> list[Job]:
    """Start ``count`` two-lane cases over the API; their first tasks."""
    def start(number: int) -> Job:
        response = requests.post(f"{base}/api/v1/cases", headers=bearer(token), timeout=60,
                                 json={"process": "two_lane_review", "title": f"崩溃测试 {number}"})
        assert response.status_code == 201, response.text
        task = response.json()["open_tasks"][0]
        return Job(task["id"], task["case_id"], task["lane"])

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(start, range(count)))


def inbox(base: str, token: str) -> list[dict]:
    """Every task in a user's inbox, page after page."""
    tasks, query = [], {"limit": 500}
    while True:
        response = requests.get(f"{base}/api/v1/inbox", params=query, headers=bearer(token), timeout=60)
        assert response.status_code == 200, response.text
        tasks += response.json()["items"]
        if response.json()["next_cursor"] is None:
            return tasks
        query["cursor"] = response.json()["next_cursor"]
