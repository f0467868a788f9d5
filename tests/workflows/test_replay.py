"""Replay rebuilds a case from its record, reproduces every state digest, and names the first it cannot."""

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from storage.models import Case
from tests.conftest import DATA
from tests.conftest import make_actor
from tests.tampering import guards_lifted
from workflows import commands
from workflows.commands import triggers
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.processes import deploy
from workflows.record import audit
from workflows.record import replay
from workflows.record.canonical import canonical_text

PREPARED = {"candidate": "Zhang San", "years_in_post": 3}
REJECTED = {"approved": False, "opinion": "再议"}
APPROVED = {"approved": True, "opinion": "同意"}


def task_of(sessions, case_id, bpmn_id) -> str:
    with sessions() as session:
        return next(r.id for r in commands.open_tasks(session, case_id) if r.bpmn_id == bpmn_id)


def act(sessions, clock, command, actor, *args) -> dict:
    clock.advance(minutes=10)
    with sessions.begin() as session:
        return command(session, actor, clock.now(), *args)


def complete(sessions, clock, actor, case_id, bpmn_id, data) -> dict:
    task = task_of(sessions, case_id, bpmn_id)
    return act(sessions, clock, commands.complete_task, actor, task, data)


def events(sessions, case_id) -> list:
    with sessions() as session:
        return session.execute(text("SELECT seq, type, state_digest FROM audit_event "
                                    "WHERE case_id = :case ORDER BY seq"), {"case": case_id}).all()


def replay_of(sessions, case_id) -> replay.ReplayVerdict:
    with sessions() as session:
        return replay.replay_case(session, session.get(Case, case_id))


@pytest.fixture
def journey(sessions, people, two_lane, clock):
    """Case "full" goes through claims, the reject loop and the timer; case "withdrawn" is cancelled."""
    organiser, secretary = people["organiser"], people["secretary"]
    full = act(sessions, clock, commands.start_case, organiser, two_lane, "案件甲")["id"]
    withdrawn = act(sessions, clock, commands.start_case, organiser, two_lane, "案件乙")["id"]
    act(sessions, clock, commands.claim_task, organiser, task_of(sessions, full, "prepare"))
    act(sessions, clock, commands.unclaim_task, organiser, task_of(sessions, full, "prepare"))
    complete(sessions, clock, organiser, full, "prepare", PREPARED)
    complete(sessions, clock, secretary, full, "review", REJECTED)
    complete(sessions, clock, organiser, full, "prepare", {**PREPARED, "candidate": "Wang Wu"})
    act(sessions, clock, commands.claim_task, secretary, task_of(sessions, full, "review"))
    complete(sessions, clock, secretary, full, "review", APPROVED)
    complete(sessions, clock, organiser, withdrawn, "prepare", PREPARED)
    act(sessions, clock, commands.cancel_case, organiser, withdrawn, "人选调整")
    clock.advance(days=5, seconds=1)  # SpiffWorkflow fires a timer only after its due time
    with sessions.begin() as session:
        assert triggers.fire_timers(session, full, clock.now())["status"] == "completed"
    return {"full": full, "withdrawn": withdrawn}


def test_replay_reproduces_every_digest_through_claims_reject_loop_and_timer(sessions, journey):
    assert [row.type for row in events(sessions, journey["full"])] == [
        "case.started", "task.claimed", "task.unclaimed", "task.completed", "task.completed",
        "task.completed", "task.claimed", "task.completed", "timer.fired", "case.completed"]
    verdict = replay_of(sessions, journey["full"])
    assert (verdict.ok, verdict.events, verdict.first_bad_seq) == (True, 10, None)


def test_replay_reproduces_a_cancelled_case(sessions, journey):
    assert [row.type for row in events(sessions, journey["withdrawn"])][-1] == "case.cancelled"
    verdict = replay_of(sessions, journey["withdrawn"])
    assert (verdict.ok, verdict.events) == (True, 3)


def test_replay_names_last_event_when_stored_state_comes_from_another_run(sessions, journey):
    with sessions.begin() as session:
        session.execute(text('UPDATE "case" SET workflow_state = '
                             '(SELECT workflow_state FROM "case" WHERE id = :other) WHERE id = :id'),
                        {"other": journey["withdrawn"], "id": journey["full"]})
    verdict = replay_of(sessions, journey["full"])
    assert (verdict.ok, verdict.first_bad_seq) == (False, events(sessions, journey["full"])[-1].seq)


def rechain(session, from_seq: int) -> None:
    """Recompute every link and hash from ``from_seq`` on, and the head: what a thorough forger does."""
    rows = session.execute(text("SELECT * FROM audit_event ORDER BY seq")).mappings().all()
    prev, case_last = audit.GENESIS_HASH, {}
    for row in (SimpleNamespace(**r) for r in rows):
        if row.seq >= from_seq:
            row.prev_hash, row.case_prev_hash = prev, case_last.get(row.case_id)
            row.hash = audit.recompute_hash(row)
            session.execute(text("UPDATE audit_event SET prev_hash = :prev_hash, "
                                 "case_prev_hash = :case_prev_hash, hash = :hash WHERE seq = :seq"),
                            vars(row))
        if row.case_id is not None:
            case_last[row.case_id] = row.hash
        prev = row.hash
    session.execute(text("UPDATE audit_head SET hash = :hash"), {"hash": prev})


def test_replay_names_the_event_whose_data_was_rewritten_with_consistent_hashes(sessions,
                                                                               journey):
    seq = next(r.seq for r in events(sessions, journey["full"]) if r.type == "task.completed")
    with guards_lifted(sessions), sessions.begin() as session:
        payload = json.loads(session.execute(text("SELECT payload FROM audit_event WHERE seq = :seq"),
                                             {"seq": seq}).scalar_one())
        assert payload["data"]["candidate"] == "Zhang San"
        payload["data"]["candidate"] = "Li Si"
        session.execute(text("UPDATE audit_event SET payload = :payload WHERE seq = :seq"),
                        {"payload": canonical_text(payload), "seq": seq})
        rechain(session, seq)
    with sessions() as session:
        assert audit.verify_chain(session).ok  # the forgery is invisible to the hash chain
    verdict = replay_of(sessions, journey["full"])
    assert (verdict.ok, verdict.first_bad_seq) == (False, seq)


def test_timer_fired_is_recorded_only_when_the_workflow_moved(sessions, people, two_lane, clock):
    organiser, secretary = people["organiser"], people["secretary"]
    case_id = act(sessions, clock, commands.start_case, organiser, two_lane, "案件丙")["id"]
    complete(sessions, clock, organiser, case_id, "prepare", PREPARED)
    complete(sessions, clock, secretary, case_id, "review", APPROVED)
    clock.advance(days=5)  # exactly the due time, which the timer rows already count as due
    with sessions.begin() as session:
        triggers.fire_timers(session, case_id, clock.now())
    recorded = events(sessions, case_id)
    for before, after in zip(recorded, recorded[1:], strict=False):
        if after.type == "timer.fired":
            assert after.state_digest != before.state_digest, f"seq {after.seq} fired nothing"


@pytest.fixture
def waiting_case(sessions, people, clock):
    """A message_wait case whose record task is done: it waits for the complaint message."""
    with sessions.begin() as session:
        bundle = deploy.bundle_from_paths([DATA / "message_wait.bpmn"])
        deploy.deploy(session, bundle, people["organiser"], clock.now())
    case_id = act(sessions, clock, commands.start_case, people["organiser"], "message_wait",
                  "举报件")["id"]
    complete(sessions, clock, people["organiser"], case_id, "record", {"summary": "已登记"})
    return case_id


def test_receive_message_refuses_a_role_outside_the_catching_lane(sessions, people, clock,
                                                                   waiting_case):
    with pytest.raises(Forbidden, match="discipline"):
        act(sessions, clock, triggers.receive_message, people["organiser"], waiting_case,
            "complaint", {"text": "反映问题"})
    assert events(sessions, waiting_case)[-1].type == "task.completed"


def test_receive_message_refuses_a_message_the_case_does_not_wait_for(sessions, clock,
                                                                      waiting_case):
    inspector = make_actor(sessions, "inspector", "discipline")
    with pytest.raises(Conflict, match="appeal"):
        act(sessions, clock, triggers.receive_message, inspector, waiting_case, "appeal", {})


def test_receive_message_completes_the_case_and_replay_reproduces_it(sessions, clock,
                                                                     waiting_case):
    inspector = make_actor(sessions, "inspector", "discipline")
    answer = act(sessions, clock, triggers.receive_message, inspector, waiting_case, "complaint",
                 {"text": "反映问题"})
    assert answer["status"] == "completed"
    assert [row.type for row in events(sessions, waiting_case)][-2:] == [
        "message.received", "case.completed"]
    verdict = replay_of(sessions, waiting_case)
    assert (verdict.ok, verdict.events) == (True, 4)
