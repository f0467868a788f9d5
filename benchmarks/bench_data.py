"""The page benchmark's database: real cases driven through the commands, then cloned in bulk."""

import random
import sys
import time
import uuid
from collections import Counter
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from storage import make_engine
from storage import make_session_factory
from storage.migrate import upgrade
from storage.models import AuditEvent
from storage.models import AuditHead
from storage.models import Cadre
from storage.models import Case
from storage.models import CaseAuditHead
from storage.models import HumanTask
from storage.models import Timer
from storage.models import User
from workflows import accounts
from workflows import commands
from workflows import triggers
from workflows.clock import FixedClock
from workflows.clock import iso

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
CLAIMED = 0.1  # share of open lane tasks someone has claimed
BATCH = 2000  # cases per insert transaction


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

    def appointed(day):  # each appointment of the same cadre must start later than the one before
        return [*to_vote[:-1], lambda run: sel.meeting(run, day=day),
                lambda run: sel.vote(run, dict.fromkeys(sel.MEMBERS, "approve")), sel.publish,
                lambda run: run.wait_for("publicity_period"), sel.appoint, lambda run: sel.probation(run, "confirmed")]

    for n, (name, stop) in enumerate((
            ("s_analysis", "analysis"), ("s_motion_consent", "motion_consent"),
            ("s_screening", "eligibility_screening"), ("s_inspection", "organizational_inspection"),
            ("s_checks", "dossier_review"), ("s_vote", "cast_ballot"), ("s_publicity", "publicity_period"),
            ("s_filing", "filing"), ("s_probation", "probation_year"), ("s_full", None))):
        walk(name, selection, *appointed(f"2026-09-{max(n - 7, 0) + 21}"), stop=stop)
    walk("s_upper_review", selection, lambda run: sel.to_work_plan(run, upper_report=True), stop="upper_report_review")
    walk("s_no_vacancy", selection, lambda run: run.do("analysis", {**sel.ANALYSIS, "vacancy_exists": False}))
    walk("s_motion_declined", selection, lambda run: run.do("analysis", sel.ANALYSIS),
         lambda run: run.do("motion", sel.MOTION),
         lambda run: run.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动"}))
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
            due = self.timers()[timer]
            self.bureau.clock.at = due + timedelta(minutes=1)
            with self.bureau.sessions.begin() as session:
                triggers.fire_timers(session, self.id, self.bureau.clock.now())
            return due

    class Bureau(driver.Bureau):
        def start(self, *args, **kwargs):
            return Run(self, super().start(*args, **kwargs).id)

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


def _rows(conn, table, column, value, order):
    return [dict(row._mapping) for row in conn.execute(select(table).where(column == value).order_by(order))]


class _Template:
    """One driven case's rows, to clone; ``span`` runs from its start to its last event."""

    def __init__(self, conn, name, case_id):
        self.name = name
        self.case = conn.execute(select(Case.__table__).where(Case.id == case_id)).one()._asdict()
        self.tasks = _rows(conn, HumanTask.__table__, HumanTask.case_id, case_id, HumanTask.created_at)
        self.events = _rows(conn, AuditEvent.__table__, AuditEvent.case_id, case_id, AuditEvent.seq)
        self.timers = _rows(conn, Timer.__table__, Timer.case_id, case_id, Timer.id)
        self.at = [datetime.fromisoformat(e["at"]) for e in self.events]
        self.span = self.at[-1] - self.case["started_at"]
        self.open = sum(task["status"] == "open" for task in self.tasks)


def _shift(value, delta):
    return value + delta if value is not None else None


class _Cloner:
    def __init__(self, conn, teams, people, cadres, rng):
        self.conn, self.teams, self.cadres, self.rng = conn, teams, cadres, rng
        self.case_id = conn.scalar(select(func.max(Case.id)))
        self.seq = conn.scalar(select(func.max(AuditEvent.seq)))
        self.names = dict(conn.execute(select(User.id, User.username)).all())
        # driver person id -> team, to stand in another member of the same team
        self.team_of = {people[name].user_id: team for team, (names, _, _) in TEAMS.items() for name in names}
        self.batch = {"case": [], "task": [], "event": [], "timer": [], "head": []}

    def _people(self):
        """Who plays each driver person in one clone: distinct members of the party group, others at random."""
        members = iter(self.rng.sample(self.teams["party_group"], 6))
        return {uid: next(members) if team == "party_group" else self.rng.choice(self.teams[team])
                for uid, team in self.team_of.items()}

    def clone(self, t: _Template, started_at: datetime) -> None:
        self.case_id += 1
        case_id, delta, who = self.case_id, started_at - t.case["started_at"], self._people()
        case = {**t.case, "id": case_id, "started_at": started_at, "ended_at": _shift(t.case["ended_at"], delta),
                "next_timer_at": _shift(t.case["next_timer_at"], delta),
                "title": f"{t.case['title']}（{started_at.year}-{case_id:06d}）",
                "started_by_id": who.get(t.case["started_by_id"], t.case["started_by_id"])}
        if case["cadre_id"] is not None:
            case["cadre_id"] = self.rng.choice(self.cadres)
        self.batch["case"].append(case)
        for task in t.tasks:
            row = {**task, "id": str(uuid.uuid4()), "case_id": case_id, "due_at": _shift(task["due_at"], delta),
                   "created_at": task["created_at"] + delta, "closed_at": _shift(task["closed_at"], delta),
                   "assignee_id": who.get(task["assignee_id"], task["assignee_id"]),
                   "completed_by_id": who.get(task["completed_by_id"], task["completed_by_id"])}
            if row["status"] == "open" and row["assignee_id"] is None and self.rng.random() < CLAIMED:
                row["claimed_by_id"] = self.rng.choice(self.teams[row["lane"]])
            self.batch["task"].append(row)
        for e, at in zip(t.events, t.at, strict=True):
            self.seq += 1
            actor_id = who.get(e["actor_id"], e["actor_id"])
            self.batch["event"].append({**e, "seq": self.seq, "case_id": case_id, "at": iso(at + delta),
                                        "actor_id": actor_id, "actor": self.names.get(actor_id, e["actor"])})
        self.batch["head"].append({"case_id": case_id, "seq": self.seq, "hash": t.events[-1]["hash"]})
        self.batch["timer"] += [{**timer, "id": None, "case_id": case_id, "due_at": timer["due_at"] + delta}
                                for timer in t.timers]
        if len(self.batch["case"]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for key, table in (("case", Case), ("task", HumanTask), ("event", AuditEvent), ("head", CaseAuditHead),
                           ("timer", Timer)):
            if self.batch[key]:
                self.conn.execute(insert(table.__table__), self.batch[key])
            self.batch[key] = []
        self.conn.commit()


def _fast_build(dbapi_connection, _record) -> None:
    """For the bulk inserts only: no fsync, and a page cache that holds the indexes of random task ids."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")
    dbapi_connection.execute("PRAGMA cache_size=-1000000")


def build(path: str, cases: int = 100_000, open_tasks: int = 10_000, seed: int = 1) -> dict:
    """Create and fill the database at ``path``; what was built, with the build's timings."""
    t0 = time.perf_counter()
    db = make_engine(f"sqlite:///{path}")
    upgrade(db)
    sessions = make_session_factory(db)
    bureau = _bureau(sessions, FixedClock(datetime(2026, 9, 1, 1, 0, tzinfo=UTC)))
    teams = _users(sessions, bureau)
    templates = _drive(bureau)
    t1 = time.perf_counter()
    db.dispose()
    bulk = make_engine(f"sqlite:///{path}")
    event.listen(bulk, "connect", _fast_build)
    rng = random.Random(seed)
    with bulk.connect() as conn:
        t = {name: _Template(conn, name, case_id) for name, case_id in templates.items()}
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
        cloner = _Cloner(conn, teams, bureau.people, cadres, rng)
        for started_at, name in sorted(starts):
            cloner.clone(t[name], started_at)
        cloner.flush()
        last = conn.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).one()
        conn.execute(update(AuditHead).values(seq=last.seq, hash=last.hash))
        conn.commit()
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
