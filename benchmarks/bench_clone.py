"""Cloning the page benchmark's driven cases in bulk: new ids, moved times, other people of the same teams."""

import uuid
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from storage.models import CaseAuditHead
from storage.models import HumanTask
from storage.models import Timer
from storage.models import User
from workflows.engine.clock import iso

CLAIMED = 0.1  # share of open lane tasks someone has claimed
BATCH = 2000  # cases per insert transaction


def _rows(conn, table, column, value, order):
    return [dict(row._mapping) for row in conn.execute(select(table).where(column == value).order_by(order))]


class Template:
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


class Cloner:
    """Copies driven cases' rows under new ids, times moved and people swapped, in batches."""

    def __init__(self, conn, teams, team_of, cadres, rng):
        self.conn, self.teams, self.cadres, self.rng = conn, teams, cadres, rng
        self.case_id = conn.scalar(select(func.max(Case.id)))
        self.seq = conn.scalar(select(func.max(AuditEvent.seq)))
        self.names = dict(conn.execute(select(User.id, User.username)).all())
        self.team_of = team_of
        self.batch = {"case": [], "task": [], "event": [], "timer": [], "head": []}

    def _people(self):
        """Who plays each driver person in one clone: distinct members of the party group, others at random."""
        members = iter(self.rng.sample(self.teams["party_group"], 6))
        return {uid: next(members) if team == "party_group" else self.rng.choice(self.teams[team])
                for uid, team in self.team_of.items()}

    def clone(self, t: Template, started_at: datetime) -> None:
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
