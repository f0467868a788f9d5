"""Per-member tasks: a multi-instance vote gives each member their own ballot, which only they may cast."""

import pytest

from storage.models import Case
from tests.conftest import DATA
from tests.conftest import make_actor
from workflows import commands
from workflows.errors import Forbidden
from workflows.processes import deploy
from workflows.queries import case_reads
from workflows.queries import worklists
from workflows.record import replay

MEMBERS = ["zhangqiang", "chenjing", "liuyang"]


@pytest.fixture
def vote(sessions, people, clock):
    members = {name: make_actor(sessions, name, "party_group") for name in MEMBERS}
    with sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "party_vote.bpmn"]), people["organiser"],
                      clock.now())
        case = commands.start_case(session, people["organiser"], clock.now(), "party_vote", "党组会议表决",
                                   {"members": MEMBERS})
    return case, members


def ballot_of(sessions, member):
    with sessions() as session:
        (row,) = worklists.inbox(session, member, sort="oldest").tasks
        return row


def test_each_member_sees_only_their_own_ballot(sessions, vote):
    case, members = vote
    assert len(case["open_tasks"]) == 3
    owners = {ballot_of(sessions, member).assignee_id for member in members.values()}
    assert owners == {member.user_id for member in members.values()}


def test_a_member_cannot_cast_anothers_ballot(sessions, vote, clock):
    _case, members = vote
    someone_elses = ballot_of(sessions, members["chenjing"])
    with pytest.raises(Forbidden, match="指定由他人办理"), sessions.begin() as session:
        commands.complete_task(session, members["zhangqiang"], clock.now(), someone_elses.id, {"ballot": "approve"})


def test_all_ballots_cast_finish_the_vote_and_replay(sessions, vote, clock):
    case, members = vote
    for name, choice in zip(MEMBERS, ("approve", "approve", "defer"), strict=True):
        clock.advance(minutes=5)
        with sessions.begin() as session:
            answer = commands.complete_task(session, members[name], clock.now(), ballot_of(sessions, members[name]).id,
                                            {"ballot": choice})
    assert answer["status"] == "completed"
    with sessions.begin() as session:
        stored = session.get(Case, case["id"])
        data = case_reads.case_data(stored)
        assert sorted(data["ballots"]) == ["approve", "approve", "defer"]
        assert replay.replay_case(session, stored).ok
