"""The page benchmark's database: real cases driven through the commands, then cloned in bulk."""

import random
import sys
import time
from collections import Counter
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import bench_clone
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from storage import make_engine
from storage import make_session_factory
from storage.migrate import upgrade
from storage.models import AuditEvent
from storage.models import AuditHead
from storage.models import Cadre
from storage.models import Case
from storage.models import HumanTask
from storage.models import Timer
from workflows import accounts
from workflows import commands
from workflows.commands import triggers
from workflows.engine.clock import FixedClock
from workflows.record import checkpoints

ROOT = Path(__file__).resolve().parent.parent
MODELS = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]
PASSWORD = "password-123"
NOW = datetime(2027, 10, 11, 1, 0, tzinfo=UTC)  # the benchmark's today: a Monday, 09:00 in Beijing
# 50 users: the driver's eleven people (organiser, secretary, member1-6, inspector, discipline, district)
# and more of each team. Team -> (driver people, extra users, roles of an extra user).
TEAMS = {
    "personnel_office": (["organiser"], 7, ["personnel_office"]),
    "party_secretary": (["secretary"], 1, ["party_secretary", "party_group"]),
    "party_group": ([f"member{n}" for n in range(1, 7)], 6, ["party_group"]),
    "inspection_team": (["inspector"], 9, ["inspection_team"]),
    "discipline": (["discipline"], 7, ["discipline"]),
    "district_org_dept": (["district"], 9, ["district_org_dept"]),
}
# Running clones per template for 10,000 open tasks (scaled with --open); FILLER tops the open tasks up.
RUNNING = {"s_motion_consent": 500, "s_upper_review": 300, "s_screening": 900, "s_inspection": 300,
           "s_checks": 500, "s_vote": 200, "s_publicity": 300, "s_filing": 400, "s_probation": 1500,
           "r_deferral": 300, "r_talk": 400, "r_vote": 60, "r_handover": 300,
           "l_proposal": 400, "l_vote": 40, "l_upper_consent": 300}
FILLER = "s_analysis"
FINISHED = {"s_full": 40, "s_no_vacancy": 8, "s_motion_declined": 7, "s_cancelled": 8, "s_rejected": 5,
            "r_full": 17, "r_not_transferable": 4, "l_full": 11}  # weights of the finished cases


class _Stop(Exception):
    """A walk reached the step its template stops before."""


def _drive(bureau) -> dict[str, int]:
    """Walk one case to each template's stage through the command layer; {template: case id}."""
    from tests.procedures import rotation_steps as rot
    from tests.procedures import second_line_steps as line
    from tests.procedures import selection_steps as sel
    from tests.procedures.driver import beijing

    out = {}

    def walk(name, start, *steps, stop=None):
        """Start a case, take ``steps`` up to the task or timer ``stop`` (None: to the end)."""
        run = start()
        run.stop = stop
        try:
            for step in steps:
                step(run)
        except _Stop:
            pass
        assert stop is None or run.stopped, name
        out[name] = run.id

    def selection():
        bureau.clock.at = beijing("2026-09-01 09:00")
        return sel.start(bureau)

    to_vote = [sel.to_work_plan, sel.to_candidates, sel.determine, sel.inspect, sel.propose, sel.meeting]

    def appointed(day, appointee="QP0003"):  # each appointment of the same cadre must start later than the one before
        # A second appointment of the same cadre would be lateral (no probation year): the last walk appoints another.
        return [*to_vote[:-2], lambda run: sel.propose(run, appointee), lambda run: sel.meeting(run, day=day),
                lambda run: sel.vote(run, dict.fromkeys(sel.MEMBERS, "approve")), sel.publish,
                lambda run: run.wait_for("publicity_period"), sel.appoint,
                lambda run: sel.probation(run, "confirmed", decided_on="2027-09-30")]

    for n, (name, stop) in enumerate((
            ("s_analysis", "analysis"), ("s_motion_consent", "motion_consent"),
            ("s_screening", "eligibility_screening"), ("s_inspection", "organizational_inspection"),
            ("s_checks", "dossier_review"), ("s_vote", "cast_ballot"), ("s_publicity", "publicity_period"),
            ("s_filing", "filing"), ("s_probation", "probation_year"), ("s_full", None))):
        walk(name, selection, *appointed(f"2026-09-{max(n - 7, 0) + 21}", "QP0010" if stop is None else "QP0003"),
             stop=stop)
    walk("s_upper_review", selection, lambda run: sel.to_work_plan(run, upper_report=True), stop="upper_report_review")
    walk("s_no_vacancy", selection, lambda run: run.do("analysis", {**sel.ANALYSIS, "vacancy_exists": False,
                                                                    **sel.terminating("无空缺")}))
    walk("s_motion_declined", selection, lambda run: run.do("analysis", sel.ANALYSIS),
         lambda run: run.do("motion", sel.MOTION),
         lambda run: run.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动",
                                               **sel.terminating("暂不启动")}))
    walk("s_rejected", selection, *to_vote,
         lambda run: sel.vote(run, dict.fromkeys(sel.MEMBERS, "reject"), secretary="reject"))
    walk("s_cancelled", selection, *appointed("2026-09-21"), stop="dossier_review")
    with bureau.sessions.begin() as session:
        commands.cancel_case(session, bureau.people["organiser"], bureau.clock.now(), out["s_cancelled"],
                             "岗位调整，本次选拔终止")

    rotation = [rot.screen, lambda run: rot.plan(run, "SJYY", "科长"), rot.consult,
                lambda run: rot.decide(run, "2026-09-21"), rot.notify, lambda run: rot.hand_over(run, "2026-10-14")]
    for name, stop in (("r_talk", "talk_with_cadre"), ("r_vote", "cast_ballot"), ("r_handover", "handover"),
                       ("r_full", None)):
        walk(name, lambda: rot.start(bureau, "QP0001"), *rotation, stop=stop)
    walk("r_deferral", lambda: rot.start(bureau, "QP0043"), rot.screen,
         lambda run: rot.plan(run, "WLAQ", "副科长", defer=True),
         lambda run: rot.deferral(run, True, "2026-09-08", until="2026-12-01"), stop="deferral_review")
    walk("r_not_transferable", lambda: rot.start(bureau, "QP0003", "unsuitable"),
         lambda run: rot.screen(run, exclusion="probation"))

    def second_line():
        bureau.clock.at = beijing("2026-03-02 09:00")
        return line.start(bureau)

    exit_walk = [lambda run: line.exit_all_the_way(run, filing=True)]
    walk("l_proposal", second_line, *exit_walk, stop="prepare_proposal")
    walk("l_vote", second_line, *exit_walk, stop="cast_ballot")
    walk("l_upper_consent", second_line, lambda run: line.propose_retain(run, run.data()["window_due"]),
         line.decide, lambda run: line.consent(run, agreed=True), stop="upper_consent")
    walk("l_full", second_line, *exit_walk)
    return out


def _bureau(sessions, clock):
    """The driver's bureau; a case's timers fire alone, so that walking one case never moves another."""
    sys.path.insert(0, str(ROOT))
    from tests.procedures import driver

    class Run(driver.CaseRun):
        stop, stopped = None, False

        def _check(self, step):
            if step == self.stop:
                self.stopped = True
                raise _Stop

        def do(self, bpmn_id, *args, **kwargs):
            self._check(bpmn_id)
            return super().do(bpmn_id, *args, **kwargs)

        def wait_for(self, timer):
            self._check(timer)
            timers = self.timers()
            assert timer in timers, f"{timer} not waiting; open {self.pending()}, timers {timers}, data {self.data()}"
            due = timers[timer]
            self.bureau.clock.at = due + timedelta(minutes=1)
            with self.bureau.sessions.begin() as session:
                triggers.fire_timers(session, self.id, self.bureau.clock.now())
            return due

    class Bureau(driver.Bureau):
        def start(self, process, data=None, *, cadre=None, title="", policy=driver.DEFAULT_POLICY):
            # The bench keeps cases of one cadre at several stages side by side: each start past the first
            # is an override with its reason, as the office would give it.
            with self.sessions.begin() as session:
                answer = commands.start_case(session, self.people["organiser"], self.clock.now(), process, title,
                                             data, cadre_staff_no=cadre, policy=policy,
                                             override_reason="基准数据：同一干部不同阶段的样本案件" if cadre else None)
            return Run(self, answer["id"])

    return Bureau(sessions, clock, MODELS)


def _users(sessions, bureau) -> dict[str, list[int]]:
    """Add the extra users of each team; {team: user ids} (the driver's people first)."""
    teams = {}
    with sessions.begin() as session:
        for team, (people, extra, roles) in TEAMS.items():
            ids = [bureau.people[name].user_id for name in people]
            for n in range(len(people) + 1, len(people) + extra + 1):
                user = accounts.create_user(session, f"{team}_{n:02d}", roles, password=PASSWORD, profile="fast")
                ids.append(user.id)
            teams[team] = ids
    return teams


def _fast_build(dbapi_connection, _record) -> None:
    """For the bulk inserts into SQLite only: no fsync, and a page cache that holds the indexes of random task ids."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")
    dbapi_connection.execute("PRAGMA cache_size=-1000000")


def _url(path_or_url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://…``, ``sqlite:///…``) as it is; a bare path is a SQLite file."""
    return path_or_url if "://" in str(path_or_url) else f"sqlite:///{path_or_url}"


def _engine(url: str, bulk: bool = False):
    """An engine for the build: PostgreSQL commits without waiting for the WAL flush (a benchmark database: a crash
    only means building it again); SQLite's bulk inserts without fsync."""
    if url.startswith("sqlite"):
        engine = make_engine(url)
        if bulk:
            event.listen(engine, "connect", _fast_build)
        return engine
    return make_engine(url, connect_args={"options": "-c synchronous_commit=off"})


def _after_bulk(conn, chain) -> None:
    """Move the record's head to the last cloned event; on PostgreSQL, the id sequences past the ids given."""
    conn.execute(update(AuditHead).values(seq=chain.seq, hash=chain.prev))
    if conn.dialect.name == "postgresql":
        for table in ("case", "timer", "audit_checkpoint"):
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                 f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))")
        conn.exec_driver_sql("ANALYZE")
    conn.commit()


def build(path_or_url: str, cases: int = 100_000, open_tasks: int = 10_000, seed: int = 1, *,
          signing_key: Path | None = None) -> dict:
    """Create and fill the database at ``path_or_url`` (a SQLite file, or an empty database's URL); what was built,
    with the build's timings. ``signing_key``: a PEM key file (made when missing) that signs a checkpoint every 100
    events, as a production instance does."""
    t0 = time.perf_counter()
    url = _url(path_or_url)
    db = _engine(url)
    upgrade(db)
    sessions = make_session_factory(db)
    bureau = _bureau(sessions, FixedClock(datetime(2026, 9, 1, 1, 0, tzinfo=UTC)))
    # The cases are walked before the bench's extra party-group members exist: the walk's meetings count the
    # driver's members only (with more members due, its six present would miss the quorum).
    templates = _drive(bureau)
    teams = _users(sessions, bureau)
    t1 = time.perf_counter()
    db.dispose()
    bulk = _engine(url, bulk=True)
    signer = None
    if signing_key is not None:
        key = Path(signing_key)
        signer = checkpoints.load_signer(key) if key.exists() else checkpoints.generate_key(key)
    rng = random.Random(seed)
    with bulk.connect() as conn:
        t = {name: bench_clone.Template(conn, name, case_id) for name, case_id in templates.items()}
        cadres = list(conn.scalars(select(Cadre.id)))
        scale = open_tasks / 10_000
        running = {name: round(n * scale) for name, n in RUNNING.items()}
        left = open_tasks - sum(x.open for x in t.values()) - sum(n * t[name].open for name, n in running.items())
        running[FILLER] = left // t[FILLER].open
        if running[FILLER] < 0:
            raise ValueError(f"--open {open_tasks} is too small for the running mix")
        finished = cases - len(t) - sum(running.values())
        weights = sum(FINISHED.values())
        plan = [(name, True) for name, n in running.items() for _ in range(n)]
        plan += [(name, False) for name, w in FINISHED.items() for _ in range(round(finished * w / weights))]
        plan += [(next(iter(FINISHED)), False)] * (cases - len(t) - len(plan))
        starts = []  # case ids grow with the start time, as they would
        for name, is_running in plan:
            span = t[name].span + timedelta(hours=1)
            window = timedelta(days=150) if is_running else timedelta(days=730) - span
            starts.append((NOW - span - window * rng.random(), name))
        # driver person id -> team, so that a clone has another member of the same team stand in
        team_of = {bureau.people[name].user_id: team for team, (names, _, _) in TEAMS.items() for name in names}
        cloner = bench_clone.Cloner(conn, teams, team_of, cadres, rng, signer)
        for started_at, name in sorted(starts):
            cloner.clone(t[name], started_at)
        cloner.flush(last=True)
        _after_bulk(conn, cloner.chain)
        status = dict(conn.execute(select(Case.status, func.count()).group_by(Case.status)).all())
        lanes = dict(conn.execute(select(HumanTask.lane, func.count()).where(HumanTask.status == "open")
                                  .group_by(HumanTask.lane)).all())
        totals = {table.__tablename__: conn.scalar(select(func.count()).select_from(table))
                  for table in (Case, HumanTask, AuditEvent, Timer)}
        per_case = Counter(conn.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.case_id.is_not(None)).group_by(AuditEvent.case_id)).scalars())
    bulk.dispose()
    return {"drive_s": t1 - t0, "clone_s": time.perf_counter() - t1, "templates": templates, "status": status,
            "open_by_lane": lanes, "totals": totals, "events_per_case": per_case}
