"""The party-group meeting as the secretary follows it (who is due, present, has voted, the tally) and as recorded."""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from storage.models import User
from workflows.actors import Actor
from workflows.queries.ballot_secrecy import READ_ALWAYS
from workflows.record import audit
from workflows.rules.meetings import party_group_decision
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.vocabulary import Event

MEETING, BALLOT, CLOSING = "party_group_meeting", "cast_ballot", "secretary_ballot"
CHOICES = ("approve", "reject", "defer")


@dataclass
class Board:
    """The latest round of a case's party-group vote."""

    members_due: int
    present: int
    recused: list[str]
    method: str | None = None
    voted: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    tally: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHOICES, 0))
    arithmetic: str = ""
    closed: bool = False
    tally_shown: bool = True


def board(session: Session, case: Case, viewer: Actor | None = None) -> Board | None:
    """The running vote of ``case`` (None before its first meeting is recorded).

    The running tally is for the presiding secretary, who speaks last, and for auditors; the others read the
    counts once the vote is closed (see :mod:`workflows.ballot_secrecy`).
    """
    events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                      AuditEvent.type.in_((Event.CASE_STARTED, Event.TASK_COMPLETED)))
                             .order_by(AuditEvent.seq)).all()
    started = next((audit.payload_of(event) for event in events if event.type == Event.CASE_STARTED), {})
    rounds = [i for i, event in enumerate(events) if audit.payload_of(event).get("bpmn_id") == MEETING]
    if not rounds:
        return None
    meeting = audit.payload_of(events[rounds[-1]]).get("data") or {}
    recused = list(meeting.get("recused_names") or meeting.get("recused") or [])
    if "members_present_count" in meeting:
        due, present = meeting["members_due"], meeting["members_present_count"]
    else:  # versions before issue 11 took recused members off both counts
        voting = [name for name in meeting.get("members_present") or [] if name not in (meeting.get("recused") or [])]
        due, present, recused = meeting["members_due"] - len(recused), len(voting) + 1, []
    shown = Board(due, present, recused, meeting.get("vote_method"))
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
    names = dict(session.execute(select(User.username, User.display_name).where(
        User.username.in_([*shown.voted, *open_ballots]))).all())
    shown.voted = [names.get(name) or name for name in shown.voted]
    shown.waiting = [names.get(name) or name for name in sorted(open_ballots)]
    presiding = viewer is not None and viewer.username == meeting.get("secretary", viewer.username) \
        and "party_secretary" in viewer.roles
    shown.tally_shown = viewer is None or shown.closed or presiding or bool(viewer.roles & READ_ALWAYS)
    if not shown.tally_shown:
        shown.tally = dict.fromkeys(CHOICES, 0)
    elif present <= due and due > 0:
        record = (started.get("data") or {}).get("policy")
        policy = Policy.from_mapping(record) if record else DEFAULT_POLICY
        approve = min(shown.tally["approve"], present - len(recused))
        shown.arithmetic = party_group_decision(due, present, approve, policy, recused=len(recused),
                                                recused_names=recused).explanation
    return shown


@dataclass
class VoteRound:
    """One sitting of the party group: the meeting's record and each ballot in the order cast."""

    seq: int
    meeting: dict
    ballots: list[tuple[str, str, str, str]] = field(default_factory=list)  # (at, who, choice, opinion)


def vote_rounds(events) -> list[VoteRound]:
    """The party-group votes of a case's events: each meeting, then its members' and the secretary's ballots."""
    rounds = []
    for event in events:
        payload = audit.payload_of(event) if event.type == Event.TASK_COMPLETED else {}
        task, data = payload.get("bpmn_id"), payload.get("data") or {}
        if task == MEETING:
            rounds.append(VoteRound(event.seq, data))
        elif task == BALLOT and rounds:
            rounds[-1].ballots.append((event.at, event.actor, data.get("ballot"), data.get("opinion") or ""))
        elif task == CLOSING and rounds:
            rounds[-1].ballots.append((event.at, event.actor, data.get("secretary_ballot"),
                                       data.get("secretary_opinion") or ""))
    return rounds
