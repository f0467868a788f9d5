"""The replay's cheaper parts keep every check: the stored state against the replayed digest, the collector paused."""

import gc

from sqlalchemy import text

from storage.models import Case
from tests.workflows.test_replay import events
from tests.workflows.test_replay import journey  # noqa: F401 (the fixture)
from tests.workflows.test_replay import replay_of
from workflows import engine
from workflows.record import replay


def test_a_whole_replay_reports_the_digest_it_reproduced_last(sessions, journey):  # noqa: F811
    verdict = replay_of(sessions, journey["full"])
    with sessions() as session:
        assert verdict.ok and verdict.digest == session.get(Case, journey["full"]).state_digest


def test_a_stored_state_swapped_with_its_digest_is_caught_by_the_replayed_digest(sessions, journey):  # noqa: F811
    # Row and digest agree with each other: only the comparison with what the replay reached catches the swap.
    with sessions.begin() as session:
        session.execute(text('UPDATE "case" SET workflow_state = (SELECT workflow_state FROM "case" WHERE id = :other),'
                             ' state_digest = (SELECT state_digest FROM "case" WHERE id = :other) WHERE id = :id'),
                        {"other": journey["withdrawn"], "id": journey["full"]})
    verdict = replay_of(sessions, journey["full"])
    assert (verdict.ok, verdict.first_bad_seq) == (False, events(sessions, journey["full"])[-1].seq)


def test_the_collector_is_paused_while_replaying_and_left_as_found(sessions, journey, monkeypatch):  # noqa: F811
    seen = []
    original = engine.state_digest

    def noting(*args):
        seen.append(gc.isenabled())
        return original(*args)
    monkeypatch.setattr(engine, "state_digest", noting)
    assert gc.isenabled()
    assert replay_of(sessions, journey["full"]).ok
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        with replay.collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: theirs to start again
    finally:
        gc.enable()
