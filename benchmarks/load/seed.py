"""The load test's database: the 100,000-case benchmark data, auditors, API tokens, and form data for each open step."""

import json
import sys
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import bench_data  # noqa: E402  (lives in benchmarks/, put on the path just above)

from storage import make_engine  # noqa: E402
from storage import make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import AuditEvent  # noqa: E402
from storage.models import Case  # noqa: E402
from storage.models import HumanTask  # noqa: E402
from storage.models import User  # noqa: E402
from workflows import accounts  # noqa: E402
from workflows import commands  # noqa: E402
from workflows.errors import InvalidData  # noqa: E402
from workflows.vocabulary import Event  # noqa: E402

AUDITORS = 2
TOKEN_DAYS = 365


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _admin(url: str):
    """(a connection string to the server's ``postgres`` database, the benchmark database's name)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    return admin, parsed.database


def database_exists(url: str) -> bool:
    if not is_postgres(url):
        return Path(make_url(url).database).exists()
    import psycopg
    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def drop_database(url: str) -> None:
    """Remove the benchmark database (a SQLite file and its WAL, or the PostgreSQL database)."""
    if not is_postgres(url):
        for suffix in ("", "-wal", "-shm"):
            Path(make_url(url).database + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql
    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _create_database(url: str) -> None:
    if is_postgres(url):
        import psycopg
        from psycopg import sql
        admin, name = _admin(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(url: str, fixture: Path, key: Path, cases: int, open_tasks: int, reuse: bool) -> dict:
    """The fixture of a database seeded for the load; built afresh unless ``reuse`` finds both already there."""
    if reuse and fixture.exists() and database_exists(url):
        print(f"reusing {make_url(url).render_as_string()} ({fixture})", flush=True)
        engine = make_engine(url)
        upgrade(engine)  # the migrations that came since it was seeded, as init-db would run them
        engine.dispose()
        return json.loads(fixture.read_text())
    drop_database(url)
    _create_database(url)
    key.unlink(missing_ok=True)
    print(f"seeding {make_url(url).render_as_string()}: {cases:,} cases, {open_tasks:,} open tasks …", flush=True)
    built = bench_data.build(url, cases, open_tasks, signing_key=key)
    print(f"  drive {built['drive_s']:.0f} s, clone {built['clone_s']:.0f} s: {built['totals']}", flush=True)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        for n in range(1, AUDITORS + 1):
            accounts.create_user(session, f"auditor_{n:02d}", ["auditor"], password=bench_data.PASSWORD,
                                 profile="fast")
    with sessions.begin() as session:
        users = [{"id": user.id, "username": user.username, "roles": sorted(user.roles),
                  "token": accounts.create_token(session, user, "load test", at=bench_data.NOW, days=TOKEN_DAYS)}
                 for user in session.scalars(select(User).order_by(User.id)) if user.roles]
        total = session.scalar(select(func.count()).select_from(Case))
        head = session.scalar(select(func.max(AuditEvent.seq)))
    found = {"url": url, "cases": total, "seeded_seq": head, "users": users,
             "catalog": completion_catalog(sessions, built["templates"])}
    engine.dispose()
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_text(json.dumps(found, ensure_ascii=False, indent=1))
    print(f"  steps the users can complete: {sorted(found['catalog'])}", flush=True)
    return found


def completion_catalog(sessions, templates: dict[str, int]) -> dict[str, dict]:
    """{BPMN id: form data} for the steps the running templates (and so their clones) wait on: data recorded by a
    completion of that step, less the fields the command adds, that completes it on every template waiting there
    (each tried in a transaction rolled back)."""
    ids = list(templates.values())
    with sessions() as session:
        recorded = {}
        for payload in session.scalars(select(AuditEvent.payload).where(
                AuditEvent.case_id.in_(ids), AuditEvent.type == Event.TASK_COMPLETED).order_by(AuditEvent.seq)):
            step = json.loads(payload)
            recorded.setdefault(step["bpmn_id"], []).append(step["data"])
        waiting = session.execute(select(HumanTask.id, HumanTask.bpmn_id, HumanTask.lane, HumanTask.assignee_id)
                                  .where(HumanTask.case_id.in_(ids), HumanTask.status == "open")).all()
        users = list(session.scalars(select(User)))
        actors = {user.id: accounts.actor_for(user) for user in users}
        of_lane = {lane: accounts.actor_for(user) for user in reversed(users) for lane in user.roles}
    catalog = {}
    for bpmn_id in sorted({row.bpmn_id for row in waiting}):
        rows = [row for row in waiting if row.bpmn_id == bpmn_id]
        for data in recorded.get(bpmn_id, []):
            for row in rows:
                data = _completing(sessions, row, actors[row.assignee_id] if row.assignee_id else of_lane[row.lane],
                                   data)
                if data is None:
                    break
            else:
                catalog[bpmn_id] = data
                break
    return catalog


def _completing(sessions, row, actor, data: dict) -> dict | None:
    """``data``, less the fields refused as not the form's own (the command adds those), if it completes ``row``."""
    for _ in range(3):
        session = sessions()
        try:
            session.begin()
            commands.complete_task(session, actor, bench_data.NOW, row.id, data)
            return data
        except InvalidData as refused:
            if not refused.errors or not set(refused.errors) <= set(data):
                return None
            data = {key: value for key, value in data.items() if key not in refused.errors}
        except Exception:  # noqa: BLE001  (any other refusal: this data does not fit, try the next)
            return None
        finally:
            session.rollback()
            session.close()
    return None
