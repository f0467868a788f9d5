"""The official record: append hash-chained events and verify the chain, globally or for one case."""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import AuditHead
from storage.models import CaseAuditHead
from workflows.actors import Actor
from workflows.engine.clock import iso
from workflows.record.canonical import canonical_text
from workflows.record.canonical import digest_with_text
from workflows.record.chain_scan import COLUMNS as COLUMNS  # re-exported: the chain check lives there
from workflows.record.chain_scan import GENESIS_HASH as GENESIS_HASH
from workflows.record.chain_scan import ChainVerdict as ChainVerdict
from workflows.record.chain_scan import recompute_hash as recompute_hash
from workflows.record.chain_scan import verify_chain as verify_chain
from workflows.text import t


@dataclass(frozen=True)
class AppendedEvent:
    """Where an appended event stands in the chain."""

    seq: int
    hash: str


EVENT_BIND = "event_"


@cache
def _statements(dialect: str) -> SimpleNamespace:
    """The statements of :func:`append`, built once: this runs inside every command."""
    events, heads, case_heads = AuditEvent.__table__, AuditHead.__table__, CaseAuditHead.__table__
    # The global head and the case's head in one statement (one round trip less on PostgreSQL).
    case_head = select(case_heads.c.hash).where(case_heads.c.case_id == bindparam("of_case")).scalar_subquery()
    head = select(heads.c.seq, heads.c.hash, case_head.label("case_hash")).where(heads.c.id == 1)
    moved = {"seq": bindparam("new_seq"), "hash": bindparam("new_hash")}
    move_head = update(heads).where(heads.c.id == 1).values(moved)
    move_case_head = update(case_heads).where(case_heads.c.case_id == bindparam("of_case")).values(moved)
    statements = SimpleNamespace(
        head=head.with_for_update(of=heads) if dialect == "postgresql" else head,
        insert_event=insert(events), move_head=move_head, insert_case_head=insert(case_heads),
        move_case_head=move_case_head, event_and_heads=None)
    if dialect == "postgresql":
        # The event and both heads moved in one statement (data-modifying WITH runs each exactly once): two round
        # trips less in every command (benchmarks/bench_command_path.py). The event's values are bound under names
        # of their own: a parameter named like a column of a head (seq, hash, case_id) would also be SET there.
        insert_event = insert(events).values({column.name: bindparam(EVENT_BIND + column.name) for column in events.c})
        parts = [part.returning(literal_column("1")).cte(name)
                 for part, name in ((insert_event, "event_added"), (move_head, "head_moved"),
                                    (move_case_head, "case_head_moved"))]
        statements.event_and_heads = select(literal_column("1")).add_cte(*parts)
    return statements


def append(session: Session, *, type_: str, actor: Actor, at: datetime, payload: dict,
           case_id: int | None = None, state_digest: str | None = None) -> AppendedEvent:
    """Append one event after the head, in the caller's transaction."""
    sql = _statements(session.get_bind().dialect.name)
    head = session.execute(sql.head, {"of_case": case_id}).one()
    case_prev_hash = head.case_hash
    payload_text = canonical_text(payload)
    row = {
        "seq": head.seq + 1, "case_id": case_id, "type": str(type_), "actor_id": actor.user_id,
        "actor": actor.username, "role": actor.role, "at": iso(at), "payload": payload_text,
        "state_digest": state_digest, "case_prev_hash": case_prev_hash, "prev_hash": head.hash,
    }
    row["hash"] = digest_with_text({k: v for k, v in row.items() if k != "payload"}, "payload", payload_text)
    moved = {"new_seq": row["seq"], "new_hash": row["hash"]}
    if sql.event_and_heads is not None and case_prev_hash is not None:
        session.execute(sql.event_and_heads,
                        {**{EVENT_BIND + name: value for name, value in row.items()}, **moved, "of_case": case_id})
        return AppendedEvent(row["seq"], row["hash"])
    session.execute(sql.insert_event, row)
    session.execute(sql.move_head, moved)
    if case_id is None:
        pass
    elif case_prev_hash is None:
        session.execute(sql.insert_case_head, {"case_id": case_id, "seq": row["seq"], "hash": row["hash"]})
    else:
        session.execute(sql.move_case_head, {"of_case": case_id, **moved})
    return AppendedEvent(row["seq"], row["hash"])


def payload_of(event) -> dict:
    """An event's payload as a dict; ``{}`` when the stored text was damaged (verification names it)."""
    try:
        payload = json.loads(event.payload)
    except (TypeError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def verify_case_chain(session: Session, case_id: int) -> ChainVerdict:
    """Check one case's events: their hashes, their links to each other and to the global chain."""
    rows = session.execute(
        select(*COLUMNS).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)).all()
    predecessors = dict(session.execute(
        select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.seq.in_([row.seq - 1 for row in rows]))).all())
    predecessors[0] = GENESIS_HASH
    last = None
    for row in rows:
        if recompute_hash(row) != row.hash:
            return ChainVerdict(False, len(rows), row.seq, t("内容与 hash 不符（记录被改动）"))
        if row.case_prev_hash != (last.hash if last else None):
            return ChainVerdict(False, len(rows), row.seq, t("本案件的前一条记录缺失或被改动"))
        if predecessors.get(row.seq - 1) != row.prev_hash:
            return ChainVerdict(False, len(rows), row.seq, t("与全局链的前一条记录不符"))
        last = row
    return _check_case_head(session, case_id, last, len(rows))


def _check_case_head(session: Session, case_id: int, last, count: int) -> ChainVerdict:
    """The case's newest event must be the one its head row names."""
    head = session.get(CaseAuditHead, case_id)
    if head is None:
        return ChainVerdict(last is None, count, last.seq if last else None,
                            "" if last is None else t("本案件缺少记录头"))
    last_seq = last.seq if last else 0
    if head.seq == last_seq and head.hash == last.hash:
        return ChainVerdict(True, count)
    if head.seq > last_seq:
        present = set(session.scalars(select(AuditEvent.seq).where(
            AuditEvent.seq > last_seq, AuditEvent.seq <= head.seq)))
        missing = next((s for s in range(last_seq + 1, head.seq + 1) if s not in present), head.seq)
        return ChainVerdict(False, count, missing, t("本案件最后的记录缺失（应到 seq {seq}）", seq=head.seq))
    return ChainVerdict(False, count, head.seq + 1, t("本案件的记录头与最后一条记录不符"))
