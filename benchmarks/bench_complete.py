"""Benchmark one task completion through the full command path against the bare SpiffWorkflow step."""

import argparse
import cProfile
import math
import os
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

import workflows.commands
import workflows.commands.case_state
import workflows.commands.projection
import workflows.commands.recipe
import workflows.commands.tasks
import workflows.engine
import workflows.forms.json_schema
import workflows.record.audit
from storage import make_engine
from storage import make_session_factory
from storage.migrate import upgrade
from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from workflows import accounts
from workflows.engine.clock import FixedClock
from workflows.processes import deploy

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "two_lane.bpmn"
PROCESS_ID = "two_lane_review"
PREPARE_DATA = {"candidate": "张三", "years_in_post": 3}
WARMUP = 20
START_BATCH = 50


def percentile(values: list[int], q: float) -> float:
    """Nearest-rank percentile of ``values`` (ns) in ms."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] / 1e6


def summary(values: list[int]) -> tuple[float, float]:
    """(median ms, p95 ms)."""
    return statistics.median(values) / 1e6, percentile(values, 0.95)


def setup(sessions, clock: FixedClock):
    """Two users and the deployed two-lane process; returns the organiser actor."""
    with sessions.begin() as s:
        organiser = accounts.actor_for(accounts.create_user(
            s, "organiser", ["personnel_office"], password="password-123", profile="fast"))
        accounts.create_user(s, "secretary", ["party_secretary"], password="password-123",
                             profile="fast")
    with sessions.begin() as s:
        bundle = deploy.bundle_from_paths([FIXTURE])
        deploy.deploy(s, bundle, organiser, clock.now())
    return organiser


def start_cases(sessions, actor, clock: FixedClock, count: int) -> list[str]:
    """Start ``count`` cases (not timed); the ids of their open "prepare" tasks."""
    task_ids = []
    for first in range(0, count, START_BATCH):
        with sessions.begin() as s:
            for n in range(first, min(first + START_BATCH, count)):
                clock.advance(seconds=1)
                answer = workflows.commands.start_case(s, actor, clock.now(), PROCESS_ID,
                                                       f"干部任用 {n}")
                (task,) = answer["open_tasks"]
                assert task["bpmn_id"] == "prepare"
                task_ids.append(task["id"])
    return task_ids


def time_completions(sessions, actor, clock: FixedClock, task_ids: list[str], on_iteration=None):
    """Complete each task in its own transaction: (total ns, in-transaction ns, commit ns) lists."""
    total, command, commit = [], [], []
    for task_id in task_ids:
        clock.advance(seconds=1)
        at = clock.now()
        t0 = time.perf_counter_ns()
        with sessions.begin() as s:
            workflows.commands.complete_task(s, actor, at, task_id, PREPARE_DATA)
            t1 = time.perf_counter_ns()
        t2 = time.perf_counter_ns()
        total.append(t2 - t0)
        command.append(t1 - t0)
        commit.append(t2 - t1)
        if on_iteration:
            on_iteration()
    return total, command, commit


def bare_step(state_json: str, spec_json: str, at: datetime) -> str:
    """Deserialize, fill the READY user task, run it, advance, serialize."""
    wf = workflows.engine.restore(state_json, spec_json)
    (task,) = workflows.engine.ready_user_tasks(wf)
    with workflows.engine.running(at):
        task.data.update(PREPARE_DATA)
        task.run()
        workflows.engine.advance(wf)
    return workflows.engine.dump(wf)


# (label, owner, attribute): what the breakdown pass wraps; indented labels nest in the one above.
PHASES = [
    ("lock case + reread task", workflows.commands.tasks, "_open_task_locked"),
    ("form validate", workflows.forms.json_schema, "validate"),
    ("load (restore workflow)", workflows.commands.recipe, "load"),
    ("task_key", workflows.engine, "task_key"),
    ("engine.advance", workflows.engine, "advance"),
    ("save (total)", workflows.commands.recipe, "save"),
    ("  engine.dump", workflows.engine, "dump"),
    ("  engine.state_digest", workflows.engine, "state_digest"),
    ("  projection.sync", workflows.commands.projection, "sync"),
    ("audit.append", workflows.record.audit, "append"),
    ("case_summary", workflows.commands.recipe, "case_summary"),
]


def instrument(acc: dict):
    """Wrap the PHASES callables so each call adds its ns to ``acc[label]``; returns an undo."""
    originals = []
    for label, owner, attr in PHASES:
        original = getattr(owner, attr)
        originals.append((owner, attr, original))

        def wrapper(*args, _f=original, _label=label, **kwargs):
            t0 = time.perf_counter_ns()
            try:
                return _f(*args, **kwargs)
            finally:
                acc[_label] += time.perf_counter_ns() - t0

        setattr(owner, attr, wrapper)

    def undo():
        for owner, attr, original in originals:
            setattr(owner, attr, original)
    return undo


def breakdown(sessions, actor, clock: FixedClock, task_ids: list[str]) -> None:
    """Time the command path phase by phase on other cases of the same database."""
    acc: dict = defaultdict(int)
    per_phase: dict = defaultdict(list)

    def collect():
        for label, _, _ in PHASES:
            per_phase[label].append(acc[label])
        acc.clear()

    undo = instrument(acc)
    try:
        time_completions(sessions, actor, clock, task_ids[:WARMUP])
        acc.clear()
        total, command, commit = time_completions(sessions, actor, clock, task_ids[WARMUP:],
                                                  on_iteration=collect)
    finally:
        undo()
    med_total = statistics.median(total) / 1e6
    print(f"\n(d) breakdown of (a), instrumented pass, n={len(total)} (median ms, % of median total)")
    rows = [(label, per_phase[label]) for label, _, _ in PHASES]
    top = [values for label, values in rows if not label.startswith(" ")]
    rest = [c - sum(parts) for c, parts in zip(command, zip(*top, strict=True), strict=True)]
    rows += [("rest of command (task.run, ORM, BEGIN)", rest), ("commit", commit),
             ("TOTAL", total)]
    for label, values in rows:
        med = statistics.median(values) / 1e6
        print(f"  {label:<44} {med:8.3f}  {100 * med / med_total:5.1f}%")


def profile(sessions, actor, clock: FixedClock, task_ids: list[str], top: int = 10) -> None:
    """cProfile the command path; the top entries by cumulative time inside the project's code."""
    profiler = cProfile.Profile()
    profiler.enable()
    time_completions(sessions, actor, clock, task_ids)
    profiler.disable()
    stats = pstats.Stats(profiler)
    root = str(ROOT)
    own = [(key, value) for key, value in stats.stats.items()
           if key[0].startswith(root) and "/.venv/" not in key[0]
           and not key[0].endswith("bench_complete.py")]
    own.sort(key=lambda item: item[1][3], reverse=True)
    n = len(task_ids)
    print(f"\n(e) cProfile over {n} completions: top {top} cumulative in project code "
          "(ms per completion, calls per completion)")
    for (file, line, name), (_, ncalls, _, cumtime, _) in own[:top]:
        where = f"{os.path.relpath(file, root)}:{line}({name})"
        print(f"  {1000 * cumtime / n:8.3f}  {ncalls / n:6.1f}  {where}")
    everything = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)
    print(f"  -- top {top} by own time, any code:")
    for (file, line, name), (_, ncalls, tottime, _, _) in everything[:top]:
        where = f"{file.split('site-packages/')[-1]}:{line}({name})"
        print(f"  {1000 * tottime / n:8.3f}  {ncalls / n:6.1f}  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300, help="timed iterations per measurement")
    parser.add_argument("--db", help="SQLite file (default: a new temporary file)")
    parser.add_argument("--profile", type=int, default=200,
                        help="completions to run under cProfile (0: skip)")
    args = parser.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-")
        args.db = os.path.join(tmp.name, "bench.sqlite")
    elif os.path.exists(args.db):
        sys.exit(f"{args.db} exists; give a new path")

    db = make_engine(f"sqlite:///{args.db}")
    upgrade(db)
    sessions = make_session_factory(db)
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    actor = setup(sessions, clock)

    n_main = WARMUP + args.rounds
    n_total = 2 * n_main + args.profile + 1
    t0 = time.perf_counter()
    task_ids = start_cases(sessions, actor, clock, n_total)
    setup_s = time.perf_counter() - t0
    main_ids, rest = task_ids[:n_main], task_ids[n_main:]
    breakdown_ids, rest = rest[:n_main], rest[n_main:]
    profile_ids, bare_id = rest[:args.profile], rest[-1]

    with sessions() as s:  # the state of a case waiting on "prepare", before anything completes
        case = s.get(HumanTask, bare_id).case
        state_json, spec_json = case.workflow_state, case.spec.spec_json

    print("cadreflow benchmark: complete the 'prepare' task of two_lane.bpmn")
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"cpus {os.cpu_count()}, SQLite {sqlite3.sqlite_version}, "
          f"SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}, "
          f"{platform.platform()}")
    print(f"db {args.db}: {n_total} cases started in {setup_s:.1f} s "
          f"({1000 * setup_s / n_total:.1f} ms each); rounds {args.rounds}, warm-up {WARMUP}")
    print(f"state_json {len(state_json)} bytes, spec_json {len(spec_json)} bytes")

    # (a) and (b) alternate, one bare step after each completion, so that both see the
    # same state of this shared, noisy machine and their ratio is fair.
    bare: list[int] = []

    def one_bare_step() -> None:
        t0 = time.perf_counter_ns()
        bare_step(state_json, spec_json, clock.now())
        bare.append(time.perf_counter_ns() - t0)

    time_completions(sessions, actor, clock, main_ids[:WARMUP], on_iteration=one_bare_step)
    bare.clear()
    total, command, commit = time_completions(sessions, actor, clock, main_ids[WARMUP:],
                                              on_iteration=one_bare_step)

    a_med, a_p95 = summary(total)
    b_med, b_p95 = summary(bare)
    print(f"\n(a) full command path (with sessions.begin(): complete_task), n={len(total)}")
    print(f"  total            median {a_med:8.3f} ms   p95 {a_p95:8.3f} ms")
    c_med, c_p95 = summary(command)
    k_med, k_p95 = summary(commit)
    print(f"  in transaction   median {c_med:8.3f} ms   p95 {c_p95:8.3f} ms")
    print(f"  commit           median {k_med:8.3f} ms   p95 {k_p95:8.3f} ms")
    print(f"\n(b) bare SpiffWorkflow step (restore, set data, run, advance, dump), n={len(bare)}, "
          "interleaved with (a)")
    print(f"  total            median {b_med:8.3f} ms   p95 {b_p95:8.3f} ms")
    print("\n(c) ratio (a)/(b)")
    print(f"  median {a_med / b_med:6.2f}x   p95 {a_p95 / b_p95:6.2f}x")

    breakdown(sessions, actor, clock, breakdown_ids)
    if args.profile:
        profile(sessions, actor, clock, profile_ids)

    with sessions() as s:
        cases = s.scalar(select(func.count()).select_from(Case))
        done = s.scalar(select(func.count()).select_from(HumanTask)
                        .where(HumanTask.status == "completed"))
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    print(f"\ndb at the end: {cases} cases, {done} completed tasks, {events} audit events, "
          f"{os.path.getsize(args.db) // 1024} KiB (+WAL)")
    db.dispose()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
