"""A real, signed record to attack: cases driven through the commands, then many events appended in bulk."""

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditHead
from tests.conftest import DATA
from workflows import accounts
from workflows import commands
from workflows.actors import SYSTEM
from workflows.actors import Actor
from workflows.commands import triggers
from workflows.engine.clock import FixedClock
from workflows.processes import deploy
from workflows.record import audit
from workflows.record import checkpoints
from workflows.record.checkpoints import Checkpoint
from workflows.record.checkpoints import Signer

PROCESS = "two_lane_review"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PREPARED = {"candidate": "张三", "years_in_post": 3}
REJECTED = {"approved": False, "opinion": "再议：征求意见不够充分"}
APPROVED = {"approved": True, "opinion": "同意，按程序公示"}
# One case's road through the two-lane process: (task, who, data); None is the publicity timer.
ROAD = [("prepare", "organiser", PREPARED), ("review", "secretary", REJECTED),
        ("prepare", "organiser", {**PREPARED, "candidate": "李四"}), ("review", "secretary", APPROVED), None]
NAMES = ["王建国", "李红梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄晓燕"]
OPINIONS = ["政治坚定，作风扎实，群众公认度高", "民主推荐得票过半，建议列为考察对象", "公示期间未收到反映",
            "征求纪检监察意见：无问题线索", "个人有关事项报告查核一致", "试用期满考核称职"]
CASE_TYPES = ("task.completed", "task.claimed", "task.unclaimed", "message.received")
SYSTEM_TYPES = ("timer.fired", "reminder.sent", "registry.synced")


@dataclass
class SignedLog:
    """What the auditor knows of a built log: its length, the checkpoints, and the one kept outside."""

    last_seq: int
    checkpoint_seqs: list[int]
    kept: Checkpoint  # the newest checkpoint, exported with to_text and read back
    signer: Signer
    case_ids: list[int]

    @property
    def trusted_keys(self) -> set[str]:
        return {self.signer.public_key}


class _Builder:
    """Appends to one session and signs a checkpoint whenever ``every`` events came since the last."""

    def __init__(self, session: Session, signer: Signer, clock: FixedClock, every: int, rng: random.Random):
        self.session, self.signer, self.clock, self.every, self.rng = session, signer, clock, every, rng
        self.signed_until, self.checkpoint_seqs = 0, []
        self.people = {name: accounts.actor_for(accounts.create_user(session, name, [role], password="pw-123456789",
                                                                     profile="fast"))
                       for name, role in (("organiser", "personnel_office"), ("secretary", "party_secretary"))}

    def head(self) -> int:
        return self.session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))

    def sign_if_due(self, head: int, force: bool = False) -> None:
        if head - self.signed_until >= self.every or (force and head > self.signed_until):
            checkpoints.make(self.session, self.signer, self.clock.now())
            self.signed_until = head
            self.checkpoint_seqs.append(head)

    def drive(self, cases: int) -> list[int]:
        """Start ``cases`` cases through the commands; each goes a random way along :data:`ROAD`."""
        organiser = self.people["organiser"]
        deploy.deploy(self.session, deploy.bundle_from_paths([DATA / "two_lane.bpmn"]), organiser, self.clock.now())
        case_ids = []
        for number in range(cases):
            self.clock.advance(minutes=7)
            case_id = commands.start_case(self.session, organiser, self.clock.now(), PROCESS, f"案件{number}")["id"]
            case_ids.append(case_id)
            self.sign_if_due(self.head())
            for step in ROAD[:self.rng.randint(0, len(ROAD))]:
                self._take(case_id, step)
                self.sign_if_due(self.head())
        return case_ids

    def _take(self, case_id: int, step) -> None:
        if step is None:
            self.clock.advance(days=5, seconds=1)  # SpiffWorkflow fires a timer only after its due time
            triggers.fire_timers(self.session, case_id, self.clock.now())
            return
        bpmn_id, who, data = step
        self.clock.advance(minutes=11)
        task = next(row for row in commands.open_tasks(self.session, case_id) if row.bpmn_id == bpmn_id)
        commands.complete_task(self.session, self.people[who], self.clock.now(), task.id, data)

    def append(self, case_ids: list[int], seq: int) -> int:
        """Event ``seq`` in the style of the commands: a case's, a user's without a case, or the system's."""
        rng = self.rng
        self.clock.advance(seconds=rng.randint(1, 90))
        kind = rng.random()
        case_id = rng.choice(case_ids) if kind < 0.75 else None
        actor: Actor = SYSTEM if kind > 0.9 else self.people[rng.choice(("organiser", "secretary"))]
        if actor is not SYSTEM:
            actor = actor.acting_as("personnel_office" if actor.username == "organiser" else "party_secretary")
        payload = {"serial": seq, "note": rng.choice(OPINIONS),
                   "data": {"candidate": rng.choice(NAMES), "years_in_post": rng.randint(1, 9)}}
        state_digest = hashlib.sha256(f"state {seq}".encode()).hexdigest() if case_id else None
        kind_types = CASE_TYPES if case_id and actor is not SYSTEM else SYSTEM_TYPES
        return audit.append(self.session, type_=rng.choice(kind_types), actor=actor, at=self.clock.now(),
                            payload=payload, case_id=case_id, state_digest=state_digest).seq


def build(session: Session, signer: Signer, *, events: int, every: int = 100, real_cases: int = 4,
          seed: int = 0, commit_every: int | None = None) -> SignedLog:
    """Fill an empty, migrated database through ``session`` up to ``events`` events, all signed.

    Commits every ``commit_every`` appended events (None: the caller ends the one transaction).
    """
    rng = random.Random(seed)
    clock = FixedClock(START)
    builder = _Builder(session, signer, clock, every, rng)
    case_ids = builder.drive(real_cases)
    head = builder.head()
    while head < events:
        head = builder.append(case_ids, head + 1)
        builder.sign_if_due(head)
        if commit_every and head % commit_every == 0:
            session.commit()
    builder.sign_if_due(head, force=True)
    if commit_every:
        session.commit()
    newest = checkpoints.from_row(checkpoints.latest(session))
    kept = checkpoints.parse_text(newest.to_text())
    return SignedLog(head, builder.checkpoint_seqs, kept, signer, case_ids)

