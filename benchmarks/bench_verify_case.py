"""Benchmark the per-case verification (GET /api/v1/cases/<id>/verify) of the old tree against this one, in one run."""

import argparse
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDITOR = "bench-verify-auditor"
AT = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # the app's fixed clock: the token is issued and used then
WARMUP = 5


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def figures(ms: list[float]) -> str:
    return f"median {statistics.median(ms):7.2f}  p95 {percentile(ms, 0.95):7.2f}  max {max(ms):7.2f} ms"


def worker(tree: Path, db: Path, token: str, case_id: int) -> None:
    """Serve timing requests on stdin with ``tree``'s code: a line "N" answers N timed API GETs and N function calls."""
    sys.path[:0] = [str(tree)]
    from storage import make_session_factory
    from storage.models import Case
    from webapp import create_app
    from workflows.engine.clock import FixedClock
    from workflows.record import audit
    from workflows.record import replay

    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench-secret-" + "x" * 40,
                      "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                      "TWO_FACTOR_ROLES": "", "CLOCK": FixedClock(AT)})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    sessions = make_session_factory(app.extensions["cadreflow.engine"], read_only=True)

    def api() -> None:
        answer = client.get(f"/api/v1/cases/{case_id}/verify", headers=headers)
        body = answer.get_json()
        assert answer.status_code == 200 and body["chain_ok"] and body["replay_ok"], (answer.status_code, body)

    def function() -> None:
        with sessions() as session:  # a fresh session, as a request has
            case = session.get(Case, case_id)
            assert audit.verify_case_chain(session, case_id).ok and replay.replay_case(session, case).ok

    for _ in range(WARMUP):
        api()
        function()
    print(json.dumps({"tracked": len(gc.get_objects())}), flush=True)
    for line in sys.stdin:
        timings = {"api": [], "function": [], "api cpu": [], "function cpu": []}
        for _ in range(int(line)):
            for name, call in (("api", api), ("function", function)):
                t0, c0 = time.perf_counter(), time.process_time()
                call()
                timings[name].append(1000 * (time.perf_counter() - t0))
                timings[name + " cpu"].append(1000 * (time.process_time() - c0))
        print(json.dumps(timings), flush=True)


def prepare(db: Path) -> tuple[int, str]:
    """Build the database when missing (one driven sixteen-step case); the finished case's id and an auditor's token."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from storage import make_engine
    from storage import make_session_factory
    from storage.models import Case
    from storage.models import User
    from workflows import accounts

    if not db.exists():
        from bench_audit import drive
        drive(f"sqlite:///{db}")
    engine = make_engine(f"sqlite:///{db}")
    with make_session_factory(engine).begin() as session:
        case_id = session.scalar(select(Case.id).where(Case.status == "completed", Case.workflow_state != "")
                                 .order_by(Case.id).limit(1))
        user = session.scalar(select(User).where(User.username == AUDITOR))
        if user is None:
            user = accounts.create_user(session, AUDITOR, ["auditor"], password="bench-password-123", profile="fast")
        token = accounts.create_token(session, user, "bench", at=AT)
    engine.dispose()
    return case_id, token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path,
                        help="SQLite file: built when missing (one driven case), reused when present")
    parser.add_argument("--old", type=Path, default=Path("/tmp/verifycase-old"),
                        help="the old tree (made with `git archive HEAD | tar -x -C DIR` when missing)")
    parser.add_argument("--rounds", type=int, default=60, help="timed calls per tree and kind")
    parser.add_argument("--batch", type=int, default=5, help="calls per turn: the trees take turns")
    parser.add_argument("--worker", nargs=3, metavar=("TREE", "TOKEN", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker[0]), args.db, args.worker[1], int(args.worker[2]))
        return
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-verify-")
        args.db = Path(tmp.name) / "verify.sqlite"
    if not args.old.exists():
        args.old.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(args.old)], input=archive, check=True)
    case_id, token = prepare(args.db)
    print(f"cadreflow per-case verify benchmark: python {platform.python_version()}, cpus {os.cpu_count()}, "
          f"{platform.platform()}")
    print(f"db {args.db}: case {case_id}; {args.rounds} timed calls per tree and kind after {WARMUP}, "
          f"in turns of {args.batch}; old tree {args.old}")
    trees = {"old": args.old, "new": ROOT}
    workers = {name: subprocess.Popen(
        [sys.executable, __file__, "--db", str(args.db), "--worker", str(tree), token, str(case_id)],
        cwd=tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'benchmarks'}"}) for name, tree in trees.items()}
    tracked = {name: json.loads(process.stdout.readline())["tracked"] for name, process in workers.items()}
    print(f"objects the collector tracks in each worker after warming up: {tracked}")
    kinds = ("api", "function", "api cpu", "function cpu")
    timings = {(name, kind): [] for name in trees for kind in kinds}
    done = 0
    while done < args.rounds:
        turn = min(args.batch, args.rounds - done)
        for name, process in workers.items():
            process.stdin.write(f"{turn}\n")
            process.stdin.flush()
            for kind, ms in json.loads(process.stdout.readline()).items():
                timings[(name, kind)].extend(ms)
        done += turn
    for process in workers.values():
        process.stdin.close()
        process.wait()
    labels = {"api": "GET /api/v1/cases/<id>/verify", "function": "verify_case_chain + replay_case",
              "api cpu": "  the GET, CPU time", "function cpu": "  the functions, CPU time"}
    for kind, label in labels.items():
        for name in trees:
            print(f"  {name} {label:<34}{figures(timings[(name, kind)])}")
        old, new = (timings[(name, kind)] for name in trees)
        print(f"  {'':4}{label:<34}old/new: median {statistics.median(old) / statistics.median(new):5.2f}x  "
              f"p95 {percentile(old, 0.95) / percentile(new, 0.95):5.2f}x")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
