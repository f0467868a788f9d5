"""One case as a self-contained JSON bundle: its record, its spec sources and the checkpoints that signed them."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditCheckpoint
from storage.models import AuditEvent
from storage.models import Case
from storage.models import CaseAuditHead
from workflows.engine.clock import iso
from workflows.record import checkpoints

FORMAT = "cadreflow-case-bundle/1"
EVENT_COLUMNS = ("seq", "case_id", "type", "actor_id", "actor", "role", "at", "payload", "state_digest",
                 "case_prev_hash", "prev_hash", "hash")


def _events(session: Session, case_id: int) -> list[dict]:
    """Every event of the case, every column as stored (the payload stays the hashed text)."""
    columns = [getattr(AuditEvent, name) for name in EVENT_COLUMNS]
    rows = session.execute(select(*columns).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
    return [dict(row._mapping) for row in rows]


def _checkpoints(session: Session, seqs: list[int]) -> list[checkpoints.Checkpoint]:
    """The stored checkpoints whose interval (from_seq, seq] holds at least one of ``seqs``."""
    if not seqs:
        return []
    # Only the checkpoints around the case are read: every checkpoint's list would be the whole log.
    rows = session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.seq >= seqs[0],
                                                         AuditCheckpoint.from_seq < seqs[-1])
                           .order_by(AuditCheckpoint.seq))
    found = [checkpoints.from_row(row) for row in rows]
    return [c for c in found if any(c.from_seq < seq <= c.seq for seq in seqs)]


def checkpoint_entry(checkpoint: checkpoints.Checkpoint) -> dict:
    """A checkpoint as the bundle carries it: the signed fields, its full list of hashes, key and signature."""
    return {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at, "from_seq": checkpoint.from_seq,
            "hashes_digest": checkpoint.hashes_digest, "hashes": list(checkpoint.hashes or ()),
            "public_key": checkpoint.public_key, "key_id": checkpoint.key_id, "signature": checkpoint.signature}


def build(session: Session, case: Case) -> dict:
    """The bundle of ``case``: enough to verify its record and replay it with no database at hand."""
    spec = case.spec
    events = _events(session, case.id)
    signed = _checkpoints(session, [event["seq"] for event in events])
    head = session.get(CaseAuditHead, case.id)
    return {
        "format": FORMAT,
        "case": {"id": case.id, "title": case.title, "subject": case.subject, "status": case.status,
                 "outcome": case.outcome, "end_event": case.end_event, "end_name": case.end_name,
                 "process_id": spec.process_id, "version": spec.version, "started_at": iso(case.started_at),
                 "ended_at": iso(case.ended_at) if case.ended_at else None,
                 # The case's newest event as the database's head row names it: a bundle cut short shows.
                 "last_event": {"seq": head.seq, "hash": head.hash} if head else None},
        "spec": {"process_id": spec.process_id, "name": spec.name, "version": spec.version, "sha256": spec.sha256,
                 "sources": dict(spec.sources)},
        "events": events,
        "checkpoints": [checkpoint_entry(c) for c in signed],
        "public_key": signed[-1].public_key if signed else None,
    }


def to_bytes(bundle: dict) -> bytes:
    """The bundle as indented UTF-8 JSON, Chinese left readable."""
    return (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
