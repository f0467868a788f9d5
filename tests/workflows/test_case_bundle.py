"""A case bundle verifies with no database, and each kind of tampering fails at the seq where it was made."""

import copy
import json

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.workflows import recorded_case
from workflows.record import audit
from workflows.record import bundle_check
from workflows.record import case_bundle
from workflows.record import checkpoints
from workflows.record.canonical import canonical_text
from workflows.record.canonical import digest

recorded = recorded_case.recorded


@pytest.fixture(scope="module")
def exported(recorded) -> dict:
    """The completed case's bundle, read back from its bytes as an auditor would."""
    with recorded.sessions() as session:
        return json.loads(case_bundle.to_bytes(case_bundle.build(session, session.get(Case, recorded.case_id))))


def event_of(bundle: dict, bpmn_id: str, nth: int = 0) -> dict:
    return [e for e in bundle["events"] if json.loads(e["payload"]).get("bpmn_id") == bpmn_id][nth]


def rehash_from(bundle: dict, index: int) -> None:
    """What a forger with database access does: re-hash the changed event and re-link every later one."""
    events = bundle["events"]
    for position in range(index, len(events)):
        event = events[position]
        if position > index:
            event["case_prev_hash"] = events[position - 1]["hash"]
            if events[position - 1]["seq"] == event["seq"] - 1:
                event["prev_hash"] = events[position - 1]["hash"]
        event["hash"] = audit.recompute_hash(type("Row", (), event))
    bundle["case"]["last_event"] = {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}


def failure(bundle: dict, recorded) -> tuple[int | None, str]:
    verdict = bundle_check.verify_bundle(bundle, recorded.trusted)
    assert not verdict.ok
    return verdict.first_bad_seq, verdict.reason


def test_bundle_holds_the_whole_record_and_verifies_offline(recorded, exported):
    with recorded.sessions() as session:
        case = session.get(Case, recorded.case_id)
        stored = list(session.scalars(select(AuditEvent.seq).where(AuditEvent.case_id == case.id)
                                      .order_by(AuditEvent.seq)))
        sha, sources = case.spec.sha256, dict(case.spec.sources)
    assert exported["format"] == "cadreflow-case-bundle/1"
    assert exported["case"]["status"] == "completed" and exported["case"]["process_id"] == "cadre_selection"
    assert [e["seq"] for e in exported["events"]] == stored
    assert exported["spec"]["sources"] == sources
    assert exported["spec"]["sha256"] == sha == digest(sources)
    [signed] = exported["checkpoints"]
    assert signed["seq"] == recorded.checkpoint.seq and signed["hashes"] == list(recorded.checkpoint.hashes)
    assert exported["public_key"] == recorded.signer.public_key
    verdict = bundle_check.verify_bundle(copy.deepcopy(exported), recorded.trusted)
    assert verdict.ok, verdict.reason
    assert verdict.checked == len(stored) and verdict.uncovered == 0 and verdict.warnings == []
    assert verdict.replayed == sum(1 for e in exported["events"] if e["state_digest"]) > 30
    assert verdict.latest.seq == recorded.checkpoint.seq


def test_without_a_trusted_key_the_bundle_verifies_with_a_warning(recorded, exported):
    verdict = bundle_check.verify_bundle(copy.deepcopy(exported), None)
    assert verdict.ok and verdict.warnings[0].startswith("未指定可信公钥")
    assert recorded.checkpoint.key_id in verdict.warnings[0]


def test_a_key_nobody_trusts_fails_the_events_it_signed(recorded, exported, tmp_path):
    stranger = checkpoints.generate_key(tmp_path / "stranger.pem").public_key
    verdict = bundle_check.verify_bundle(copy.deepcopy(exported), {stranger})
    assert not verdict.ok and verdict.first_bad_seq == exported["events"][0]["seq"]
    assert "未知公钥" in verdict.reason


def test_running_case_verifies_with_its_uncovered_tail_warned(recorded):
    with recorded.sessions() as session:
        bundle = case_bundle.build(session, session.get(Case, recorded.running_id))
    verdict = bundle_check.verify_bundle(bundle, recorded.trusted)
    assert verdict.ok and bundle["checkpoints"] == [] and verdict.uncovered == 1
    assert verdict.warnings == ["本案件最后 1 条记录尚无签名检查点覆盖"]


def test_a_closed_case_without_its_checkpoint_fails(recorded, exported):
    seq, reason = failure({**exported, "checkpoints": []}, recorded)
    assert seq == exported["events"][0]["seq"] and "没有签名检查点覆盖" in reason and "包中没有签名检查点" in reason


def test_a_changed_byte_in_any_event_field_fails_at_that_event(recorded, exported):
    ballot = event_of(exported, "cast_ballot", 4)
    for name in ("type", "actor", "role", "at", "payload", "state_digest", "case_prev_hash", "prev_hash", "hash"):
        bundle = copy.deepcopy(exported)
        event = next(e for e in bundle["events"] if e["seq"] == ballot["seq"])
        value = event[name]
        event[name] = value[:-2] + chr(ord(value[-2]) ^ 1) + value[-1]
        assert failure(bundle, recorded)[0] == ballot["seq"], name


def test_a_vote_rewritten_and_rehashed_fails_against_the_checkpoint(recorded, exported):
    bundle = copy.deepcopy(exported)
    ballot = event_of(bundle, "cast_ballot", 4)
    payload = json.loads(ballot["payload"])
    payload["data"] = {"ballot": "approve"}
    ballot["payload"] = canonical_text(payload)
    rehash_from(bundle, bundle["events"].index(ballot))
    seq, reason = failure(bundle, recorded)
    assert seq == ballot["seq"] and "签名时的记录不符" in reason


def test_the_replay_catches_a_rewrite_no_checkpoint_signed(recorded):
    """A running case has no checkpoint yet: a rewritten, rehashed opinion is caught by its state digest."""
    with recorded.sessions() as session:
        bundle = case_bundle.build(session, session.get(Case, recorded.running_id))
    started = bundle["events"][0]
    payload = json.loads(started["payload"])
    payload["data"]["post_title"] = "副科长"
    started["payload"] = canonical_text(payload)
    rehash_from(bundle, 0)
    seq, reason = failure(bundle, recorded)
    assert seq == started["seq"] and "state_digest" in reason


def test_a_removed_event_is_named_by_its_seq(recorded, exported):
    for position in (0, 10, len(exported["events"]) - 1):
        bundle = copy.deepcopy(exported)
        removed = bundle["events"].pop(position)
        seq, reason = failure(bundle, recorded)
        assert seq == removed["seq"], (position, reason)


def test_swapped_payloads_fail_at_the_earlier_event(recorded, exported):
    bundle = copy.deepcopy(exported)
    first, second = event_of(bundle, "cast_ballot", 0), event_of(bundle, "cast_ballot", 4)
    first["payload"], second["payload"] = second["payload"], first["payload"]
    assert failure(bundle, recorded)[0] == first["seq"]


def test_a_changed_source_file_fails_at_the_case_start(recorded, exported):
    for name in ("cadre_selection.bpmn", "forms/party_ballot.json"):
        bundle = copy.deepcopy(exported)
        bundle["spec"]["sources"][name] = bundle["spec"]["sources"][name].replace("同意", "同 意", 1)
        seq, reason = failure(bundle, recorded)
        assert seq == exported["events"][0]["seq"] and "源文件被改动" in reason, name


def test_a_forged_checkpoint_fails(recorded, exported):
    bundle = copy.deepcopy(exported)
    bundle["checkpoints"][0]["at"] = "2030-01-01T00:00:00.000000Z"
    seq, reason = failure(bundle, recorded)
    assert seq == exported["events"][0]["seq"] and "签名无效" in reason


def test_a_bundle_of_another_format_is_refused(exported):
    with pytest.raises(bundle_check.BundleFormatError, match="不是案件包"):
        bundle_check.verify_bundle({**exported, "format": "something-else"}, None)
    with pytest.raises(bundle_check.BundleFormatError, match="缺少字段"):
        bundle_check.verify_bundle({**exported, "events": [{"seq": 1}]}, None)
    bundle = copy.deepcopy(exported)
    bundle["events"][3]["seq"] = str(bundle["events"][3]["seq"])
    with pytest.raises(bundle_check.BundleFormatError, match="第 4 条记录的 seq 不是整数"):
        bundle_check.verify_bundle(bundle, None)
