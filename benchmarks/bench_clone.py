"""Cloning the page benchmark's driven cases in bulk: new ids, moved times, other people, a record that verifies."""

import re
import uuid
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from storage.models import AuditCheckpoint
from storage.models import AuditEvent
from storage.models import Case
from storage.models import CaseAuditHead
from storage.models import HumanTask
from storage.models import Timer
from storage.models import User
from workflows.record import checkpoints
from workflows.record.canonical import digest_with_text

CLAIMED = 0.1  # share of open lane tasks someone has claimed
BATCH = 2000  # cases per insert transaction
EVERY = 100  # events per signed checkpoint, as CADREFLOW_CHECKPOINT_EVERY
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HASHED = ("seq", "case_id", "type", "actor_id", "actor", "role", "at", "state_digest", "case_prev_hash",
          "prev_hash")


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
        for timer in self.timers:
            del timer["id"]  # the database numbers the clones' timers (PostgreSQL refuses an explicit NULL)
        self.at = [datetime.fromisoformat(e["at"]) for e in self.events]
        self.span = self.at[-1] - self.case["started_at"]
        self.open = sum(task["status"] == "open" for task in self.tasks)
        # A running case's tasks are found in its workflow state by their Spiff UUIDs: a clone renames them all.
        self.running = self.case["status"] == "running"


def _shift(value, delta):
    return value + delta if value is not None else None


class Chain:
    """Appends events after the record's head, hashed and linked as ``workflows.record.audit.append`` does, and
    signs a checkpoint every EVERY events as ``checkpoints.make`` does when ``signer`` is given."""

    def __init__(self, conn, signer: checkpoints.Signer | None):
        self.signer = signer
        last = conn.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
                            .order_by(AuditEvent.seq.desc()).limit(1)).one()
        self.seq, self.prev, self.at = last.seq, last.hash, last.at
        signed = conn.scalar(select(func.max(AuditCheckpoint.seq))) or 0
        self.signed_from = signed
        self.unsigned = list(conn.scalars(select(AuditEvent.hash).where(AuditEvent.seq > signed)
                                          .order_by(AuditEvent.seq))) if signer else []
        self.checkpoints = []

    def append(self, row: dict, case_prev: str | None) -> dict:
        self.seq += 1
        row.update(seq=self.seq, case_prev_hash=case_prev, prev_hash=self.prev)
        row["hash"] = self.prev = digest_with_text({k: row[k] for k in HASHED}, "payload", row["payload"])
        self.at = row["at"]
        if self.signer:
            self.unsigned.append(self.prev)
            if len(self.unsigned) >= EVERY:
                self.sign()
        return row

    def sign(self) -> None:
        if not self.unsigned:
            return
        hashes = tuple(self.unsigned)
        made = self.signer.sign(checkpoints.Checkpoint(self.seq, self.prev, self.at, self.signed_from,
                                                       checkpoints.hashes_digest(hashes), self.signer.public_key))
        self.checkpoints.append({"seq": self.seq, "hash": self.prev, "at": self.at, "from_seq": self.signed_from,
                                 "hashes": "\n".join(hashes), "key_id": self.signer.key_id,
                                 "public_key": self.signer.public_key, "signature": made.signature,
                                 "made_by": "bench"})
        self.signed_from, self.unsigned = self.seq, []


class Cloner:
    """Copies driven cases' rows under new ids, times moved and people swapped, in batches.

    A clone's record is its template's events as they were recorded (times, payloads and state digests kept, so
    that its replay reproduces every digest; a running clone's task UUIDs renamed), under the clone's people and
    chained afresh after the head; only the case's and its tasks' columns move to the clone's start.
    """

    def __init__(self, conn, teams, team_of, cadres, rng, signer: checkpoints.Signer | None = None):
        self.conn, self.teams, self.cadres, self.rng = conn, teams, cadres, rng
        self.case_id = conn.scalar(select(func.max(Case.id)))
        self.chain = Chain(conn, signer)
        self.names = dict(conn.execute(select(User.id, User.username)).all())
        self.team_of = team_of
        self.batch = {"case": [], "task": [], "event": [], "head": [], "timer": []}

    def _people(self):
        """Who plays each driver person in one clone: distinct members of the party group, others at random."""
        members = iter(self.rng.sample(self.teams["party_group"], 6))
        return {uid: next(members) if team == "party_group" else self.rng.choice(self.teams[team])
                for uid, team in self.team_of.items()}

    def clone(self, t: Template, started_at: datetime) -> None:
        self.case_id += 1
        case_id, delta, who = self.case_id, started_at - t.case["started_at"], self._people()
        renamed = {}

        def rename(text):
            if not t.running or text is None:
                return text
            return UUID.sub(lambda m: renamed.get(m[0]) or renamed.setdefault(m[0], str(uuid.uuid4())), text)

        case = {**t.case, "id": case_id, "started_at": started_at, "ended_at": _shift(t.case["ended_at"], delta),
                "next_timer_at": _shift(t.case["next_timer_at"], delta), "workflow_state": rename(t.case[
                    "workflow_state"]), "title": f"{t.case['title']}（{started_at.year}-{case_id:06d}）",
                "started_by_id": who.get(t.case["started_by_id"], t.case["started_by_id"])}
        if case["cadre_id"] is not None:
            case["cadre_id"] = self.rng.choice(self.cadres)
        self.batch["case"].append(case)
        for task in t.tasks:
            row = {**task, "id": renamed.get(task["id"]) or str(uuid.uuid4()), "case_id": case_id,
                   "due_at": _shift(task["due_at"], delta), "created_at": task["created_at"] + delta,
                   "closed_at": _shift(task["closed_at"], delta),
                   "assignee_id": who.get(task["assignee_id"], task["assignee_id"]),
                   "completed_by_id": who.get(task["completed_by_id"], task["completed_by_id"])}
            if row["status"] == "open" and row["assignee_id"] is None and self.rng.random() < CLAIMED:
                row["claimed_by_id"] = self.rng.choice(self.teams[row["lane"]])
            self.batch["task"].append(row)
        last = None
        for e in t.events:
            actor_id = who.get(e["actor_id"], e["actor_id"])
            last = self.chain.append({**e, "case_id": case_id, "actor_id": actor_id, "payload": rename(e["payload"]),
                                      "actor": self.names.get(actor_id, e["actor"])}, last and last["hash"])
            self.batch["event"].append(last)
        self.batch["head"].append({"case_id": case_id, "seq": last["seq"], "hash": last["hash"]})
        self.batch["timer"] += [{**timer, "case_id": case_id, "due_at": timer["due_at"] + delta,
                                 "task_id": renamed.get(timer["task_id"], timer["task_id"])} for timer in t.timers]
        if len(self.batch["case"]) >= BATCH:
            self.flush()

    def flush(self, last: bool = False) -> None:
        """Write the batch; ``last``: also sign the events left and move the record's head to the last one."""
        if last and self.chain.signer:
            self.chain.sign()
        for key, table in (("case", Case), ("task", HumanTask), ("event", AuditEvent), ("head", CaseAuditHead),
                           ("timer", Timer)):
            if self.batch[key]:
                self.conn.execute(insert(table.__table__), self.batch[key])
            self.batch[key] = []
        if self.chain.checkpoints:
            self.conn.execute(insert(AuditCheckpoint.__table__), self.chain.checkpoints)
            self.chain.checkpoints = []
        self.conn.commit()
