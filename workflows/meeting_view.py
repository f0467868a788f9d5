"""The party-group meeting as the secretary follows it: who is due and present, who has voted, the running tally."""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from storage.models import User
from workflows import audit
from workflows.rules.meetings import party_group_decision

MEETING, BALLOT, CLOSING = "party_group_meeting", "cast_ballot", "secretary_ballot"
CHOICES = ("approve", "reject", "defer")


@dataclass
class Board:
    """The latest round of a case's party-group vote."""

    members_due: int
    present: int
    recused: list[str]
    voted: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    tally: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHOICES, 0))
    arithmetic: str = ""
    closed: bool = False


def board(session: Session, case: Case) -> Board | None:
    """The running vote of ``case`` (None before its first meeting is recorded)."""
    events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                      AuditEvent.type == "task.completed")
                             .order_by(AuditEvent.seq)).all()
    rounds = [i for i, event in enumerate(events) if audit.payload_of(event).get("bpmn_id") == MEETING]
    if not rounds:
        return None
    meeting = audit.payload_of(events[rounds[-1]]).get("data") or {}
    recused = list(meeting.get("recused") or [])
    voting = [name for name in meeting.get("members_present") or [] if name not in recused]
    due, present = meeting["members_due"] - len(recused), len(voting) + 1  # the secretary counts and speaks last
    shown = Board(due, present, recused)
    for event in events[rounds[-1] + 1:]:
        payload = audit.payload_of(event)
        if payload.get("bpmn_id") == BALLOT:
            shown.voted.append(event.actor)
            shown.tally[payload["data"]["ballot"]] += 1
        elif payload.get("bpmn_id") == CLOSING:
            shown.closed = True
            shown.tally[payload["data"]["secretary_ballot"]] += 1
    open_ballots = session.execute(select(User.username).join(HumanTask, HumanTask.assignee_id == User.id).where(
        HumanTask.case_id == case.id, HumanTask.bpmn_id == BALLOT, HumanTask.status == "open")).scalars().all()
    shown.waiting = sorted(open_ballots)
    if present <= due and due > 0:
        shown.arithmetic = party_group_decision(due, present, min(shown.tally["approve"], present)).explanation
    return shown
