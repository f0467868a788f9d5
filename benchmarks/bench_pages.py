"""Benchmark the server time of the inbox and case pages on 100,000 cases with 10,000 open tasks."""

import argparse
import gc
import logging
import math
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from importlib.metadata import version

import bench_data
import psycopg
from pages_parts import case_breakdown
from pages_parts import explain
from pages_parts import inbox_breakdown
from pages_parts import print_parts
from sqlalchemy import inspect
from sqlalchemy import make_url
from sqlalchemy import select

from storage import make_engine
from storage.migrate import upgrade
from storage.models import Case
from storage.models import HumanTask
from storage.models import User
from webapp import create_app
from webapp import structured_log
from workflows import accounts
from workflows.engine.clock import FixedClock
from workflows.queries import worklists

WARMUP = 20


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# This process's CPU seconds for each request of the last timed_gets: on a busy machine the wall time mostly
# waits for a core, the CPU time does not (it leaves out PostgreSQL's own work, done in its server process).
CPU: list[float] = []


def figures(values: list[float]) -> str:
    """Median, p95 and max of seconds, in ms; and the CPU time's median and p95 of the same requests."""
    return (f"median {1000 * statistics.median(values):7.2f}  p95 {1000 * percentile(values, 0.95):7.2f}  "
            f"max {1000 * max(values):7.2f} ms  (CPU median {1000 * statistics.median(CPU):6.2f}  "
            f"p95 {1000 * percentile(CPU, 0.95):6.2f})")


def timed_gets(requests: list[tuple], rounds: int) -> tuple[list[float], list[int]]:
    """GET each (client, url) in turn, WARMUP of them untimed first; (seconds, rows in the task table)."""
    seconds, rows = [], []
    CPU.clear()
    for n in range(WARMUP + rounds):
        client, url = requests[n % len(requests)]
        t0, c0 = time.perf_counter(), time.process_time()
        answer = client.get(url)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert answer.status_code == 200, (url, answer.status_code)
        if n >= WARMUP:
            seconds.append(elapsed)
            CPU.append(cpu)
            rows.append(max(answer.data.count(b"<tr") - 1, 0))
    return seconds, rows


def sign_in(app, username: str):
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": bench_data.PASSWORD})
    assert answer.status_code == 302, (username, answer.status_code)
    return client


def measure(app, args, rng) -> dict:
    """Sign everyone in, then time the inbox and the case pages; the page timings by name."""
    sessions = app.extensions["cadreflow.read_sessions"]
    with sessions() as session:
        users = list(session.scalars(select(User).where(User.password_hash.is_not(None)).order_by(User.id)))
        actors = {user.username: accounts.actor_for(user) for user in users}
        visible = {name: worklists.inbox_count(session, actor) for name, actor in actors.items()}
        cases = defaultdict(list)
        for case_id, status in session.execute(select(Case.id, Case.status)):
            cases["running" if status == "running" else "finished"].append(case_id)
        cases["vote"] = sorted(set(session.scalars(select(HumanTask.case_id).where(
            HumanTask.bpmn_id == "cast_ballot", HumanTask.status == "open"))))
    clients = {name: sign_in(app, name) for name in actors}
    if args.gc_freeze:  # what a server could do once started: its long-lived objects leave the collector's scans
        clients[next(iter(clients))].get("/inbox")
        gc.freeze()
    heavy = max(visible, key=visible.get)
    members = [name for name, actor in actors.items() if actor.roles == {"party_group"}]
    organiser = next(name for name in actors if "personnel_office" in actors[name].roles)
    by_role = defaultdict(list)
    for name, actor in actors.items():
        by_role["+".join(sorted(actor.roles))].append(visible[name])
    print(f"\nusers {len(actors)}; open tasks each can act on (min–max by roles): " + ", ".join(
        f"{role} ×{len(n)}: {min(n)}–{max(n)}" for role, n in sorted(by_role.items())))

    timings, cpu_of = {}, {}
    print(f"\nGET /inbox ({args.rounds} timed requests each, after {WARMUP} untimed)")
    groups = [(f"heaviest user {heavy} ({visible[heavy]} open tasks)", [(clients[heavy], "/inbox")]),
              (f"all {len(actors)} users in turn", [(clients[name], "/inbox") for name in actors]),
              ("party-group members in turn (ballots assigned per person)",
               [(clients[name], "/inbox") for name in members])]
    variants = ["?tab=mine", "?tab=personnel_office", "?sort=newest", "?process=rotation_approval", "?q=科长"]
    groups += [(f"{heavy} {query}", [(clients[heavy], f"/inbox{query}")]) for query in variants]
    for label, requests in groups:
        seconds, rows = timed_gets(requests, args.rounds if "?" not in label else max(args.rounds // 3, 20))
        timings[label], cpu_of[label] = seconds, list(CPU)
        print(f"  {label:<60} {figures(seconds)}  rows {min(rows)}–{max(rows)}")

    print(f"\nGET /cases/<id> as {organiser} (personnel_office: sees every case)")
    picks = {kind: rng.sample(ids, min(len(ids), args.rounds)) for kind, ids in cases.items()}
    for kind in ("running", "finished", "vote"):
        requests = [(clients[organiser], f"/cases/{case_id}") for case_id in picks[kind]]
        seconds, _ = timed_gets(requests, args.rounds)
        timings[f"case {kind}"], cpu_of[f"case {kind}"] = seconds, list(CPU)
        print(f"  {kind + ' cases':<16} ({len(cases[kind]):6d}, {len(picks[kind])} sampled)  {figures(seconds)}")
    mixed = [(clients[organiser], f"/cases/{rng.choice(picks[kind])}") for kind in
             rng.choices(["running", "finished", "vote"], [len(cases["running"]), len(cases["finished"]), 50],
                         k=args.rounds)]
    timings["case mixed"], _ = timed_gets(mixed, args.rounds)
    cpu_of["case mixed"] = list(CPU)
    print(f"  {'all cases, mixed':<40}  {figures(timings['case mixed'])}")

    if args.breakdown:
        print_parts(f"inbox of {heavy}, its parts", inbox_breakdown(app, actors[heavy], 100),
                    timings[groups[0][0]])
        for kind in ("running", "finished", "vote"):
            print_parts(f"case page, {kind} cases, its parts",
                        case_breakdown(app, actors[organiser], picks[kind][:100]), timings[f"case {kind}"])
    if args.explain:
        explain(app, clients[heavy], "/inbox")
        explain(app, clients[members[0]], "/inbox")
        explain(app, clients[organiser], f"/cases/{picks['vote'][0]}")
    return timings, cpu_of


def aims(title: str, timings: dict[str, list[float]], cpu_of: dict[str, list[float]]) -> None:
    print(f"\naims, {title} (worst p95 of the measurements above; this process's CPU time beside it):")
    for page, aim, case in (("inbox", 20, False), ("case page", 50, True)):
        worst, cpu = (max(percentile(seconds, 0.95) * 1000 for label, seconds in found.items()
                          if label.startswith("case") == case) for found in (timings, cpu_of))
        print(f"  {page:<10} ≤ {aim} ms: {worst:7.2f} ms → {'met' if worst <= aim else 'MISSED'}  (CPU {cpu:6.2f} ms)")


def _database(args) -> tuple[str, bool]:
    """The database's URL, and whether it holds the benchmark's data already (a PostgreSQL database named by
    ``--url`` is created when missing)."""
    if args.url is None:
        return f"sqlite:///{args.db}", os.path.exists(args.db)
    url = make_url(args.url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{url.database}"')
    db = make_engine(args.url)
    try:
        return args.url, inspect(db).has_table("case") and db.connect().scalar(select(Case.id).limit(1)) is not None
    finally:
        db.dispose()


def _size(url: str) -> str:
    db = make_engine(url)
    try:
        if db.dialect.name == "sqlite":
            path = db.url.database
            size = sum(os.path.getsize(path + suffix) for suffix in ("", "-wal") if os.path.exists(path + suffix))
            return f"file {size / 2**20:.0f} MiB (with WAL)"
        with db.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
            return f"database {size / 2**20:.0f} MiB, PostgreSQL {conn.exec_driver_sql('SHOW server_version').scalar()}"
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300, help="timed requests per measurement")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000, help="open human tasks")
    parser.add_argument("--db", help="SQLite file: built when missing, reused when present")
    parser.add_argument("--url", help="a PostgreSQL database's URL instead (created and built when missing or "
                                      "empty, reused when it holds cases)")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false", help="skip the parts' timings")
    parser.add_argument("--no-explain", dest="explain", action="store_false", help="skip the SQL plans")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after sign-in: without it, full collections (~90 ms) make the max")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tmp = None
    if args.db is None and args.url is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-")
        args.db = os.path.join(tmp.name, "pages.sqlite")
    print("cadreflow benchmark: server time of GET /inbox and GET /cases/<id>")
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, cpus {os.cpu_count()}, "
          f"SQLAlchemy {version('SQLAlchemy')}, Flask {version('Flask')}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"{platform.platform()}, load average {os.getloadavg()[0]:.2f}")
    url, present = _database(args)
    shown = make_url(url).render_as_string(hide_password=True)
    if present:
        db = make_engine(url)
        upgrade(db)  # a database built before a newer migration gets its indexes
        db.dispose()
        print(f"db {shown}: reused (upgraded to the newest migration)")
    else:
        built = bench_data.build(url, args.cases, args.open, args.seed)
        print(f"db {shown}: built in {built['drive_s'] + built['clone_s']:.1f} s "
              f"({len(built['templates'])} cases driven through the commands in {built['drive_s']:.1f} s, "
              f"the rest cloned in {built['clone_s']:.1f} s)")
        print("  rows: " + ", ".join(f"{table} {n}" for table, n in built["totals"].items()))
        print("  cases by status: " + ", ".join(f"{k} {v}" for k, v in sorted(built["status"].items())))
        print("  open tasks by lane: " + ", ".join(f"{k} {v}" for k, v in sorted(built["open_by_lane"].items())))
        per_case = built["events_per_case"]
        events = sorted(per_case.elements())
        print(f"  audit events per case: min {events[0]}, median {statistics.median(events):.0f}, "
              f"mean {sum(events) / len(events):.1f}, max {events[-1]}")
    print(f"  {_size(url)}")

    # The pages are measured, not the second factor (the bench's secretary has none) nor the request log's line.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-" + "x" * 40, "TWO_FACTOR_ROLES": "",
                      "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                      "CLOCK": FixedClock(bench_data.NOW)})
    structured_log.REQUESTS.setLevel(logging.WARNING)
    timings, cpu_of = measure(app, args, random.Random(args.seed))
    aims(f"on {app.extensions['cadreflow.engine'].dialect.name}", timings, cpu_of)
    print(f"load average at the end {os.getloadavg()[0]:.2f} (other work on the machine widens the tails)")
    app.extensions["cadreflow.engine"].dispose()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
