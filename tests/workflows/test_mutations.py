"""Every way of rewriting a signed record of real events is named by verify_log at its first bad seq."""

import os
import random
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.orm import Session

from storage import make_engine
from storage import make_session_factory
from storage.models import Case
from tests import signed_log
from tests.conftest import BACKENDS
from tests.record_attacks import ATTACKS
from tests.record_attacks import FLIPS
from tests.record_attacks import drop_checkpoint_and_rechain
from tests.tampering import tampered_then_undone
from tests.template_db import migrate
from workflows.record import checkpoints
from workflows.record import verification

LOG_EVENTS = 10_000
SMALL_LOG_EVENTS = 800
RANDOM_ATTACKS = 200
UNTOUCHED_LOGS = 20
# Off the checkpoint boundaries (every 100 events), so that the exact seq can only come from the
# hash lists the checkpoints signed, not from where a checkpoint's range happens to start.
POSITIONS = {"start": lambda last: 1, "middle": lambda last: last // 2 + 37, "end": lambda last: last}
SEED = int(os.environ.get("CADREFLOW_MUTATION_SEED") or random.SystemRandom().randrange(2**32))


@contextmanager
def fresh_database(backend: str, request, tmp_path_factory, name: str):
    """A migrated, empty database: a SQLite file, or a schema of its own in the run's PostgreSQL database."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp(name) / 'record.sqlite'}")
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()
        return
    url = request.getfixturevalue("pg_database")
    schema = f"{name}_{uuid.uuid4().hex[:8]}"  # other tests drop and recreate the public schema
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def built(request, tmp_path_factory, name: str, events: int, every: int):
    """(engine, log) of a signed log built and committed on the fixture's backend, for a module's tests."""
    with fresh_database(request.param, request, tmp_path_factory, name) as engine:
        signer = checkpoints.generate_key(tmp_path_factory.mktemp(name) / "signing-key.pem")
        with make_session_factory(engine)() as session:
            log = signed_log.build(session, signer, events=events, every=every, commit_every=2500)
        yield engine, log


@pytest.fixture(scope="module", params=BACKENDS)
def big_log(request, tmp_path_factory):
    """10,000 events (real cases, then appended), signed every 100; built once per backend."""
    yield from built(request, tmp_path_factory, "mutations", LOG_EVENTS, 100)


@pytest.fixture(scope="module", params=BACKENDS)
def small_log(request, tmp_path_factory):
    """A shorter log, signed every 50 events, for the many random attacks."""
    yield from built(request, tmp_path_factory, "random_mutations", SMALL_LOG_EVENTS, 50)


@pytest.fixture(scope="module", params=BACKENDS)
def empty_database(request, tmp_path_factory):
    with fresh_database(request.param, request, tmp_path_factory, "untouched") as engine:
        yield engine


def test_untouched_log_raises_no_alarm(big_log):
    engine, log = big_log
    with Session(engine) as session:
        verdict = verification.verify_log(session, log.trusted_keys, [log.kept])
        cases = [verification.verify_case(session, session.get(Case, case_id), log.trusted_keys, with_replay=False)
                 for case_id in log.case_ids]
    assert (verdict.ok, verdict.first_bad_seq, verdict.reason) == (True, None, "")
    assert (verdict.checked, verdict.checkpoints, verdict.latest.seq) == (LOG_EVENTS, LOG_EVENTS // 100, LOG_EVENTS)
    assert verdict.warnings == []
    assert [(case.ok, case.uncovered) for case in cases] == [(True, 0)] * len(log.case_ids)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.__name__)
def test_each_attack_is_named_at_its_first_bad_seq(big_log, attack, position):
    engine, log = big_log
    with tampered_then_undone(engine) as session:
        strike = attack(session, log, POSITIONS[position](log.last_seq), None)
        verdict = verification.verify_log(session, log.trusted_keys, strike.kept)
    assert (verdict.ok, verdict.first_bad_seq) == (False, strike.first_bad), verdict.reason


@pytest.mark.parametrize("position", ["start", "middle"])
@pytest.mark.parametrize("with_kept", [False, True], ids=["stored_only", "kept_too"])
def test_a_chain_rewritten_under_a_deleted_checkpoint_is_named_at_that_checkpoint_range(big_log, position,
                                                                                          with_kept):
    engine, log = big_log
    with tampered_then_undone(engine) as session:
        strike = drop_checkpoint_and_rechain(session, log, POSITIONS[position](log.last_seq))
        verdict = verification.verify_log(session, log.trusted_keys, strike.kept if with_kept else [])
    assert (verdict.ok, verdict.first_bad_seq) == (False, strike.first_bad), verdict.reason


def test_a_deleted_checkpoint_row_alone_is_reported(big_log):
    """Nothing else changed, but the events it signed lost their signature: named at its range's start."""
    engine, log = big_log
    middle = log.checkpoint_seqs[len(log.checkpoint_seqs) // 2]
    with tampered_then_undone(engine) as session:
        from_seq = session.execute(text("SELECT from_seq FROM audit_checkpoint WHERE seq = :seq"),
                                   {"seq": middle}).scalar()
        session.execute(text("DELETE FROM audit_checkpoint WHERE seq = :seq"), {"seq": middle})
        verdict = verification.verify_log(session, log.trusted_keys, [])
    assert (verdict.ok, verdict.first_bad_seq) == (False, from_seq + 1), verdict.reason
    assert "检查点缺失" in verdict.reason


def test_each_flip_changes_one_byte_of_its_column(big_log):
    """The flips really change one byte (or one bit of a number), in the column they name."""
    engine, log = big_log
    position = POSITIONS["middle"](log.last_seq)
    for attack in FLIPS:
        column = attack.__name__.removeprefix("flip_")
        with tampered_then_undone(engine) as session:
            seq = attack(session, log, position, None).first_bad
            after = session.execute(text(f"SELECT {column} FROM audit_event WHERE seq = :seq"), {"seq": seq}).scalar()
        with Session(engine) as session:
            before = session.execute(text(f"SELECT {column} FROM audit_event WHERE seq = :seq"),
                                     {"seq": seq}).scalar()
        if column == "case_id":
            assert after != before and after in log.case_ids
        elif isinstance(before, int):
            assert after ^ before == 1
        else:
            old, new = before.encode(), after.encode()
            assert len(old) == len(new) and [a ^ b for a, b in zip(old, new, strict=True) if a != b] == [1]


def test_random_single_attacks_are_named_at_their_first_bad_seq(small_log):
    engine, log = small_log
    rng = random.Random(SEED)
    misses = []
    for number in range(RANDOM_ATTACKS):
        attack, at = rng.choice(ATTACKS), rng.randint(1, log.last_seq)
        with tampered_then_undone(engine) as session:
            strike = attack(session, log, at, rng)
            verdict = verification.verify_log(session, log.trusted_keys, strike.kept)
        if (verdict.ok, verdict.first_bad_seq) != (False, strike.first_bad):
            misses.append(f"#{number} {attack.__name__} at {at}: want seq {strike.first_bad}, "
                          f"got {verdict.first_bad_seq} ({verdict.reason})")
    assert not misses, f"seed {SEED} (CADREFLOW_MUTATION_SEED={SEED} to rerun): " + "; ".join(misses)


@contextmanager
def undone(engine):
    """A session whose work is rolled back at the end, so that one empty database holds log after log."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
                yield session
        finally:
            transaction.rollback()


def test_random_untouched_logs_raise_no_alarm(empty_database, tmp_path):
    rng = random.Random(SEED)
    for number in range(UNTOUCHED_LOGS):
        signer = checkpoints.generate_key(tmp_path / f"key-{number}.pem")
        shape = {"events": rng.randint(30, 400), "every": rng.randint(3, 120), "real_cases": rng.randint(1, 5),
                 "seed": rng.randrange(2**32)}
        with undone(empty_database) as session:
            log = signed_log.build(session, signer, **shape)
            older = checkpoints.stored(session)[rng.randrange(len(log.checkpoint_seqs))]
            kept = [log.kept, checkpoints.parse_text(older.to_text())]
            verdict = verification.verify_log(session, log.trusted_keys, kept)
            cases = [verification.verify_case(session, session.get(Case, case_id), log.trusted_keys,
                                              with_replay=False) for case_id in log.case_ids]
        where = f"seed {SEED}, log #{number} {shape}"
        assert log.last_seq >= shape["events"], where
        assert (verdict.ok, verdict.checked) == (True, log.last_seq), where
        assert verdict.checkpoints == len(log.checkpoint_seqs), where
        assert all(case.ok for case in cases), where
