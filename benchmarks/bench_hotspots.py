"""Benchmark the server time of the load test's costliest reads: the start page, the audit search, the API's cases.

On bench_pages.py's data (100,000 cases, ~2 million events), through the Flask app. The start page's news depends
on the previous sign-in, so its part is also timed directly with the previous sign-in before every event (all is
new) and before the newest few; ``--old-news`` puts the query this release replaced beside it, in the same run.
"""

import argparse
import gc
import importlib.util
import logging
import os
import statistics
import time
from pathlib import Path

import bench_data
from bench_pages import _database
from bench_pages import percentile
from sqlalchemy import func
from sqlalchemy import select

from storage import make_engine
from storage.migrate import upgrade
from storage.models import AuditEvent
from storage.models import User
from webapp import create_app
from webapp import structured_log
from workflows import accounts
from workflows.engine.clock import FixedClock
from workflows.queries import notifications

AUDITOR = "bench_auditor"


def figures(seconds: list[float]) -> str:
    return (f"median {1000 * statistics.median(seconds):8.2f}  p95 {1000 * percentile(seconds, 0.95):8.2f}  "
            f"max {1000 * max(seconds):8.2f} ms")


def timed(call, rounds: int, warmup: int = 3) -> list[float]:
    spent = []
    for n in range(warmup + rounds):
        t0 = time.perf_counter()
        call()
        if n >= warmup:
            spent.append(time.perf_counter() - t0)
    return spent


def get(client, url: str, headers=None):
    def call():
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, (url, answer.status_code, answer.get_data(as_text=True)[:300])
        return answer
    return call


def _people(app) -> tuple[dict, str]:
    """The benchmark's users by name (an auditor added once) and an API token of the organiser (made each run)."""
    with app.extensions["cadreflow.sessions"].begin() as session:
        if session.scalar(select(User).where(User.username == AUDITOR)) is None:
            accounts.create_user(session, AUDITOR, ["auditor"], password=bench_data.PASSWORD, profile="fast")
        token = accounts.create_token(session, accounts.find_user(session, "organiser"), "bench_hotspots",
                                      at=bench_data.NOW)
        users = {user.username: accounts.actor_for(user) for user in session.scalars(select(User))}
    return users, token


def sign_in(app, username: str):
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": bench_data.PASSWORD})
    assert answer.status_code == 302, (username, answer.status_code)
    return client


def _old_news(path: str | None):
    """The news module of an earlier release (a copy of its file), to time its query beside this one's."""
    if not path:
        return None
    spec = importlib.util.spec_from_file_location("old_notifications", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def news_parts(app, users: dict, rounds: int, old) -> None:
    """The "cases of mine that moved" part, for a starter of many cases and a member who started none."""
    sessions = app.extensions["cadreflow.read_sessions"]
    with sessions() as session:
        head = session.scalar(select(func.max(AuditEvent.seq)))
    print(f"\nnews part: cases of mine that moved since a previous sign-in at seq … (head {head}), {rounds} rounds")
    for name in ("organiser", "member1"):
        for label, after in (("0 (all is new)", 0), ("head-20,000", head - 20_000), ("head-200", head - 200)):
            kinds = [("new", lambda s, a=after, n=name: notifications._moved(s, users[n], a))]
            if not hasattr(notifications, "_moved"):  # an earlier release's code: its query only
                kinds = []
            if old is not None:
                kinds.append(("old", lambda s, a=after, n=name: _old_moved(old, s, users[n], a)))
            for kind, call in kinds:
                with sessions() as session:
                    shown = len(call(session))
                    spent = timed(lambda c=call, s=session: c(s), rounds if kind == "new" else max(3, rounds // 10))
                print(f"  {name:<10} after {label:<16} {kind}: {figures(spent)}  ({shown} cases)")


def _old_moved(old, session, actor, after_seq: int):
    """The replaced query: every event since the sign-in joined to the starter's cases and grouped."""
    moved = session.execute(
        old.select(old.Case, old.func.count()).join(old.AuditEvent, old.AuditEvent.case_id == old.Case.id)
        .where(old.Case.started_by_id == actor.user_id, old.AuditEvent.seq > after_seq,
               old.AuditEvent.actor_id.is_distinct_from(actor.user_id), old.AuditEvent.type != old.Event.ACCESS_DENIED)
        .group_by(old.Case.id).order_by(old.func.max(old.AuditEvent.seq).desc()).limit(old.SHOWN)).all()
    return list(moved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="bench_pages.py's SQLite file (built by it when missing)")
    parser.add_argument("--url", help="a PostgreSQL database built by bench_pages.py --url instead")
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per endpoint")
    parser.add_argument("--old-news", help="a copy of an earlier workflows/queries/notifications.py to time beside")
    parser.add_argument("--no-upgrade", dest="upgrade", action="store_false",
                        help="leave the schema as it is (to time an earlier release's code on the same data)")
    args = parser.parse_args()
    args.cases, args.open, args.seed = 100_000, 10_000, 1
    url, present = _database(args)
    gc.collect()  # _database leaves a connection of PostgreSQL's open in its transaction: the upgrade would wait on it
    if not present:
        bench_data.build(url, args.cases, args.open, args.seed)
    if args.upgrade:
        db = make_engine(url)
        upgrade(db)
        db.dispose()
    code = Path(notifications.__file__).parents[2]
    print(f"cadreflow hotspots benchmark on {url.split('@')[-1]} (code from {code}), "
          f"load average {os.getloadavg()[0]:.2f}")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-" + "x" * 40, "TWO_FACTOR_ROLES": "",
                      "PASSWORD_PROFILE": "fast", "COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                      "CLOCK": FixedClock(bench_data.NOW)})
    structured_log.REQUESTS.setLevel(logging.WARNING)
    users, token = _people(app)
    bearer = {"Authorization": f"Bearer {token}"}
    organiser, member, auditor = (sign_in(app, name) for name in ("organiser", "member1", AUDITOR))
    first = app.test_client().get("/api/v1/cases?all=1&limit=50", headers=bearer).get_json()
    assert "next_cursor" in first, first
    second = f"/api/v1/cases?all=1&limit=50&cursor={first['next_cursor']}"
    print(f"\nendpoints ({args.rounds} timed requests each after 3 untimed; server time through the test client)")
    api = app.test_client()
    for label, call in (
            ("GET / as organiser (started ~12,500 cases)", get(organiser, "/")),
            ("GET / as member1 (started none)", get(member, "/")),
            ("GET /audit (no filter)", get(auditor, "/audit")),
            ("GET /audit?page=1000 (no filter)", get(auditor, "/audit?page=1000")),
            ("GET /audit?status=running", get(auditor, "/audit?status=running")),
            ("GET /api/v1/cases?all=1 (running)", get(api, "/api/v1/cases?all=1&limit=50", bearer)),
            ("GET /api/v1/cases?all=1 next page", get(api, second, bearer)),
            ("GET /api/v1/cases?all=1&status= (every case)", get(api, "/api/v1/cases?all=1&status=&limit=50", bearer)),
            ("GET /api/v1/cases (mine, running)", get(api, "/api/v1/cases?limit=50", bearer))):
        print(f"  {label:<48} {figures(timed(call, args.rounds))}")
    news_parts(app, users, args.rounds, _old_news(args.old_news))
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    app.extensions["cadreflow.engine"].dispose()


if __name__ == "__main__":
    main()
