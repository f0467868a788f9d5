"""The whole record's chain checked in one streamed pass: numbering, links, hashes, and the signed hash lists."""

import hashlib
from dataclasses import dataclass
from json.encoder import encode_basestring
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import AuditHead
from workflows.record.canonical import MAX_SAFE_INTEGER
from workflows.record.canonical import digest_with_text
from workflows.text import t

GENESIS_HASH = "0" * 64
BATCH = 5000  # rows per fetch: a server-side cursor on PostgreSQL, so a million events never sit in memory
COLUMNS = (
    AuditEvent.seq, AuditEvent.case_id, AuditEvent.type, AuditEvent.actor_id, AuditEvent.actor,
    AuditEvent.role, AuditEvent.at, AuditEvent.payload, AuditEvent.state_digest,
    AuditEvent.case_prev_hash, AuditEvent.prev_hash, AuditEvent.hash,
)
NAMES = tuple(column.key for column in COLUMNS)


@dataclass
class ChainVerdict:
    """The result of checking the chain: ``first_bad_seq`` and ``reason`` say where it broke."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def recompute_hash(row) -> str | None:
    """The hash a stored row should have (None when its payload cannot be read).

    The stored payload text goes into the hashed bytes as it is, so re-spacing or re-ordering it
    changes the hash just as changing a value does.
    """
    fields = {"seq": row.seq, "case_id": row.case_id, "type": row.type, "actor_id": row.actor_id,
              "actor": row.actor, "role": row.role, "at": row.at, "state_digest": row.state_digest,
              "case_prev_hash": row.case_prev_hash, "prev_hash": row.prev_hash}
    try:
        return digest_with_text(fields, "payload", row.payload)
    except (TypeError, ValueError, OverflowError):
        return None


def event_hash(row: tuple) -> str | None:
    """:func:`recompute_hash` of a row given as the values of :data:`COLUMNS`, written out for their usual types.

    Verifying a million events spends its time here: the event's canonical JSON is laid out in one f-string
    (RFC 8785 orders these ASCII keys as written). Any other type a tampered row may hold (a float or a text
    seq, a payload that is not text, a lone surrogate) takes the general path, which decides.
    """
    seq, case_id, type_, actor_id, actor, role, at, payload, state_digest, case_prev, prev, _ = row
    # Written out rather than a helper's calls: this runs a million times.
    if (type(payload) is str and type(seq) is int and -MAX_SAFE_INTEGER <= seq <= MAX_SAFE_INTEGER
            and (case_id is None or type(case_id) is int and -MAX_SAFE_INTEGER <= case_id <= MAX_SAFE_INTEGER)
            and (actor_id is None or type(actor_id) is int and -MAX_SAFE_INTEGER <= actor_id <= MAX_SAFE_INTEGER)):
        try:
            text = (f'{{"actor":{encode_basestring(actor)},'
                    f'"actor_id":{"null" if actor_id is None else actor_id},'
                    f'"at":{encode_basestring(at)},'
                    f'"case_id":{"null" if case_id is None else case_id},'
                    f'"case_prev_hash":{"null" if case_prev is None else encode_basestring(case_prev)},'
                    f'"payload":{payload},'
                    f'"prev_hash":{encode_basestring(prev)},'
                    f'"role":{"null" if role is None else encode_basestring(role)},'
                    f'"seq":{seq},'
                    f'"state_digest":{"null" if state_digest is None else encode_basestring(state_digest)},'
                    f'"type":{encode_basestring(type_)}}}')
            return hashlib.sha256(text.encode()).hexdigest()
        except (TypeError, UnicodeEncodeError):
            pass
    return recompute_hash(SimpleNamespace(**dict(zip(NAMES, row, strict=True))))


@dataclass
class ListsVerdict:
    """What the pass found comparing the signed checkpoints' hash lists with the log."""

    intact_until: int = 0  # the last checkpoint's seq found intact
    bad_seq: int | None = None
    reason: str = ""


def _batches(session: Session):
    """Every event as a plain tuple of :data:`COLUMNS`, in seq order, a batch at a time, in the session's transaction.

    The bare driver's cursor: SQLAlchemy's row objects cost a second per million events. On PostgreSQL a named
    (server-side) cursor, so the rows stream.
    """
    connection = session.connection()
    sql = str(select(*COLUMNS).order_by(AuditEvent.seq).compile(dialect=connection.dialect))
    driver = connection.connection.driver_connection
    cursor = driver.cursor(name="cadreflow_verify") if connection.dialect.name == "postgresql" else driver.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def scan(session: Session, signed=()) -> tuple[ChainVerdict, ListsVerdict]:
    """The chain from seq 1 (numbering, links, hashes, the head row) and ``signed`` checkpoints' lists, one pass.

    The chain stops at its first fault, the lists at theirs (or past the newest checkpoint); reading stops
    when both have.
    """
    expected, prev_hash, case_last, chain = 1, GENESIS_HASH, {}, None
    pending = iter(sorted(signed, key=lambda c: c.seq))
    current = next(pending, None)
    lists, last_seq, lists_done = ListsVerdict(), 0, False
    batches = _batches(session)
    for batch in batches:
        for row in batch:
            seq, case_id, case_prev, prev, hash_ = row[0], row[1], row[9], row[10], row[11]
            if not lists_done:
                last_seq = seq
                while current is not None and seq > current.seq:
                    current = next(pending, None)
                if current is None:
                    lists_done = True  # events after the newest checkpoint: only the chain speaks for them
                elif 0 <= (index := seq - current.from_seq - 1) < len(current.hashes):
                    if current.hashes[index] != hash_:
                        lists.bad_seq, lists.reason, lists_done = seq, t(
                            "seq {seq} 与检查点（seq {checkpoint}）签名时的记录不符：记录在签名后被改写",
                            seq=seq, checkpoint=current.seq), True
                    elif seq == current.seq:
                        lists.intact_until = seq
            if chain is None:
                if seq != expected:
                    fault = t("缺少 seq {missing}（下一条记录是 seq {next}）", missing=expected, next=seq)
                elif prev != prev_hash:
                    fault = t("prev_hash 与前一条记录的 hash 不符")
                elif event_hash(row) != hash_:
                    fault = t("内容与 hash 不符（记录被改动）")
                elif case_id is not None and case_prev != case_last.get(case_id):
                    fault = t("case_prev_hash 与本案件前一条记录不符")
                else:
                    if case_id is not None:
                        case_last[case_id] = hash_
                    expected, prev_hash = expected + 1, hash_
                    continue
                chain = ChainVerdict(False, expected - 1, min(expected, seq), fault)
            if lists_done:
                break
        else:
            continue
        break
    batches.close()  # the cursor, when the pass stopped early
    newest = max((c.seq for c in signed), default=0)
    if lists.bad_seq is None and newest > last_seq:
        lists.bad_seq = last_seq + 1
        lists.reason = t("seq {first} 起的记录已被检查点（seq {checkpoint}）签名，但记录止于 seq {last}",
                         first=last_seq + 1, checkpoint=newest, last=last_seq)
    return chain or _head_verdict(session, expected, prev_hash), lists


def verify_chain(session: Session) -> ChainVerdict:
    """Check every event from seq 1: numbering, links, hashes, and the head row."""
    return scan(session)[0]


def _head_verdict(session: Session, expected: int, prev_hash: str) -> ChainVerdict:
    """The chain held up to seq ``expected - 1`` ending in ``prev_hash``: the head row must name that end."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != expected - 1 or head_hash != prev_hash:
        bad = min(head_seq, expected - 1) + 1 if head_seq != expected - 1 else expected - 1
        return ChainVerdict(False, expected - 1, bad,
                            t("记录末尾与链头不符（链头 seq {head}，实际最后一条 seq {last}）", head=head_seq,
                              last=expected - 1))
    return ChainVerdict(True, expected - 1)
