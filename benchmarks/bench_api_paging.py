"""Benchmark the API's paged lists on the 100,000-case data: GET /api/v1/inbox with 5,000 open tasks in one inbox
as one whole answer (as before paging) against its first page of 50, and deep pages by cursor against OFFSET."""

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from importlib.metadata import version

import bench_data
from bench_pages import percentile
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from storage import make_engine
from storage import migrate
from storage.models import HumanTask
from storage.models import User
from webapp import create_app
from webapp import db
from webapp.security import token_user
from workflows import accounts
from workflows.engine.clock import FixedClock
from workflows.queries import case_reads
from workflows.queries import waiting
from workflows.queries import worklists

LANE = "personnel_office"
WARMUP = 3
# The case lists' indexes (migration 0015), dropped for a measurement without them and made again.
CASE_INDEXES = {"ix_case_started_at_id": "started_at, id",
                "ix_case_started_by_id_started_at": "started_by_id, started_at, id"}


def set_inbox(app, size: int) -> None:
    """Put exactly ``size`` open unassigned tasks in the office's lane (this copy of the data only)."""
    with app.extensions["cadreflow.sessions"].begin() as session:
        offered = (HumanTask.status == "open") & HumanTask.assignee_id.is_(None)
        have = session.scalar(select(func.count()).select_from(HumanTask).where(offered, HumanTask.lane == LANE))
        if have < size:
            moved = select(HumanTask.id).where(offered, HumanTask.lane != LANE).limit(size - have)
            session.execute(update(HumanTask).where(HumanTask.id.in_(moved)).values(lane=LANE))
        elif have > size:
            moved = select(HumanTask.id).where(offered, HumanTask.lane == LANE).limit(have - size)
            session.execute(update(HumanTask).where(HumanTask.id.in_(moved)).values(lane="district_org_dept"))


def add_bench_routes(app) -> None:
    """What the API answered before: the whole inbox in one list, and by page number (OFFSET); same token check."""

    def whole():
        found = worklists.inbox(db.session(), accounts.actor_for(token_user()), sort="oldest", per_page=10**9)
        return {"tasks": [case_reads.task_summary(task) for task in found.tasks]}

    def by_number(page: int, per_page: int):
        found = worklists.inbox(db.session(), accounts.actor_for(token_user()), sort="oldest", page=page,
                                per_page=per_page)
        return {"tasks": [case_reads.task_summary(task) for task in found.tasks]}

    def cases_by_number(page: int):
        actor = accounts.actor_for(token_user())
        rows, total = worklists.cases(db.session(), actor, bench_data.NOW, status=None, mine=False, page=page)
        waits = waiting.of_cases(db.session(), [row.case.id for row in rows])
        return {"total": total, "items": [{"id": row.case.id, "title": row.case.title, "steps": row.steps,
                                           "waits": len(waits[row.case.id])} for row in rows]}

    app.add_url_rule("/bench/inbox-whole", "bench_whole", whole)
    app.add_url_rule("/bench/inbox-page/<int:page>/<int:per_page>", "bench_page", by_number)
    app.add_url_rule("/bench/cases-page/<int:page>", "bench_cases_page", cases_by_number)


def cursor_at(client, headers, path: str, items: int, limit: int, **query) -> str:
    """The cursor after the first ``items`` items of ``path`` (with ``query``), walked ``limit`` at a time."""
    cursor, seen = None, 0
    while seen < items:
        answer = client.get(path, headers=headers, query_string={**query, "limit": limit, **(
            {"cursor": cursor} if cursor else {})}).json
        seen += len(answer["items"])
        cursor = answer["next_cursor"]
    return cursor


def measure(client, headers, variants: dict, rounds: int) -> dict:
    """GET each variant in turn, ``rounds`` times after WARMUP untimed: {name: (seconds, bytes, items)}."""
    seconds = {name: [] for name in variants}
    sizes, counts = {}, {}
    for n in range(WARMUP + rounds):
        for name, (path, query) in variants.items():
            t0 = time.perf_counter()
            answer = client.get(path, headers=headers, query_string=query)
            elapsed = time.perf_counter() - t0
            assert answer.status_code == 200, (name, answer.status_code, answer.data[:300])
            if n >= WARMUP:
                seconds[name].append(elapsed)
            sizes[name] = len(answer.data)
            body = answer.json
            counts[name] = len(body["items"] if "items" in body else body["tasks"])
    return {name: (seconds[name], sizes[name], counts[name]) for name in variants}


def report(title: str, results: dict, baseline: str) -> None:
    print(f"\n{title}")
    base_time = statistics.median(results[baseline][0])
    for name, (seconds, size, count) in results.items():
        median = statistics.median(seconds)
        print(f"  {name:<52} {count:5d} items {size / 1024:9.1f} KiB  median {1000 * median:8.2f} ms  "
              f"p95 {1000 * percentile(seconds, 0.95):8.2f} ms  ×{median / base_time:6.3f} of the first")


def cases_section(app, client, headers, args) -> None:
    """Everyone's cases newest first: the first page, a deep one by cursor and by OFFSET; with the indexes of
    migration 0015 and, in this copy of the data, without them."""
    everyone = {"all": "1", "status": ""}
    deep = cursor_at(client, headers, "/api/v1/cases", 5000, 500, **everyone)
    variants = {"first page of 50": ("/api/v1/cases", {**everyone, "limit": 50}),
                "after 5,000 cases, by cursor": ("/api/v1/cases", {**everyone, "limit": 50, "cursor": deep}),
                "page 101 of 50 by number (OFFSET 5,000)": ("/bench/cases-page/101", {})}
    rounds = max(args.rounds // 3, 10)
    report(f"GET /api/v1/cases?all=1&status=, {args.cases} cases, with the indexes ({rounds} rounds)",
           measure(client, headers, variants, rounds), "first page of 50")
    with app.extensions["cadreflow.engine"].begin() as connection:
        for name in CASE_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX {name}")
    try:
        report(f"the same without them (3 rounds, {WARMUP} untimed first)", measure(client, headers, variants, 3),
               "first page of 50")
    finally:
        with app.extensions["cadreflow.engine"].begin() as connection:
            for name, columns in CASE_INDEXES.items():
                connection.exec_driver_sql(f'CREATE INDEX {name} ON "case" ({columns})')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="SQLite file: built when missing, reused when present (its inbox is reset)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000, help="open human tasks")
    parser.add_argument("--inbox", type=int, default=5_000, help="open tasks in the measured user's inbox")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-")
        args.db = os.path.join(tmp.name, "pages.sqlite")
    print("cadreflow benchmark: the API's paged lists (server time, Flask test client)")
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, cpus {os.cpu_count()}, "
          f"Flask {version('Flask')}, load average {os.getloadavg()[0]:.2f}")
    if not os.path.exists(args.db):
        built = bench_data.build(args.db, args.cases, args.open)
        print(f"db {args.db}: built in {built['drive_s'] + built['clone_s']:.0f} s")
    migrate.upgrade(make_engine(f"sqlite:///{args.db}"))  # a copy built before the newest migration gets it
    app = create_app({"DATABASE_URL": f"sqlite:///{args.db}", "SECRET_KEY": "bench-secret-" + "x" * 40,
                      "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "CLOCK": FixedClock(bench_data.NOW)})
    set_inbox(app, args.inbox)
    with app.extensions["cadreflow.sessions"].begin() as session:
        reader = session.scalar(select(User).where(User.username == "api_paging_bench"))
        if reader is None:
            reader = accounts.create_user(session, "api_paging_bench", [LANE, "auditor"], password=bench_data.PASSWORD,
                                          profile="fast")
        headers = {"Authorization": f"Bearer {accounts.create_token(session, reader, at=bench_data.NOW)}"}
        visible = worklists.inbox_count(session, accounts.actor_for(reader))
    add_bench_routes(app)
    client = app.test_client()
    print(f"the reader's inbox: {visible} open tasks")

    deep = args.inbox - 50
    inbox = measure(client, headers, {
        "before: the whole inbox in one answer": ("/bench/inbox-whole", {}),
        "after: first page, limit 50": ("/api/v1/inbox", {"limit": 50}),
        "page numbers (the last release), page 1 of 50": ("/bench/inbox-page/1/50", {}),
        f"cursor after {deep} tasks, limit 50": ("/api/v1/inbox", {"limit": 50, "cursor": cursor_at(
            client, headers, "/api/v1/inbox", deep, 50)}),
        f"page numbers: page {deep // 50 + 1} of 50 (OFFSET {deep})": (f"/bench/inbox-page/{deep // 50 + 1}/50", {}),
    }, args.rounds)
    report(f"GET /api/v1/inbox, {visible} open tasks ({args.rounds} rounds, alternating)", inbox,
           "before: the whole inbox in one answer")
    whole, first = inbox["before: the whole inbox in one answer"], inbox["after: first page, limit 50"]
    print(f"  first page against the whole: {whole[1] / first[1]:.1f}× fewer bytes, "
          f"{statistics.median(whole[0]) / statistics.median(first[0]):.1f}× less time (medians)")

    cases_section(app, client, headers, args)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    app.extensions["cadreflow.engine"].dispose()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
