"""Tampering with the hash-chained record is caught by verify_chain, verify_case_chain and `audit verify`."""

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from tests.tampering import guards_lifted
from webapp import create_app
from workflows import commands
from workflows.commands import triggers
from workflows.record import audit
from workflows.record.canonical import canonical_text

PREPARED = {"candidate": "Zhang San", "years_in_post": 3}
REJECTED = {"approved": False, "opinion": "再议"}
APPROVED = {"approved": True, "opinion": "同意"}
COLUMNS = ("case_id", "type", "actor_id", "actor", "role", "at", "payload", "state_digest",
           "case_prev_hash", "prev_hash", "hash")
# The record built_log writes, by seq (case "a" goes round the reject loop, "b" stops early).
LAYOUT = [
    (1, None, "spec.deployed"), (2, "a", "case.started"), (3, "b", "case.started"),
    (4, "a", "task.completed"), (5, "a", "task.completed"), (6, "b", "task.completed"),
    (7, "a", "task.completed"), (8, "a", "task.completed"), (9, "a", "timer.fired"),
    (10, "a", "case.completed"),
]


def start(sessions, clock, actor, process_id, title) -> int:
    clock.advance(minutes=10)
    with sessions.begin() as session:
        return commands.start_case(session, actor, clock.now(), process_id, title)["id"]


def complete(sessions, clock, actor, case_id, bpmn_id, data) -> None:
    clock.advance(minutes=10)
    with sessions.begin() as session:
        task = next(row for row in commands.open_tasks(session, case_id) if row.bpmn_id == bpmn_id)
        commands.complete_task(session, actor, clock.now(), task.id, data)


@pytest.fixture
def built_log(sessions, people, two_lane, clock):
    """Ten events over two cases; returns {"a": case id, "b": case id}."""
    organiser, secretary = people["organiser"], people["secretary"]
    a = start(sessions, clock, organiser, two_lane, "案件甲")
    b = start(sessions, clock, organiser, two_lane, "案件乙")
    complete(sessions, clock, organiser, a, "prepare", PREPARED)
    complete(sessions, clock, secretary, a, "review", REJECTED)
    complete(sessions, clock, organiser, b, "prepare", PREPARED)
    complete(sessions, clock, organiser, a, "prepare", PREPARED)
    complete(sessions, clock, secretary, a, "review", APPROVED)
    clock.advance(days=5, seconds=1)  # SpiffWorkflow fires a timer only after its due time
    with sessions.begin() as session:
        assert triggers.fire_timers(session, a, clock.now())["status"] == "completed"
    return {"a": a, "b": b}


def tamper(sessions, statement, **params) -> None:
    """Run ``statement`` on the record as the database's owner would, past the append-only guards."""
    with guards_lifted(sessions), sessions.begin() as session:
        session.execute(text(statement), params)


def event(sessions, seq) -> dict:
    with sessions() as session:
        return dict(session.execute(text("SELECT * FROM audit_event WHERE seq = :seq"),
                                    {"seq": seq}).mappings().one())


def set_column(sessions, seq, column, value) -> None:
    tamper(sessions, f"UPDATE audit_event SET {column} = :value WHERE seq = :seq", value=value, seq=seq)


def verify(sessions) -> audit.ChainVerdict:
    with sessions() as session:
        return audit.verify_chain(session)


def verify_case(sessions, case_id) -> audit.ChainVerdict:
    with sessions() as session:
        return audit.verify_case_chain(session, case_id)


def one_byte_apart(old: str, new: str) -> bool:
    return len(old) == len(new) and sum(x != y for x, y in zip(old, new, strict=True)) == 1


def test_untouched_log_verifies_globally_and_per_case(sessions, built_log):
    with sessions() as session:
        rows = session.execute(text("SELECT seq, case_id, type FROM audit_event ORDER BY seq")).all()
    cases = {None: None, **built_log}
    assert [tuple(row) for row in rows] == [(s, cases[c], t) for s, c, t in LAYOUT]
    verdict = verify(sessions)
    assert (verdict.ok, verdict.checked, verdict.first_bad_seq) == (True, 10, None)
    assert verify_case(sessions, built_log["a"]).checked == 7
    assert verify_case(sessions, built_log["a"]).ok and verify_case(sessions, built_log["b"]).ok


@pytest.mark.parametrize(("column", "seq", "edit"), [
    ("payload", 4, lambda value: value.replace("Zhang San", "Zhang Sam")),
    ("actor", 7, lambda value: value.replace("organiser", "organizer")),
    ("at", 5, lambda value: value[:-2] + "1Z"),
    ("hash", 8, lambda value: ("1" if value[0] != "1" else "2") + value[1:]),
])
def test_verify_names_first_bad_seq_after_byte_flip(sessions, built_log, column, seq, edit):
    old = event(sessions, seq)[column]
    new = edit(old)
    assert one_byte_apart(old, new)
    set_column(sessions, seq, column, new)
    verdict = verify(sessions)
    assert (verdict.ok, verdict.first_bad_seq, verdict.checked) == (False, seq, seq - 1)
    assert "hash" in verdict.reason


def test_verify_names_seq_whose_payload_holds_a_number_json_cannot_canonicalise(sessions,
                                                                                built_log):
    payload = event(sessions, 4)["payload"]
    set_column(sessions, 4, "payload", payload.replace('"years_in_post":3', '"years_in_post":NaN'))
    verdict = verify(sessions)  # must be a verdict naming seq 4, not an exception
    assert (verdict.ok, verdict.first_bad_seq) == (False, 4)


def test_verify_flags_payload_rewritten_with_the_same_meaning(sessions, built_log):
    payload = event(sessions, 4)["payload"]
    set_column(sessions, 4, "payload", payload.replace(":", ": ", 1))
    verdict = verify(sessions)
    assert (verdict.ok, verdict.first_bad_seq) == (False, 4)


def test_verify_names_deleted_middle_event(sessions, built_log):
    tamper(sessions, "DELETE FROM audit_event WHERE seq = 5")
    verdict = verify(sessions)
    assert (verdict.ok, verdict.first_bad_seq) == (False, 5)
    assert "seq 5" in verdict.reason


def test_verify_names_first_deleted_tail_event_from_the_head_row(sessions, built_log):
    tamper(sessions, "DELETE FROM audit_event WHERE seq >= 9")
    with sessions() as session:
        assert session.execute(text("SELECT seq FROM audit_head")).scalar_one() == 10
    verdict = verify(sessions)
    assert (verdict.ok, verdict.first_bad_seq, verdict.checked) == (False, 9, 8)
    assert "链头" in verdict.reason


def forged_event(previous: dict, seq: int) -> dict:
    """A well-formed deployment event whose hash links to ``previous``, as a forger would write it."""
    row = {"seq": seq, "case_id": None, "type": "spec.deployed", "actor_id": previous["actor_id"],
           "actor": "organiser", "role": None, "at": previous["at"], "state_digest": None,
           "payload": canonical_text({"process": "two_lane_review", "version": 2}),
           "case_prev_hash": None, "prev_hash": previous["hash"]}
    row["hash"] = audit.recompute_hash(SimpleNamespace(**row))
    return row


def test_verify_names_the_event_after_a_forged_insert(sessions, built_log):
    k = 6
    tamper(sessions, "UPDATE audit_event SET seq = -seq - 1 WHERE seq >= :k", k=k)
    tamper(sessions, "UPDATE audit_event SET seq = -seq WHERE seq < 0")
    forged = forged_event(event(sessions, k - 1), k)
    tamper(sessions, f"INSERT INTO audit_event (seq, {', '.join(COLUMNS)}) "
                  f"VALUES (:seq, {', '.join(':' + c for c in COLUMNS)})", **forged)
    verdict = verify(sessions)
    # The forgery itself is consistent (right seq, linked to seq k-1, correct hash), so it
    # passes; the break shows at k+1, the displaced original whose prev_hash still names k-1.
    assert (verdict.ok, verdict.first_bad_seq, verdict.checked) == (False, k + 1, k)
    assert "prev_hash" in verdict.reason


def test_verify_names_lower_seq_after_swapping_two_events(sessions, built_log):
    swap_events(sessions, 4, 7)
    verdict = verify(sessions)
    assert (verdict.ok, verdict.first_bad_seq) == (False, 4)


def test_verify_case_chain_names_next_event_of_the_case_after_a_deleted_one(sessions, built_log):
    tamper(sessions, "DELETE FROM audit_event WHERE seq = 5")
    verdict = verify_case(sessions, built_log["a"])
    # Seq 5 is gone, so the case's chain can only break at its next event, seq 7, whose
    # case_prev_hash names the missing one.
    assert (verdict.ok, verdict.first_bad_seq) == (False, 7)


def test_verify_case_chain_names_a_deleted_last_event_of_the_case(sessions, built_log):
    tamper(sessions, "DELETE FROM audit_event WHERE seq = 6")
    assert verify(sessions).first_bad_seq == 6
    verdict = verify_case(sessions, built_log["b"])
    assert (verdict.ok, verdict.first_bad_seq) == (False, 6)


def run_cli(db_url, *args):
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "x" * 40, "PASSWORD_PROFILE": "fast"})
    try:
        return app.test_cli_runner().invoke(args=["audit", "verify", *args])
    finally:
        app.extensions["cadreflow.engine"].dispose()


def test_cli_audit_verify_exits_non_zero_naming_first_bad_seq(sessions, built_log, db_url):
    payload = event(sessions, 4)["payload"]
    set_column(sessions, 4, "payload", payload.replace("Zhang San", "Zhang Sam"))
    result = run_cli(db_url)
    assert result.exit_code != 0
    assert "seq 4：" in result.output


def test_cli_audit_verify_with_replay_passes_an_untouched_log(sessions, built_log, db_url):
    result = run_cli(db_url, "--replay")
    assert result.exit_code == 0, result.output
    assert "共 10 条记录" in result.output and "2 个案件" in result.output


def swap_events(sessions, low: int, high: int) -> None:
    first, second = event(sessions, low), event(sessions, high)
    assignments = ", ".join(f"{c} = :{c}" for c in COLUMNS)
    for seq, contents in ((low, second), (high, first)):
        tamper(sessions, f"UPDATE audit_event SET {assignments} WHERE seq = :seq", seq=seq,
            **{c: contents[c] for c in COLUMNS})


@pytest.mark.parametrize(("mutate", "first_bad"), [
    (lambda sessions: tamper(sessions, "DELETE FROM audit_event WHERE seq = 5"), 5),
    (lambda sessions: tamper(sessions, "DELETE FROM audit_event WHERE seq >= 9"), 9),
    (lambda sessions: swap_events(sessions, 3, 8), 3),
])
def test_cli_audit_verify_names_the_first_bad_seq_of_each_mutation(sessions, built_log, db_url,
                                                                   mutate, first_bad):
    mutate(sessions)
    result = run_cli(db_url)
    assert result.exit_code == 1
    assert f"seq {first_bad}：" in result.output


def test_cli_audit_verify_of_one_case_and_of_an_unknown_case(sessions, built_log, db_url):
    assert run_cli(db_url, "--case", str(built_log["a"]), "--replay").exit_code == 0
    tamper(sessions, "DELETE FROM audit_event WHERE seq = 5")
    broken = run_cli(db_url, "--case", str(built_log["a"]))
    assert broken.exit_code == 1 and "seq 7：" in broken.output
    unknown = run_cli(db_url, "--case", "999")
    assert unknown.exit_code == 1 and "案件 999 不存在" in unknown.output
