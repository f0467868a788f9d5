"""Benchmark the server time of the inbox and case pages on 100,000 cases with 10,000 open tasks."""

import argparse
import gc
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
from sqlalchemy import event
from sqlalchemy import select

from storage.models import Case
from storage.models import HumanTask
from storage.models import User
from webapp import create_app
from workflows import access
from workflows import accounts
from workflows import commands
from workflows import diagram
from workflows.engine.clock import FixedClock
from workflows.queries import case_history
from workflows.queries import case_reads
from workflows.queries import meeting
from workflows.queries import worklists

WARMUP = 20


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def figures(values: list[float]) -> str:
    """Median, p95 and max of seconds, in ms."""
    return (f"median {1000 * statistics.median(values):7.2f}  p95 {1000 * percentile(values, 0.95):7.2f}  "
            f"max {1000 * max(values):7.2f} ms")


def timed_gets(requests: list[tuple], rounds: int) -> tuple[list[float], list[int]]:
    """GET each (client, url) in turn, WARMUP of them untimed first; (seconds, rows in the task table)."""
    seconds, rows = [], []
    for n in range(WARMUP + rounds):
        client, url = requests[n % len(requests)]
        t0 = time.perf_counter()
        answer = client.get(url)
        elapsed = time.perf_counter() - t0
        assert answer.status_code == 200, (url, answer.status_code)
        if n >= WARMUP:
            seconds.append(elapsed)
            rows.append(max(answer.data.count(b"<tr") - 1, 0))
    return seconds, rows


def sign_in(app, username: str):
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": bench_data.PASSWORD})
    assert answer.status_code == 302, (username, answer.status_code)
    return client


class Statements:
    """The SQL an engine runs while it is listened to (statement, parameters), in order."""

    def __init__(self, db):
        self.db, self.seen = db, []
        event.listen(db, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        self.seen.append((statement, parameters))

    def close(self):
        event.remove(self.db, "before_cursor_execute", self._seen)


def explain(app, client, url: str, repeat: int = 30) -> None:
    """Each SQL statement of one GET: its time run alone (median ms, fetching every row) and its plan."""
    db = app.extensions["cadreflow.engine"]
    listener = Statements(db)
    client.get(url)
    listener.close()
    print(f"\n  SQL of GET {url} (each run alone, median of {repeat}, rows fetched):")
    with db.execution_options(read_only=True).connect() as conn:
        for statement, parameters in listener.seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            spent = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                found = conn.exec_driver_sql(statement, parameters).fetchall()
                spent.append(time.perf_counter() - t0)
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            short = " ".join(statement.split())
            print(f"  {1000 * statistics.median(spent):7.2f} ms  {len(found):4d} rows  "
                  f"{short[:150]}{'…' if len(short) > 150 else ''}")
            for row in plan:
                print(f"{'':22}{row[-1]}")


def case_breakdown(app, actor, case_ids: list[int]) -> dict[str, list[float]]:
    """Time the parts of the case page by calling them directly, one fresh session per case."""
    sessions = app.extensions["cadreflow.read_sessions"]
    spent = defaultdict(list)

    def clock(label, function, *args):
        t0 = time.perf_counter()
        value = function(*args)
        spent[label].append(time.perf_counter() - t0)
        return value

    for case_id in case_ids:
        with sessions() as session:
            case = clock("load case + spec (readable_case)", access.readable_case, session, actor, case_id)
            clock("  workflow_state (deferred load)", getattr, case, "workflow_state")
            workflow = clock("case_history.load (restore)", case_history.load, case)
            marks = clock("case_history.marks (walk)", case_history.marks, case, workflow)
            clock("diagram.render_svg", diagram.render_svg, case.spec.sources, marks)
            clock("case_history.drawing (marks + render)", case_history.drawing, case, workflow)
            clock("case_history.waiting_messages", case_history.waiting_messages, workflow)
            clock("case_history.steps", case_history.steps, session, case)
            clock("meeting_view.board", meeting.board, session, case)
            clock("commands.open_tasks", commands.open_tasks, session, case.id)
            clock("worklists.inbox_count (navigation)", worklists.inbox_count, session, actor)
    return spent


def inbox_breakdown(app, actor, rounds: int) -> dict[str, list[float]]:
    sessions = app.extensions["cadreflow.read_sessions"]
    spent = defaultdict(list)
    parts = [("worklists.inbox", lambda s: worklists.inbox(s, actor)),
             ("worklists.tab_counts", lambda s: worklists.tab_counts(s, actor)),
             ("worklists.inbox_count (navigation)", lambda s: worklists.inbox_count(s, actor)),
             ("views.processes", case_reads.processes)]
    for _ in range(rounds):
        with sessions() as session:
            for label, function in parts:
                t0 = time.perf_counter()
                function(session)
                spent[label].append(time.perf_counter() - t0)
    return spent


def print_parts(title: str, spent: dict[str, list[float]], page: list[float]) -> None:
    print(f"\n  {title} (median ms; the page's median {1000 * statistics.median(page):.2f} ms)")
    for label, values in spent.items():
        print(f"    {label:<42} {1000 * statistics.median(values):8.2f}")


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

    timings = {}
    print(f"\nGET /inbox ({args.rounds} timed requests each, after {WARMUP} untimed)")
    groups = [(f"heaviest user {heavy} ({visible[heavy]} open tasks)", [(clients[heavy], "/inbox")]),
              (f"all {len(actors)} users in turn", [(clients[name], "/inbox") for name in actors]),
              ("party-group members in turn (ballots assigned per person)",
               [(clients[name], "/inbox") for name in members])]
    variants = ["?tab=mine", "?tab=personnel_office", "?sort=newest", "?process=rotation_approval", "?q=科长"]
    groups += [(f"{heavy} {query}", [(clients[heavy], f"/inbox{query}")]) for query in variants]
    for label, requests in groups:
        seconds, rows = timed_gets(requests, args.rounds if "?" not in label else max(args.rounds // 3, 20))
        timings[label] = seconds
        print(f"  {label:<60} {figures(seconds)}  rows {min(rows)}–{max(rows)}")

    print(f"\nGET /cases/<id> as {organiser} (personnel_office: sees every case)")
    picks = {kind: rng.sample(ids, min(len(ids), args.rounds)) for kind, ids in cases.items()}
    for kind in ("running", "finished", "vote"):
        requests = [(clients[organiser], f"/cases/{case_id}") for case_id in picks[kind]]
        seconds, _ = timed_gets(requests, args.rounds)
        timings[f"case {kind}"] = seconds
        print(f"  {kind + ' cases':<16} ({len(cases[kind]):6d}, {len(picks[kind])} sampled)  {figures(seconds)}")
    mixed = [(clients[organiser], f"/cases/{rng.choice(picks[kind])}") for kind in
             rng.choices(["running", "finished", "vote"], [len(cases["running"]), len(cases["finished"]), 50],
                         k=args.rounds)]
    timings["case mixed"], _ = timed_gets(mixed, args.rounds)
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
    return timings


def aims(title: str, timings: dict[str, list[float]]) -> None:
    print(f"\naims, {title} (worst p95 of the measurements above):")
    for page, aim, groups in (("inbox", 50, [s for label, s in timings.items() if not label.startswith("case")]),
                              ("case page", 100, [s for label, s in timings.items() if label.startswith("case")])):
        worst = max(percentile(seconds, 0.95) for seconds in groups) * 1000
        print(f"  {page:<10} ≤ {aim} ms: {worst:7.2f} ms → {'met' if worst <= aim else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300, help="timed requests per measurement")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000, help="open human tasks")
    parser.add_argument("--db", help="SQLite file: built when missing, reused when present")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false", help="skip the parts' timings")
    parser.add_argument("--no-explain", dest="explain", action="store_false", help="skip the SQL plans")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after sign-in: without it, full collections (~90 ms) make the max")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-")
        args.db = os.path.join(tmp.name, "pages.sqlite")
    print("cadreflow benchmark: server time of GET /inbox and GET /cases/<id>")
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, cpus {os.cpu_count()}, "
          f"SQLAlchemy {version('SQLAlchemy')}, Flask {version('Flask')}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"{platform.platform()}, load average {os.getloadavg()[0]:.2f}")
    if os.path.exists(args.db):
        print(f"db {args.db}: reused as it is")
    else:
        built = bench_data.build(args.db, args.cases, args.open, args.seed)
        print(f"db {args.db}: built in {built['drive_s'] + built['clone_s']:.1f} s "
              f"({len(built['templates'])} cases driven through the commands in {built['drive_s']:.1f} s, "
              f"the rest cloned in {built['clone_s']:.1f} s)")
        print("  rows: " + ", ".join(f"{table} {n}" for table, n in built["totals"].items()))
        print("  cases by status: " + ", ".join(f"{k} {v}" for k, v in sorted(built["status"].items())))
        print("  open tasks by lane: " + ", ".join(f"{k} {v}" for k, v in sorted(built["open_by_lane"].items())))
        per_case = built["events_per_case"]
        events = sorted(per_case.elements())
        print(f"  audit events per case: min {events[0]}, median {statistics.median(events):.0f}, "
              f"mean {sum(events) / len(events):.1f}, max {events[-1]}")
    size = sum(os.path.getsize(args.db + suffix) for suffix in ("", "-wal") if os.path.exists(args.db + suffix))
    print(f"  file {size / 2**20:.0f} MiB (with WAL)")

    app = create_app({"DATABASE_URL": f"sqlite:///{args.db}", "SECRET_KEY": "bench-secret-" + "x" * 40,
                      "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                      "CLOCK": FixedClock(bench_data.NOW)})
    before = measure(app, args, random.Random(args.seed))
    aims("the schema as migrated", before)
    print(f"load average at the end {os.getloadavg()[0]:.2f} (other work on the machine widens the tails)")
    app.extensions["cadreflow.engine"].dispose()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
