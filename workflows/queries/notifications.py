"""What arrived since a user's previous sign-in: new tasks, overdue tasks, and the cases they started that moved."""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from sqlalchemy import Row
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Case
from storage.models import CaseAuditHead
from storage.models import HumanTask
from workflows import access
from workflows.actors import Actor
from workflows.engine.clock import parse_iso
from workflows.vocabulary import Event

SHOWN = 20
LOGIN = "user.login"
# A starter of fewer cases than this has their cases' heads looked up one by one; of more, the newest heads are
# read a batch at a time until enough of theirs are found, MOST_HEADS at most: no read of every case or event.
FEW_CASES = 500
BATCH = 200
MOST_HEADS = 5_000


@dataclass
class Digest:
    """The news for the start page; ``since`` is the previous sign-in (None at the first)."""

    since: datetime | None
    new_tasks: list[tuple[HumanTask, str]] = field(default_factory=list)  # (task, its case's title)
    overdue: list[tuple[HumanTask, str]] = field(default_factory=list)
    moved: list[tuple[Row, int]] = field(default_factory=list)  # ((case id, title), events by others since)

    @property
    def empty(self) -> bool:
        return not (self.new_tasks or self.overdue or self.moved)


def _previous_sign_in(session: Session, actor: Actor) -> AuditEvent | None:
    # The latest sign-in is this session's own; the one before it is where "new" starts. The type is written into
    # the SQL, not bound: only then may PostgreSQL's generic plans use the partial index of sign-ins (0017).
    return session.scalars(select(AuditEvent).where(AuditEvent.type == literal(LOGIN, literal_execute=True),
                                                    AuditEvent.actor_id == actor.user_id)
                           .order_by(AuditEvent.seq.desc()).limit(1).offset(1)).first()


def _tasks(session: Session, condition, *order) -> list[tuple[HumanTask, str]]:
    """Up to SHOWN tasks with their case's title: their ids from the open tasks' index alone (every column the
    condition and the order read is in it), then only those rows, not every matching one, before the sort."""
    order = (*order, HumanTask.id)
    keys = select(HumanTask.id).where(condition).order_by(*order).limit(SHOWN).subquery()
    return [tuple(row) for row in session.execute(
        select(HumanTask, Case.title).join(keys, keys.c.id == HumanTask.id).join(Case, Case.id == HumanTask.case_id)
        .order_by(*order))]


def _by_others(actor: Actor, after_seq: int):
    """The events after ``after_seq`` by someone else than ``actor``, refused attempts left out."""
    return ((AuditEvent.seq > after_seq) & AuditEvent.actor_id.is_distinct_from(actor.user_id)
            & (AuditEvent.type != Event.ACCESS_DENIED))


def _candidates(session: Session, actor: Actor, after_seq: int):
    """Batches of the ids of cases ``actor`` started whose newest event is past ``after_seq``, newest first."""
    mine = select(Case.id).where(Case.started_by_id == actor.user_id)
    started = session.scalar(select(func.count()).select_from(mine.limit(FEW_CASES).subquery()))
    if started and started < FEW_CASES:
        yield list(session.scalars(select(CaseAuditHead.case_id).where(
            CaseAuditHead.seq > after_seq, CaseAuditHead.case_id.in_(mine)).order_by(CaseAuditHead.seq.desc())))
        return
    below = None
    for _ in range(MOST_HEADS // BATCH if started else 0):
        # The planner cannot know that the newest heads hold enough of the starter's cases: it would read all of
        # them and sort; a batch of heads in order, then which of them are theirs (ix_case_started_by_id), cannot.
        heads = select(CaseAuditHead.case_id, CaseAuditHead.seq).where(CaseAuditHead.seq > after_seq)
        if below is not None:
            heads = heads.where(CaseAuditHead.seq < below)
        rows = session.execute(heads.order_by(CaseAuditHead.seq.desc()).limit(BATCH)).all()
        if not rows:
            return
        below = rows[-1].seq
        theirs = set(session.scalars(mine.where(Case.id.in_([row.case_id for row in rows]))))
        yield [row.case_id for row in rows if row.case_id in theirs]


def _moved(session: Session, actor: Actor, after_seq: int) -> list[tuple[Row, int]]:
    """The cases ``actor`` started in which others acted after ``after_seq``, the latest moved first.

    A case's head row holds its newest event, so only cases whose head is past ``after_seq`` can have moved: their
    events since are counted a few cases at a time, until SHOWN cases have some by others.
    """
    shown: dict[int, int] = {}
    for batch in _candidates(session, actor, after_seq):
        for start in range(0, len(batch), SHOWN):
            ids = batch[start:start + SHOWN]
            counts = dict(session.execute(select(AuditEvent.case_id, func.count()).where(
                AuditEvent.case_id.in_(ids), _by_others(actor, after_seq)).group_by(AuditEvent.case_id)).all())
            shown.update((case_id, counts[case_id]) for case_id in ids if case_id in counts)
            if len(shown) >= SHOWN:
                break
        if len(shown) >= SHOWN:
            break
    picked = list(shown)[:SHOWN]
    if not picked:
        return []
    # The id and title are all the page shows: a Case would bring its process version's forms, parsed, with it.
    cases = {row.id: row for row in session.execute(select(Case.id, Case.title).where(Case.id.in_(picked)))}
    return [(cases[case_id], shown[case_id]) for case_id in picked]


def digest(session: Session, actor: Actor, at: datetime) -> Digest:
    """What is new for ``actor`` since their previous sign-in, and what of theirs is overdue now."""
    previous = _previous_sign_in(session, actor)
    since = parse_iso(previous.at) if previous else None
    news, mine = Digest(since), access.inbox_condition(actor)
    news.overdue = _tasks(session, mine & (HumanTask.due_at < at), HumanTask.due_at)
    if previous is None:
        return news
    news.new_tasks = _tasks(session, mine & (HumanTask.created_at > since), HumanTask.created_at.desc())
    news.moved = _moved(session, actor, previous.seq)
    return news
