"""The command path against its floor (issue 17): a completion through complete_task vs the bare SpiffWorkflow
step + one fsync'd commit, on a two-task and a 100-task model, early and late in a case, SQLite and PostgreSQL."""

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path

# The floor is SpiffWorkflow alone, without cadreflow's engine module.
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: TID251
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: TID251
from SpiffWorkflow.util.task import TaskState  # noqa: TID251
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import command_phases  # noqa: E402
import linear_model  # noqa: E402

import workflows.commands  # noqa: E402
from storage import make_engine  # noqa: E402
from storage import make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Case  # noqa: E402
from workflows import accounts  # noqa: E402
from workflows.commands.case_state import load  # noqa: E402
from workflows.engine.clock import FixedClock  # noqa: E402
from workflows.processes import deploy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = {"candidate": "张三", "years_in_post": 3}
STEPS = 100
SER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def bare_step(full_json: str) -> str:
    """SpiffWorkflow alone, as its documentation shows: deserialize, fill and run the READY task, advance, serialize."""
    workflow = SER.deserialize_json(full_json)
    (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data.update(DATA)
    task.run()
    workflow.do_engine_steps()
    workflow.refresh_timers()
    workflow.do_engine_steps()
    return SER.serialize_json(workflow)


class Floor:
    """The bare step plus one commit of its result on the same database (fsync'd: SQLite FULL, PostgreSQL)."""

    def __init__(self, engine):
        self.engine = engine
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, state TEXT)"))
            conn.execute(text("INSERT INTO bench_floor VALUES (1, '')"))

    def step(self, full_json: str) -> tuple[str, int, int]:
        """(the next state, bare ns, bare + commit ns)."""
        t0 = time.perf_counter_ns()
        after = bare_step(full_json)
        t1 = time.perf_counter_ns()
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE bench_floor SET state = :s WHERE id = 1"), {"s": after})
        return after, t1 - t0, time.perf_counter_ns() - t0


def full_json_of(sessions, case_id: int) -> str:
    """A case's workflow as SpiffWorkflow's own serializer writes it (spec included)."""
    with sessions() as s:
        return SER.serialize_json(load(s.get(Case, case_id)))


def open_database(backend: str, pg_url: str | None, folder: str):
    """(url, drop) of a new, empty database."""
    if backend == "sqlite":
        return f"sqlite:///{folder}/bench.sqlite", lambda: None
    # The URL's database names the scratch one (``…/command_bench`` → ``command_bench_<hex>``); the server's
    # maintenance database makes and drops it, so the named one need not exist.
    name = f"{make_url(pg_url).database or 'cadreflow_bench'}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False), drop


class Bench:
    """One database with both models deployed and a user holding both lanes' roles."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        with self.sessions.begin() as s:
            self.actor = accounts.actor_for(accounts.create_user(
                s, "runner", ["personnel_office", "party_secretary"], password="password-123", profile="fast"))
        with self.sessions.begin() as s:
            deploy.deploy(s, deploy.bundle_from_paths([ROOT / "tests" / "data" / "two_lane.bpmn"]),
                          self.actor, self.clock.now())
            name = f"{linear_model.process_id(STEPS)}.bpmn"
            form = (ROOT / "tests" / "data" / linear_model.FORM).read_bytes()
            bundle = deploy.Bundle({name: linear_model.linear_bpmn(STEPS), linear_model.FORM: form})
            deploy.deploy(s, bundle, self.actor, self.clock.now())
        self.floor = Floor(self.engine)
        self.cpu: list[int] = []

    def start(self, process_id: str) -> tuple[int, str]:
        """(case id, its open task id)."""
        with self.sessions.begin() as s:
            self.clock.advance(seconds=1)
            answer = workflows.commands.start_case(s, self.actor, self.clock.now(), process_id, "基准")
        return answer["id"], answer["open_tasks"][0]["id"]

    def complete(self, task_id: str) -> tuple[str | None, int]:
        """(the next open task id, ns) of one completion through the full path, commit included."""
        self.clock.advance(seconds=1)
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        with self.sessions.begin() as s:
            answer = workflows.commands.complete_task(s, self.actor, self.clock.now(), task_id, DATA)
            t1 = time.perf_counter_ns()
        elapsed = time.perf_counter_ns() - t0
        self.last_step, self.last_commit = elapsed, elapsed - (t1 - t0)
        self.cpu.append(time.process_time_ns() - c0)  # this process's CPU: less hurt by a busy machine
        return (answer["open_tasks"][0]["id"] if answer["open_tasks"] else None), elapsed


def two_task(bench: Bench, rounds: int) -> dict:
    """Complete the first task of ``rounds`` two-lane cases, each followed by one floor step from the same state.

    Each case is started (untimed) right before its completion, as the 100-task cases' steps follow each other.
    """
    state = None
    times = defaultdict(list)
    for _ in range(rounds):
        case_id, task_id = bench.start("two_lane_review")
        state = state or full_json_of(bench.sessions, case_id)
        _next, full = bench.complete(task_id)
        times["cpu"].append(bench.cpu[-1])
        _after, bare, floor = bench.floor.step(state)
        times["full"].append(full), times["bare"].append(bare), times["floor"].append(floor)
    return times


def hundred_task(bench: Bench, cases: int) -> dict:
    """Drive ``cases`` cases of the 100-task model to their end, each step followed by one floor step."""
    times = defaultdict(list)
    for _ in range(cases):
        case_id, task_id = bench.start(linear_model.process_id(STEPS))
        state = full_json_of(bench.sessions, case_id)
        for step in range(1, STEPS + 1):
            task_id, full = bench.complete(task_id)
            times["cpu"].append(bench.cpu[-1])
            state, bare, floor = bench.floor.step(state)
            for kind, value in (("full", full), ("bare", bare), ("floor", floor)):
                times[kind].append(value)
                times[(kind, step)].append(value)
    return times


def med(values) -> float:
    """Median in ms."""
    return statistics.median(values) / 1e6


def window(times: dict, kind: str, steps: range) -> list[int]:
    return [value for step in steps for value in times[(kind, step)]]


def verdict(value: float, target: float) -> str:
    return f"[target <= {target}: {'met' if value <= target else 'MISSED'}]"


def report(backend: str, two: dict, hundred: dict) -> dict:
    early, late = range(1, 11), range(STEPS - 9, STEPS + 1)
    print(f"\n[{backend}] median ms (full = complete_task + commit; floor = bare SpiffWorkflow step + one commit), "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"  {'':26} {'bare':>8} {'floor':>8} {'full':>8} {'full/floor':>11}")
    rows = {"two-task": two, "100-task, all steps": hundred}
    figures = {}
    for label, times in rows.items():
        bare, floor, full = med(times["bare"]), med(times["floor"]), med(times["full"])
        figures[label] = full / floor
        print(f"  {label:<26} {bare:8.3f} {floor:8.3f} {full:8.3f} {full / floor:10.2f}x")
    for label, steps in (("100-task, steps 1-10", early), ("100-task, steps 91-100", late)):
        bare, floor = med(window(hundred, "bare", steps)), med(window(hundred, "floor", steps))
        full = med(window(hundred, "full", steps))
        figures[label] = full
        print(f"  {label:<26} {bare:8.3f} {floor:8.3f} {full:8.3f} {full / floor:10.2f}x")
    step5, step95 = med(hundred[("full", 5)]), med(hundred[("full", 95)])
    late_early = figures["100-task, steps 91-100"] / figures["100-task, steps 1-10"]
    print(f"  step 95 / step 5 (full): {step95 / step5:.2f}x ({step95:.3f} / {step5:.3f} ms); steps 91-100 / 1-10: "
          f"{late_early:.2f}x   {verdict(step95 / step5, 1.3)}")
    ratio = med(hundred["full"]) / med(two["full"])
    figures["model size"] = ratio
    print(f"  model size: 100-task / two-task, per completion (full): {ratio:.2f}x   {verdict(ratio, 1.2)}")
    print(f"  CPU of this process per completion (median ms): two-task {med(two['cpu']):.3f}, "
          f"100-task {med(hundred['cpu']):.3f} ({med(hundred['cpu']) / med(two['cpu']):.2f}x)")
    for label in ("two-task", "100-task, all steps"):
        print(f"  full / floor, {label}: {figures[label]:.2f}x   {verdict(figures[label], 2)}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="two-task completions")
    parser.add_argument("--cases", type=int, default=4, help="100-task cases driven to their end")
    parser.add_argument("--pg", default=os.environ.get("CADREFLOW_BENCH_DATABASE_URL")
                        or os.environ.get("CADREFLOW_TEST_DATABASE_URL"),
                        help="a PostgreSQL server URL (a database of its own is made and dropped)")
    parser.add_argument("--breakdown", type=int, default=0, help="completions per model to time phase by phase")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-cold", action="store_true",
                        help="skip the second measurement with no workflow kept between commands")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if not args.pg:
        backends = [b for b in backends if b != "postgresql"]
        print("PostgreSQL skipped: set CADREFLOW_BENCH_DATABASE_URL (or CADREFLOW_TEST_DATABASE_URL) or --pg")
    print(f"command path vs floor: two_lane.bpmn and a generated {STEPS}-task model; cpus {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.2f}")
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="cadreflow-bench-") as folder:
            url, drop = open_database(backend, args.pg, folder)
            try:
                bench = Bench(url)
                bench.two, bench.hundred = two_task(bench, 20), hundred_task(bench, 1)  # warm-up
                report(backend, two_task(bench, args.rounds), hundred_task(bench, args.cases))
                if WARM is not None and not args.no_cold:
                    with cold():
                        report(f"{backend}, cold: no workflow kept between commands",
                               two_task(bench, args.rounds), hundred_task(bench, args.cases))
                if args.breakdown:
                    command_phases.phases(bench, args.breakdown, STEPS)
                if backend == "postgresql":
                    print(f"  WAL per completion: two-task {command_phases.wal_per_completion(bench, STEPS)}; "
                          f"100-task {command_phases.wal_per_completion(bench, STEPS, hundred=True)}")
                bench.engine.dispose()
            finally:
                drop()


# The per-process cache of workflows between commands (absent from older trees: the same script measures them).
WARM = (importlib.import_module("workflows.commands.warm")
        if importlib.util.find_spec("workflows.commands.warm") else None)


@contextmanager
def cold():
    """Keep no workflow between commands, as a worker that did not run the case's last command."""
    size, WARM.SIZE = WARM.SIZE, 0
    WARM.forget()
    try:
        yield
    finally:
        WARM.SIZE = size


if __name__ == "__main__":
    main()
