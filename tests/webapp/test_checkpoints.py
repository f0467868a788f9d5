"""Signed checkpoints: made after writes when due and at every case closure, the CLI, a kept checkpoint."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy import select

from storage.models import AuditCheckpoint
from storage.models import AuditHead
from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import make_app
from workflows.record import checkpoints


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    path.parent.mkdir()
    checkpoints.generate_key(path)
    return path


@pytest.fixture
def signed_app(db_url, clock, key_file):
    """An app with a signing key, checkpoints every 5 events."""
    app = make_app(db_url, clock, SIGNING_KEY=str(key_file), CHECKPOINT_EVERY=5)
    app.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")])
    yield app
    app.extensions["cadreflow.engine"].dispose()


def rows(app) -> list[AuditCheckpoint]:
    with app.extensions["cadreflow.sessions"]() as session:
        return list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))


def head(app) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.get(AuditHead, 1).seq


def run_case(app, token, clock) -> int:
    client = app.test_client()
    case = client.post("/api/v1/cases", headers=bearer(token), json={"process": "two_lane_review", "title": "t"})
    for data in ({"candidate": "张三", "years_in_post": 1}, {"approved": True, "opinion": "同意"}):
        tasks = client.get("/api/v1/inbox", headers=bearer(token)).json["items"]
        task = next(task for task in tasks if task["case_id"] == case.json["id"])
        client.post(f"/api/v1/tasks/{task['id']}/complete", headers=bearer(token), json={"data": data})
    clock.advance(days=6)
    assert "已触发 1 个" in app.test_cli_runner().invoke(args=["run-timers"]).output
    return case.json["id"]


def test_key_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "k.pem"
    signer = checkpoints.generate_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert checkpoints.load_signer(path).public_key == signer.public_key
    with pytest.raises(checkpoints.SigningKeyError, match="已存在"):
        checkpoints.generate_key(path)
    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(checkpoints.SigningKeyError, match="不是有效的 PEM 私钥"):
        checkpoints.load_signer(tmp_path / "bad.pem")


def test_checkpoints_follow_the_interval_and_every_case_closure(signed_app, clock):
    token = add_user(signed_app, "o", "personnel_office", "party_secretary")
    case_id = run_case(signed_app, token, clock)
    made = rows(signed_app)
    assert made, "no checkpoint was signed"
    closing = next(row for row in made if row.seq == head(signed_app))  # the closure is the newest event
    assert closing.made_by == "system"
    # Each checkpoint lists the hashes since the previous one, and the lists join without a gap.
    assert [row.from_seq for row in made] == [0] + [row.seq for row in made[:-1]]
    for row in made:
        assert len(row.hashes.split("\n")) == row.seq - row.from_seq
        assert checkpoints.from_row(row).signature_ok()
    runner = signed_app.test_cli_runner()
    verified = runner.invoke(args=["audit", "verify", "--case", str(case_id), "--replay"])
    assert verified.exit_code == 0, verified.output
    assert "签名检查点覆盖" in verified.output and "注意" not in verified.output


def test_no_checkpoint_without_new_events_or_a_due_reason(signed_app, clock):
    token = add_user(signed_app, "o", "personnel_office")
    client = signed_app.test_client()
    client.post("/api/v1/cases", headers=bearer(token), json={"process": "two_lane_review", "title": "t"})
    first = rows(signed_app)
    assert len(first) == 1  # the first event ever is signed at once
    client.post("/api/v1/cases", headers=bearer(token), json={"process": "two_lane_review", "title": "t2"})
    assert len(rows(signed_app)) == 1  # 1 new event, no closure, not 15 minutes yet
    clock.advance(minutes=16)
    client.post("/api/v1/cases", headers=bearer(token), json={"process": "two_lane_review", "title": "t3"})
    assert len(rows(signed_app)) == 2


def test_a_write_with_no_checkpoint_due_opens_one_write_transaction(signed_app):
    # On SQLite every write transaction queues for the database's one write lock: asking whether a checkpoint is
    # due must not queue a second time per request (it did, as a write session of its own).
    token = add_user(signed_app, "o", "personnel_office")
    client = signed_app.test_client()
    client.post("/api/v1/cases", headers=bearer(token), json={"process": "two_lane_review", "title": "t"})
    assert len(rows(signed_app)) == 1
    writes = []

    def count_writes(connection):
        if not connection.get_execution_options().get("read_only"):
            writes.append(connection)

    engine = signed_app.extensions["cadreflow.engine"]
    event.listen(engine, "begin", count_writes)
    try:
        started = client.post("/api/v1/cases", headers=bearer(token), json={"process": "two_lane_review", "title": "2"})
    finally:
        event.remove(engine, "begin", count_writes)
    assert started.status_code == 201
    assert len(rows(signed_app)) == 1  # nothing was due
    assert len(writes) == 1


def test_cli_checkpoint_is_kept_and_checked_later(signed_app, clock, tmp_path):
    token = add_user(signed_app, "o", "personnel_office", "party_secretary")
    runner = signed_app.test_cli_runner()
    signed_app.test_client().post("/api/v1/cases", headers=bearer(token),
                                  json={"process": "two_lane_review", "title": "t"})
    kept = tmp_path / "kept.txt"
    made = runner.invoke(args=["audit", "checkpoint", "--out", str(kept)])
    assert made.exit_code == 0, made.output
    checkpoint = checkpoints.parse_text(kept.read_text(encoding="utf-8"))
    assert checkpoint.seq == head(signed_app) and checkpoint.signature_ok()
    run_case(signed_app, token, clock)
    ok = runner.invoke(args=["audit", "verify", "--checkpoint", str(kept)])
    assert ok.exit_code == 0, ok.output
    assert "与您保存的 1 个检查点一致" in ok.output
    # A checkpoint signed by someone else's key is refused, naming it.
    stranger = checkpoints.generate_key(tmp_path / "other.pem")
    forged = stranger.sign(replace(checkpoint, public_key=stranger.public_key))
    (tmp_path / "forged.txt").write_text(forged.to_text(), encoding="utf-8")
    refused = runner.invoke(args=["audit", "verify", "--checkpoint", str(tmp_path / "forged.txt")])
    assert refused.exit_code == 1
    assert f"seq {checkpoint.seq}" in refused.output and "未知公钥" in refused.output


def test_public_key_and_keygen_commands(signed_app, tmp_path, key_file):
    runner = signed_app.test_cli_runner()
    shown = runner.invoke(args=["audit", "public-key"])
    assert checkpoints.load_signer(key_file).public_key in shown.output
    made = runner.invoke(args=["audit", "keygen", str(tmp_path / "new.pem")])
    assert made.exit_code == 0 and "指纹" in made.output
    again = runner.invoke(args=["audit", "keygen", str(tmp_path / "new.pem")])
    assert again.exit_code == 1 and "已存在" in again.output


def test_checkpoint_command_needs_a_key(app):
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "CADREFLOW_SIGNING_KEY" in result.output


def test_a_bad_kept_file_is_named(signed_app, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("cadreflow audit checkpoint v1\nseq: x\n", encoding="utf-8")
    result = signed_app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(bad)])
    assert result.exit_code == 1 and str(bad) in result.output and "缺少字段" in result.output


def test_asking_whether_a_checkpoint_is_due_reads_only_the_events_since_the_last(signed_app, clock):
    # Asked as "any closing event past the last checkpoint?", SQLite searched its index of event types: every
    # case closure ever recorded, 220 ms per write request at 100,000 cases (make load).
    token = add_user(signed_app, "o", "personnel_office", "party_secretary")
    run_case(signed_app, token, clock)
    signed_app.test_client().post("/api/v1/cases", headers=bearer(token),
                                  json={"process": "two_lane_review", "title": "t"})
    engine = signed_app.extensions["cadreflow.engine"]
    statements = []

    def note(_connection, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        with signed_app.extensions["cadreflow.read_sessions"]() as session:
            assert checkpoints.due(session, clock.now(), 1000, timedelta(days=1)) is False
    finally:
        event.remove(engine, "before_cursor_execute", note)
    reading_events = [(sql, parameters) for sql, parameters in statements if "FROM audit_event" in sql]
    assert reading_events, "the check no longer reads the events: this test must follow it"
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        for sql, parameters in reading_events:
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters))
            assert "type" not in plan and "seq>" in plan, plan
