"""What arrived since a user's previous sign-in: new tasks, overdue tasks, and the cases they started that moved."""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from workflows import access
from workflows.actors import Actor
from workflows.engine.clock import parse_iso
from workflows.vocabulary import Event

SHOWN = 20


@dataclass
class Digest:
    """The news for the start page; ``since`` is the previous sign-in (None at the first)."""

    since: datetime | None
    new_tasks: list[HumanTask] = field(default_factory=list)
    overdue: list[HumanTask] = field(default_factory=list)
    moved: list[tuple[Case, int]] = field(default_factory=list)  # (case, events by others since)

    @property
    def empty(self) -> bool:
        return not (self.new_tasks or self.overdue or self.moved)


def _previous_sign_in(session: Session, actor: Actor) -> AuditEvent | None:
    # The latest sign-in is this session's own; the one before it is where "new" starts.
    return session.scalars(select(AuditEvent).where(AuditEvent.type == "user.login",
                                                    AuditEvent.actor_id == actor.user_id)
                           .order_by(AuditEvent.seq.desc()).limit(1).offset(1)).first()


def digest(session: Session, actor: Actor, at: datetime) -> Digest:
    """What is new for ``actor`` since their previous sign-in, and what of theirs is overdue now."""
    previous = _previous_sign_in(session, actor)
    since = parse_iso(previous.at) if previous else None
    news, mine = Digest(since), access.inbox_condition(actor)
    news.overdue = list(session.scalars(select(HumanTask).where(mine, HumanTask.due_at < at)
                                        .order_by(HumanTask.due_at).limit(SHOWN)))
    if previous is None:
        return news
    news.new_tasks = list(session.scalars(select(HumanTask).where(mine, HumanTask.created_at > since)
                                          .order_by(HumanTask.created_at.desc()).limit(SHOWN)))
    moved = session.execute(
        select(Case, func.count()).join(AuditEvent, AuditEvent.case_id == Case.id)
        .where(Case.started_by_id == actor.user_id, AuditEvent.seq > previous.seq,
               AuditEvent.actor_id.is_distinct_from(actor.user_id), AuditEvent.type != Event.ACCESS_DENIED)
        .group_by(Case.id).order_by(func.max(AuditEvent.seq).desc()).limit(SHOWN)).all()
    news.moved = [(case, count) for case, count in moved]
    return news
