"""Ballot secrecy: until the secretary closes a vote a member reads only their own ballot; secret votes show counts.

Every reader of a case's record goes through here: the pages' record, the API's case data and events, the
running board and the 纪实表. After the tally the office and the secretary read every ballot of an open vote
(口头 / 举手 / 记名投票); with 无记名投票 they read the counts only. Auditors read the full record: it is the
evidence they verify, and they neither vote nor chair the meeting.
"""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy.orm import Session

from storage.models import Case
from workflows.actors import Actor
from workflows.queries.case_reads import case_events
from workflows.record import audit
from workflows.text import t
from workflows.vocabulary import Event

MEETING = "party_group_meeting"
# Each ballot task and the fields of its form that carry the member's choice.
BALLOT_FIELDS = {"cast_ballot": ("ballot", "opinion"), "secretary_ballot": ("secretary_ballot", "secretary_opinion")}
CLOSING = "secretary_ballot"
SECRET = "secret_ballot"
# Case-data keys that hold a choice: the member ballots collected by the multi-instance and the secretary's.
DATA_KEYS = ("ballot", "opinion", "ballots", "secretary_ballot", "secretary_opinion")
READ_AFTER_TALLY = frozenset({"personnel_office", "party_secretary", "auditor"})
READ_ALWAYS = frozenset({"auditor"})
# The 表决方式 a meeting records (Chinese, English), as the meeting form offers them.
VOTE_METHODS = {"oral": ("口头表决", "Oral vote"), "show_of_hands": ("举手表决", "Show of hands"),
                "named_ballot": ("记名投票", "Named ballot"), "secret_ballot": ("无记名投票", "Secret ballot")}
# Who reads a filed paper (the 纪实表 PDF): the office's reading, so a secret vote is filed with its counts only.
FILED_READER = Actor(None, "", frozenset({"personnel_office"}))  # no user has an empty name
SEALED_OPEN = t("已表决，表决结束前保密")
SEALED_SECRET = t("无记名投票，仅公布票数")


@dataclass
class Round:
    """One party-group meeting's vote: how it was taken and whether the secretary has closed it."""

    method: str | None
    closed: bool = False
    ballots: list[int] = field(default_factory=list)  # seqs of its ballot events


@dataclass
class Secrecy:
    """Which ballots of a case a reader may not see; built once from the case's events."""

    viewer: Actor | None
    rounds: list[Round]
    round_of: dict[int, Round]  # ballot event seq → its round
    author_of: dict[int, str]  # ballot event seq → who cast it

    def hides(self, seq: int) -> str | None:
        """The seal text when the reader may not see the ballot event ``seq`` (None: not a ballot, or visible)."""
        found = self.round_of.get(seq)
        if found is None or self.viewer is None or self.author_of.get(seq) == self.viewer.username:
            return None
        return _seal(found, self.viewer)

    def data_seal(self) -> str | None:
        """The seal text when the reader may not see the choices held in the case data (the latest round)."""
        if self.viewer is None or not self.rounds:
            return None
        return _seal(self.rounds[-1], self.viewer)


def _seal(found: Round, viewer: Actor) -> str | None:
    if viewer.roles & READ_ALWAYS:
        return None
    if not found.closed:
        return SEALED_OPEN
    if found.method == SECRET:
        return SEALED_SECRET
    return None if viewer.roles & READ_AFTER_TALLY else SEALED_OPEN


def for_reader(events: list, viewer: Actor | None, case_running: bool = True) -> Secrecy:
    """The secrecy of a case's ballots for ``viewer`` (None: the full record, as the bundle and replay read it)."""
    rounds: list[Round] = []
    round_of, author_of = {}, {}
    for event in events:
        if event.type != Event.TASK_COMPLETED:
            continue
        payload = audit.payload_of(event)
        bpmn_id = payload.get("bpmn_id")
        if bpmn_id == MEETING:
            rounds.append(Round((payload.get("data") or {}).get("vote_method")))
        elif bpmn_id in BALLOT_FIELDS and rounds:
            round_of[event.seq], author_of[event.seq] = rounds[-1], event.actor
            rounds[-1].ballots.append(event.seq)
            rounds[-1].closed |= bpmn_id == CLOSING
    if not case_running:  # a case withdrawn or ended mid-vote has no vote left to influence
        for each in rounds:
            each.closed = True
    return Secrecy(viewer, rounds, round_of, author_of)


def sealed_data(data: dict, seal: str) -> dict:
    """Form or case data with every choice replaced by the seal text."""
    return {key: (seal if key in DATA_KEYS else value) for key, value in data.items()}


def event_payload(secrecy: Secrecy, event) -> dict:
    """The payload of ``event`` as the reader may see it (``"sealed"`` says why a ballot is withheld)."""
    payload = audit.payload_of(event)
    seal = secrecy.hides(event.seq)
    if seal is None:
        return payload
    return {**payload, "data": {key: seal for key in BALLOT_FIELDS[payload["bpmn_id"]]
                                if key in (payload.get("data") or {})}, "sealed": seal}


def readable_data(session: Session, case: Case, data: dict, viewer: Actor | None) -> dict:
    """Case data as ``viewer`` may read it: the choices of a vote they may not see are sealed."""
    if viewer is None or viewer.roles & READ_ALWAYS or not any(key in data for key in DATA_KEYS):
        return data
    seal = for_reader(case_events(session, case.id), viewer, case.status == "running").data_seal()
    return sealed_data(data, seal) if seal else data
