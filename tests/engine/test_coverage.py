"""Flow coverage: the flows the stored cases took, and the ones no case took yet."""

from sqlalchemy import select

from storage.models import Case
from storage.models import ProcessSpec
from workflows import commands
from workflows import engine
from workflows.engine import taken_flows

PREPARE = {"candidate": "张三", "years_in_post": 3}


def run_case(sessions, people, clock, two_lane, reviews: list[bool]) -> None:
    with sessions.begin() as session:
        case = commands.start_case(session, people["organiser"], clock.now(), two_lane, "覆盖")
    for approved in reviews:
        for actor, data in ((people["organiser"], PREPARE), (people["secretary"],
                                                            {"approved": approved, "opinion": "意见"})):
            clock.advance(minutes=1)
            with sessions.begin() as session:
                case = commands.complete_task(session, actor, clock.now(), case["open_tasks"][0]["id"], data)


def taken(sessions) -> tuple[set[str], set[str]]:
    with sessions() as session:
        spec = session.scalar(select(ProcessSpec))
        workflows = [engine.restore(case.workflow_state, spec.spec_json) for case in session.scalars(select(Case))]
        return taken_flows.flows_taken(spec.sources, workflows), set(taken_flows.sequence_flows(spec.sources))


def test_a_straight_approval_leaves_the_loop_back_untaken(sessions, people, clock, two_lane):
    run_case(sessions, people, clock, two_lane, [True])
    flows, every = taken(sessions)
    assert every - flows == {"f_back", "f_published"}  # no loop, and the publicity timer has not fired


def test_a_rejected_round_takes_the_loop_back(sessions, people, clock, two_lane):
    run_case(sessions, people, clock, two_lane, [False, True])
    flows, every = taken(sessions)
    assert every - flows == {"f_published"}
