"""Ways the database's owner can rewrite a signed record, each with the seq a verifier must name first."""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.signed_log import SignedLog
from workflows.record import audit
from workflows.record import checkpoints
from workflows.record.canonical import canonical_text
from workflows.record.canonical import sha256_hex
from workflows.record.checkpoints import Checkpoint

CONTENT = ("case_id", "type", "actor_id", "actor", "role", "at", "payload", "state_digest",
           "case_prev_hash", "prev_hash", "hash")
SWAP_GAP = 13  # the second row of a swap: far enough that the two rows differ in every link


@dataclass(frozen=True)
class Strike:
    """What an attack did: the first seq it made wrong, and the checkpoints the auditor holds now."""

    first_bad: int
    kept: list[Checkpoint]


Attack = Callable[[Session, SignedLog, int, random.Random], Strike]


def _sql(session: Session, statement: str, params=None):
    return session.execute(text(statement), params or {})


def _row(session: Session, seq: int) -> dict:
    return dict(_sql(session, "SELECT * FROM audit_event WHERE seq = :seq", {"seq": seq}).mappings().one())


def _nearest(session: Session, at: int, condition: str = "1 = 1") -> int:
    """The first seq from ``at`` on whose row meets ``condition``, else the last one before it."""
    after = _sql(session, f"SELECT min(seq) FROM audit_event WHERE seq >= :at AND {condition}", {"at": at}).scalar()
    return after or _sql(session, f"SELECT max(seq) FROM audit_event WHERE {condition}").scalar()


def reset_heads(session: Session) -> None:
    """Point audit_head and every case head at the log as it now stands, as a careful attacker would."""
    last = _sql(session, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").first()
    _sql(session, "UPDATE audit_head SET seq = :seq, hash = :hash",
         {"seq": last.seq if last else 0, "hash": last.hash if last else audit.GENESIS_HASH})
    _sql(session, "DELETE FROM case_audit_head")
    # One aggregate rather than a max() per row: on PostgreSQL a per-row max walks past every row
    # the attack deleted in this transaction, seconds for a cut-back log.
    _sql(session, "INSERT INTO case_audit_head (case_id, seq, hash) SELECT e.case_id, e.seq, e.hash "
                  "FROM audit_event e JOIN (SELECT max(seq) AS seq FROM audit_event WHERE case_id IS NOT NULL "
                  "GROUP BY case_id) last ON last.seq = e.seq")


def flipped(value: str, rng: random.Random | None) -> str:
    """``value`` with one byte of its UTF-8 flipped (the middle one, or a random one), still valid text."""
    data = bytearray(value.encode("utf-8"))
    start = rng.randrange(len(data)) if rng else len(data) // 2
    for index in [*range(start, len(data)), *range(start)]:
        data[index] ^= 1
        try:
            result = data.decode("utf-8")
            if "\x00" not in result:
                return result
        except UnicodeDecodeError:
            pass
        data[index] ^= 1
    raise AssertionError(f"no byte of {value!r} flips into valid text")


def flip(column: str) -> Attack:
    """Flip one byte of ``column`` in one row; a number column gets its lowest bit flipped instead."""
    def attack(session, log, at, rng=None):
        seq = _nearest(session, at, f"{column} IS NOT NULL")
        old = _row(session, seq)[column]
        if column == "case_id":  # a foreign key: the attacker moves the event to another case
            new = log.case_ids[(log.case_ids.index(old) + 1) % len(log.case_ids)]
        elif column == "actor_id":
            new = old ^ 1
        else:
            new = flipped(old, rng)
        _sql(session, f"UPDATE audit_event SET {column} = :new WHERE seq = :seq", {"new": new, "seq": seq})
        return Strike(seq, [log.kept])
    attack.__name__ = f"flip_{column}"
    return attack


def delete_one(session, log, at, rng=None) -> Strike:
    _sql(session, "DELETE FROM audit_event WHERE seq = :at", {"at": at})
    return Strike(at, [log.kept])


def delete_tail(session, log, at, rng=None) -> Strike:
    _sql(session, "DELETE FROM audit_event WHERE seq >= :at", {"at": at})
    return Strike(at, [log.kept])


def delete_tail_and_move_heads(session, log, at, rng=None) -> Strike:
    delete_tail(session, log, at)
    reset_heads(session)
    return Strike(at, [log.kept])


def insert(session, log, at, rng=None) -> Strike:
    """Push seq ``at`` on and write a well-formed event there, linked to the one before it."""
    previous = _row(session, at - 1) if at > 1 else {"hash": audit.GENESIS_HASH, "at": _row(session, 1)["at"]}
    _sql(session, "UPDATE audit_event SET seq = -seq - 1 WHERE seq >= :at", {"at": at})
    _sql(session, "UPDATE audit_event SET seq = -seq WHERE seq < 0")
    forged = {"seq": at, "case_id": None, "type": "user.created", "actor_id": None, "actor": "system",
              "role": "system", "at": previous["at"], "state_digest": None, "case_prev_hash": None,
              "payload": canonical_text({"username": "影子账户", "roles": ["auditor"]}), "prev_hash": previous["hash"]}
    forged["hash"] = audit.recompute_hash(SimpleNamespace(**forged))
    columns = ("seq", *CONTENT)
    _sql(session, f"INSERT INTO audit_event ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
         forged)
    reset_heads(session)
    return Strike(at, [log.kept])


def swap(session, log, at, rng=None) -> Strike:
    """Swap every column but seq between two rows."""
    low = min(at, log.last_seq - SWAP_GAP)
    rows = [_row(session, low), _row(session, low + SWAP_GAP)]
    assignments = ", ".join(f"{c} = :{c}" for c in CONTENT)
    for target, source in ((rows[0], rows[1]), (rows[1], rows[0])):
        _sql(session, f"UPDATE audit_event SET {assignments} WHERE seq = :seq",
             {**{c: source[c] for c in CONTENT}, "seq": target["seq"]})
    return Strike(low, [log.kept])


def swap_payloads_across_cases(session, log, at, rng=None) -> Strike:
    """Swap the payloads of an event of one case and the nearest event of another case that differs."""
    first = _row(session, _nearest(session, at, "case_id IS NOT NULL"))
    other = _sql(session, "SELECT seq, payload FROM audit_event WHERE case_id IS NOT NULL AND case_id != :case "
                          "AND payload != :payload ORDER BY abs(seq - :seq), seq LIMIT 1",
                 {"case": first["case_id"], "payload": first["payload"], "seq": first["seq"]}).one()
    for seq, payload in ((first["seq"], other.payload), (other.seq, first["payload"])):
        _sql(session, "UPDATE audit_event SET payload = :payload WHERE seq = :seq", {"payload": payload, "seq": seq})
    return Strike(min(first["seq"], other.seq), [log.kept])


def rechain_after_edit(session, log, at, rng=None) -> Strike:
    """Rewrite the data of event ``at`` and recompute every later link and hash, and the heads."""
    rows = [SimpleNamespace(**row) for row in _sql(session, "SELECT * FROM audit_event ORDER BY seq").mappings()]
    previous, case_last, changed = audit.GENESIS_HASH, {}, []
    for row in rows:
        if row.seq == at:
            row.payload = canonical_text({**json.loads(row.payload), "补记": "经核实无异议"})
        if row.seq >= at:
            row.prev_hash, row.case_prev_hash = previous, case_last.get(row.case_id)
            row.hash = audit.recompute_hash(row)
            changed.append(vars(row))
        if row.case_id is not None:
            case_last[row.case_id] = row.hash
        previous = row.hash
    _sql(session, "UPDATE audit_event SET payload = :payload, prev_hash = :prev_hash, "
                  "case_prev_hash = :case_prev_hash, hash = :hash WHERE seq = :seq", changed)
    reset_heads(session)
    return Strike(at, [log.kept])


def rechain_and_drop_checkpoints(session, log, at, rng=None) -> Strike:
    """The chain recomputed after an edit, and every stored checkpoint deleted.

    Only the kept checkpoint is left to speak: it signed the hash of its own seq, and a chain
    recomputed from any earlier seq changes that hash, so it proves that something in 1..its seq was
    rewritten but not where. The verdict names the start of that range: seq 1.
    """
    rechain_after_edit(session, log, at)
    _sql(session, "DELETE FROM audit_checkpoint")
    return Strike(1, [log.kept])


def drop_checkpoint_and_rechain(session, log, at, rng=None) -> Strike:
    """Delete the stored checkpoint covering ``at``, then edit ``at`` and recompute the chain from it.

    What is left proves the events before that checkpoint's range and shows the ones after it
    changed; nothing speaks for the range itself, so its first seq is the first a verifier can name.
    """
    covering = min(seq for seq in log.checkpoint_seqs if seq >= at)
    from_seq = _sql(session, "SELECT from_seq FROM audit_checkpoint WHERE seq = :seq", {"seq": covering}).scalar()
    _sql(session, "DELETE FROM audit_checkpoint WHERE seq = :seq", {"seq": covering})
    rechain_after_edit(session, log, at)
    return Strike(from_seq + 1, [log.kept])


def roll_back(session, log, at, rng=None) -> Strike:
    """Cut the log back to the newest stored checkpoint at or before ``at``, and drop the later checkpoints."""
    older = [seq for seq in log.checkpoint_seqs if seq < log.kept.seq]
    to = max((seq for seq in older if seq <= at), default=older[0])
    _sql(session, "DELETE FROM audit_event WHERE seq > :to", {"to": to})
    _sql(session, "DELETE FROM audit_checkpoint WHERE seq > :to", {"to": to})
    reset_heads(session)
    return Strike(to + 1, [log.kept])


def equivocate(session, log, at, rng=None) -> Strike:
    """The key holder signs a second, different hash for a seq a stored checkpoint already signed."""
    seq = min(seq for seq in log.checkpoint_seqs if seq >= min(at, log.kept.seq))
    stored = next(c for c in checkpoints.stored(session) if c.seq == seq)
    fork = replace(stored, hash=sha256_hex(f"fork of {stored.hash}".encode()), hashes=None)
    return Strike(seq, [log.kept, log.signer.sign(fork)])


FLIPS = [flip(column) for column in CONTENT]
ATTACKS: list[Attack] = [*FLIPS, delete_one, delete_tail, delete_tail_and_move_heads, insert, swap,
                         swap_payloads_across_cases, rechain_after_edit, rechain_and_drop_checkpoints, roll_back,
                         equivocate]
