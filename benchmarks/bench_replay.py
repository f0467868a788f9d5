"""Benchmark the auditor's replay page of a finished sixteen-step selection: server time through the Flask app."""

import argparse
import cProfile
import math
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_audit import drive
from sqlalchemy import select

from storage import make_session_factory
from storage.models import AuditEvent
from storage.models import Case
from storage.models import User
from webapp import create_app
from workflows import accounts
from workflows.engine.clock import FixedClock
from workflows.record import replay
from workflows.record import replay_view

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 5
AUDITOR, PASSWORD = "bench-auditor", "bench-password-123"
TARGET_MS = 20


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def figures(seconds: list[float]) -> str:
    ms = [1000 * s for s in seconds]
    return f"median {statistics.median(ms):7.2f}  p95 {percentile(ms, 0.95):7.2f}  max {max(ms):7.2f} ms"


def repeat(call, rounds: int) -> list[float]:
    """Seconds of ``call()`` over ``rounds`` runs after WARMUP untimed ones."""
    seconds = []
    for n in range(WARMUP + rounds):
        t0 = time.perf_counter()
        call()
        if n >= WARMUP:
            seconds.append(time.perf_counter() - t0)
    return seconds


def make_app(db: Path):
    sys.path.insert(0, str(ROOT))
    from tests.procedures.conftest import START  # the clock the driven case ran on

    return create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench-secret-" + "x" * 40,
                       "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                       "TWO_FACTOR_ROLES": "", "CLOCK": FixedClock(START)})


def finished_case(app) -> tuple[int, list[int]]:
    """The first completed selection case with a workflow state, and its events' seqs; adds the auditor."""
    sessions = app.extensions["cadreflow.sessions"]
    with sessions.begin() as session:
        case_id = session.scalar(select(Case.id).where(Case.status == "completed", Case.workflow_state != "")
                                 .order_by(Case.id).limit(1))
        if session.scalar(select(User.id).where(User.username == AUDITOR)) is None:
            accounts.create_user(session, AUDITOR, ["auditor"], password=PASSWORD, profile="fast")
        seqs = list(session.scalars(select(AuditEvent.seq).where(AuditEvent.case_id == case_id)
                                    .order_by(AuditEvent.seq)))
    return case_id, seqs


def breakdown(app, case_id: int, seq: int, rounds: int) -> None:
    """The parts of the page, each in a fresh session as a request has."""
    sessions = make_session_factory(app.extensions["cadreflow.engine"], read_only=True)  # as a GET reads

    def part(call):
        def run():
            with sessions() as session:
                call(session, session.get(Case, case_id))
        return run

    parts = {
        "replay_view.state_at": lambda s, c: replay_view.state_at(s, c, seq),
        "replay_view.record_lines": lambda s, c: replay_view.record_lines(s, c),
        "replay_view.drawing (after state_at)": None,
        "replay.replay_case (verify's replay)": lambda s, c: replay.replay_case(s, c),
    }
    with sessions() as session:
        case = session.get(Case, case_id)
        state = replay_view.state_at(session, case, seq)
        parts["replay_view.drawing (after state_at)"] = lambda s, c: replay_view.drawing(c, state)
        for name, call in parts.items():
            print(f"  {name:<44}{figures(repeat(part(call), rounds))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100, help="timed requests per measurement")
    parser.add_argument("--db", type=Path, help="SQLite file: built when missing (one driven case), reused "
                                                "when present (e.g. bench_audit.py --keep FILE)")
    parser.add_argument("--profile", action="store_true", help="also profile the page under cProfile")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false", help="skip the parts' timings")
    args = parser.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-replay-")
        args.db = Path(tmp.name) / "replay.sqlite"
    if not args.db.exists():
        drive(f"sqlite:///{args.db}")
    app = make_app(args.db)
    case_id, seqs = finished_case(app)
    client = app.test_client()
    answer = client.post("/login", data={"username": AUDITOR, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code

    print(f"cadreflow replay page benchmark: python {platform.python_version()}, cpus {os.cpu_count()}, "
          f"{platform.platform()}")
    print(f"db {args.db}: case {case_id}, {len(seqs)} events; {args.rounds} timed GETs each after {WARMUP}")

    def get(url):
        def run():
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
        return run

    last = f"/audit/cases/{case_id}"
    middle = f"/audit/cases/{case_id}?seq={seqs[len(seqs) // 2]}"
    last_s = repeat(get(last), args.rounds)
    print(f"  {'GET ' + last + ' (the last event)':<44}{figures(last_s)}")
    print(f"  {'GET ' + middle:<44}{figures(repeat(get(middle), args.rounds))}")
    print(f"  target: median <= {TARGET_MS} ms for the finished case: "
          f"{'met' if 1000 * statistics.median(last_s) <= TARGET_MS else 'missed'}")
    if args.breakdown:
        print("parts (median over the same rounds):")
        breakdown(app, case_id, seqs[-1], args.rounds)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [get(last)() for _ in range(20)])
        stats = pstats.Stats(profiler)
        print("\ncProfile of 20 GETs of the last event: top 25 by cumulative time (s, calls)")
        for (file, line, name), (_, calls, _, cum, _) in sorted(stats.stats.items(), key=lambda i: -i[1][3])[:25]:
            where = file.split("site-packages/")[-1].replace(f"{ROOT}/", "")
            print(f"  {cum:7.3f}  {calls:>8}  {where}:{line}({name})")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    app.extensions["cadreflow.engine"].dispose()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
