"""Verify the record: the hash chain, the signed checkpoints in the database and those an auditor kept."""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Case
from workflows.record import audit
from workflows.record import chain_scan
from workflows.record import checkpoints
from workflows.record import replay
from workflows.record.checkpoints import Checkpoint
from workflows.text import t


@dataclass
class Verdict:
    """Whether the record holds; if not, the first bad ``seq`` and what is wrong with it."""

    ok: bool
    checked: int = 0
    first_bad_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0
    latest: Checkpoint | None = None
    warnings: list[str] = field(default_factory=list)

    def fail(self, seq: int | None, reason: str) -> None:
        """Keep the earliest failure."""
        if self.ok or (seq is not None and (self.first_bad_seq is None or seq < self.first_bad_seq)):
            self.ok, self.first_bad_seq, self.reason = False, seq, reason


UNPINNED = t("未指定可信公钥：只核对了签名本身，请将公钥指纹与公布的指纹比对")


def signature_fault(checkpoint: Checkpoint, trusted: set[str] | None) -> str | None:
    """What is wrong with a checkpoint's signature, its key or its stored list; None when it holds."""
    if not checkpoint.signature_ok():
        return t("检查点（seq {seq}）的签名无效", seq=checkpoint.seq)
    if trusted is not None and checkpoint.public_key not in trusted:
        return t("检查点（seq {seq}）由未知公钥 {key} 签名", seq=checkpoint.seq, key=checkpoint.key_id)
    if checkpoint.hashes is not None and checkpoints.hashes_digest(checkpoint.hashes) != checkpoint.hashes_digest:
        return t("检查点（seq {seq}）保存的记录清单与签名不符", seq=checkpoint.seq)
    return None


def _check_succession(signed: list[Checkpoint], verdict: Verdict) -> None:
    """Each stored checkpoint starts where the one before it ended: a gap means a checkpoint was deleted."""
    previous = 0
    for checkpoint in signed:
        if checkpoint.from_seq != previous:
            verdict.fail(previous + 1, t("seq {first}–{last} 的签名检查点缺失（检查点记录被删除），"
                                         "这段记录失去了签名保护",
                                         first=previous + 1, last=checkpoint.from_seq))
        previous = checkpoint.seq


def _check_kept(session: Session, kept: Checkpoint, stored_by_seq: dict[int, Checkpoint],
                intact_until: int, verdict: Verdict) -> None:
    """Check a checkpoint the auditor kept against the log and the stored checkpoints."""
    twin = stored_by_seq.get(kept.seq)
    if twin is not None and (twin.hash != kept.hash or twin.hashes_digest != kept.hashes_digest):
        verdict.fail(kept.seq, t("seq {seq} 有两个内容不同的已签名检查点（分叉）", seq=kept.seq))
        return
    now_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == kept.seq))
    if now_hash == kept.hash:
        return
    if not verdict.ok and verdict.first_bad_seq is not None and verdict.first_bad_seq <= kept.seq:
        return  # the chain or a stored checkpoint already named the first changed event, exactly
    if now_hash is None:
        last = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0
        if last < kept.seq:
            verdict.fail(last + 1, t("您保存的检查点签名时记录已有 {kept} 条，现在只有 {last} 条："
                                     "seq {first} 起的记录被删除或回滚",
                                     kept=kept.seq, last=last, first=last + 1))
            return
    start = max((seq for seq in stored_by_seq if seq < kept.seq and seq <= intact_until), default=0) + 1
    verdict.fail(start, t("seq {seq} 的记录与您保存的检查点不符：seq {start}–{seq} 之间的记录在签名后被改写",
                          seq=kept.seq, start=start))


def verify_log(session: Session, trusted_keys: set[str] | None = None,
               kept: list[Checkpoint] = ()) -> Verdict:
    """Check the whole record: chain, stored checkpoints, and checkpoints kept outside the database."""
    signed = checkpoints.stored(session)
    faults = [(checkpoint.seq, signature_fault(checkpoint, trusted_keys)) for checkpoint in signed]
    good = [checkpoint for checkpoint, (_, fault) in zip(signed, faults, strict=True) if fault is None]
    # The chain and the signed lists in one pass over the log; the verdict names faults in the order it always has.
    chain, lists = chain_scan.scan(session, good)
    verdict = Verdict(True, chain.checked)
    if not chain.ok:
        verdict.fail(chain.first_bad_seq, chain.reason)
    verdict.checkpoints, verdict.latest = len(signed), (signed[-1] if signed else None)
    if trusted_keys is None and (signed or kept):
        verdict.warnings.append(UNPINNED)
    for seq, fault in faults:
        if fault:
            verdict.fail(seq, fault)
    for checkpoint in kept:
        if fault := signature_fault(checkpoint, trusted_keys):
            verdict.fail(checkpoint.seq, fault)
    _check_succession(signed, verdict)
    if lists.bad_seq is not None:
        verdict.fail(lists.bad_seq, lists.reason)
    intact_until = lists.intact_until
    stored_by_seq = {c.seq: c for c in good}
    for checkpoint in kept:
        _check_kept(session, checkpoint, stored_by_seq, intact_until, verdict)
    return verdict


@dataclass
class CaseVerdict(Verdict):
    """A case's verdict: its chain, its replay, and the checkpoint its last event chains to."""

    replayed: replay.ReplayVerdict | None = None
    uncovered: int = 0  # events after the newest checkpoint


def verify_case(session: Session, case: Case, trusted_keys: set[str] | None = None,
                with_replay: bool = True) -> CaseVerdict:
    """Check one case: its events' hashes and links, that each is what a checkpoint signed, its replay."""
    chain = audit.verify_case_chain(session, case.id)
    verdict = CaseVerdict(True, chain.checked)
    if not chain.ok:
        verdict.fail(chain.first_bad_seq, chain.reason)
    rows = session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.case_id == case.id)
                           .order_by(AuditEvent.seq)).all()
    if rows:
        _check_case_against_checkpoints(session, rows, trusted_keys, verdict)
    if with_replay:
        verdict.replayed = replay.replay_case(session, case)
        if not verdict.replayed.ok:
            verdict.fail(verdict.replayed.first_bad_seq, verdict.replayed.reason)
    return verdict


def _check_case_against_checkpoints(session: Session, rows, trusted_keys, verdict: CaseVerdict) -> None:
    covering: dict[int, Checkpoint] = {}
    for seq, hash_ in rows:
        checkpoint = next((c for c in covering.values() if c.from_seq < seq <= c.seq), None)
        if checkpoint is None:
            checkpoint = checkpoints.covering(session, seq)
            if checkpoint is None:
                verdict.uncovered += 1
                continue
            covering[checkpoint.seq] = checkpoint
            if fault := signature_fault(checkpoint, trusted_keys):
                verdict.fail(checkpoint.seq, fault)
        index = seq - checkpoint.from_seq - 1
        signed = checkpoint.hashes[index] if 0 <= index < len(checkpoint.hashes or ()) else None
        if signed != hash_:
            verdict.fail(seq, t("seq {seq} 与检查点（seq {checkpoint}）签名时的记录不符", seq=seq,
                                checkpoint=checkpoint.seq))
    verdict.checkpoints = len(covering)
    verdict.latest = max(covering.values(), key=lambda c: c.seq) if covering else None
    if verdict.uncovered:
        verdict.warnings.append(t("本案件最后 {count} 条记录尚无签名检查点覆盖", count=verdict.uncovered))
    if trusted_keys is None and covering:
        verdict.warnings.append(UNPINNED)
