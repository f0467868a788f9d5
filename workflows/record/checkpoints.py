"""Signed checkpoints of the record: Ed25519 over (seq, hash, time), made and checked against the log."""

import base64
import hashlib
import os
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditCheckpoint
from storage.models import AuditEvent
from storage.models import AuditHead
from workflows.engine.clock import iso
from workflows.engine.clock import parse_iso
from workflows.errors import CommandError
from workflows.text import t
from workflows.vocabulary import Event

HEADER = "cadreflow audit checkpoint v1"
CLOSING_TYPES = (Event.CASE_COMPLETED, Event.CASE_CANCELLED)


class SigningKeyError(CommandError):
    """The signing key file is missing, unreadable or not an Ed25519 key."""

    code = "signing_key"


class CheckpointFormatError(CommandError):
    """A checkpoint file that cannot be read; the message names the line."""

    code = "checkpoint_format"


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint; ``hashes`` are the event hashes of (from_seq, seq]."""

    seq: int
    hash: str
    at: str
    from_seq: int
    hashes_digest: str
    public_key: str
    signature: str = ""
    hashes: tuple[str, ...] | None = None  # kept in the database, not in an exported file

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def message(self) -> bytes:
        """The signed bytes."""
        return (f"{HEADER}\nseq: {self.seq}\nhash: {self.hash}\nat: {self.at}\n"
                f"from: {self.from_seq}\nhashes: {self.hashes_digest}\n").encode("ascii")

    def to_text(self) -> str:
        """The file an auditor keeps: the signed lines, the public key and the signature."""
        return (self.message().decode("ascii")
                + f"key: {self.public_key}\nsignature: {self.signature}\n")

    def signature_ok(self) -> bool:
        """Whether the signature verifies under the checkpoint's own public key."""
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key, validate=True))
            key.verify(base64.b64decode(self.signature, validate=True), self.message())
            return True
        except (InvalidSignature, ValueError):
            return False


def key_id(public_key: str) -> str:
    """A short fingerprint of a base64 public key, for people to compare."""
    return hashlib.sha256(public_key.encode("ascii")).hexdigest()[:16]


def public_key_text(text: str) -> str:
    """A public key as base64 of its raw bytes, from that form itself or from PEM."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN PUBLIC KEY-----"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError:
        raise SigningKeyError(t("公钥格式有误：应为 Ed25519 公钥（base64 或 PEM）")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(t("公钥不是 Ed25519 公钥"))
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def hashes_digest(hashes) -> str:
    """The digest of a list of event hashes, as the signature covers it."""
    return hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()


class Signer:
    """The private key from ``CADREFLOW_SIGNING_KEY``; it never goes into the database."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode("ascii")
        self.key_id = key_id(self.public_key)

    def sign(self, checkpoint: Checkpoint) -> Checkpoint:
        signature = base64.b64encode(self._key.sign(checkpoint.message())).decode("ascii")
        return replace(checkpoint, signature=signature)


def generate_key(path: Path) -> Signer:
    """Write a new private key to ``path`` (mode 0600); an existing file is never overwritten."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningKeyError(t("签名密钥文件 {path} 已存在，不会覆盖", path=str(path))) from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return Signer(key)


def load_signer(path: str | Path) -> Signer:
    """The signer of the PEM key file at ``path``."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as error:
        raise SigningKeyError(t("无法读取签名密钥文件 {path}：{error}", path=str(path), error=error.strerror)) from None
    except (ValueError, TypeError):
        raise SigningKeyError(t("签名密钥文件 {path} 不是有效的 PEM 私钥", path=str(path))) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(t("签名密钥文件 {path} 不是 Ed25519 密钥", path=str(path)))
    return Signer(key)


def parse_text(text: str, source: str = t("检查点文件")) -> Checkpoint:
    """Read an exported checkpoint; errors name the line."""
    lines = text.strip().splitlines()
    if not lines or lines[0].strip() != HEADER:
        raise CheckpointFormatError(t("{source} 第 1 行应为「{header}」", source=source, header=HEADER))
    fields = {}
    for number, line in enumerate(lines[1:], start=2):
        name, sep, value = line.partition(": ")
        if not sep:
            raise CheckpointFormatError(t("{source} 第 {number} 行格式有误：{line}", source=source, number=number,
                                                          line=line[:60]))
        fields[name.strip()] = value.strip()
    missing = [name for name in ("seq", "hash", "at", "from", "hashes", "key", "signature") if name not in fields]
    if missing:
        raise CheckpointFormatError(t("{source} 缺少字段：{fields}", source=source, fields="、".join(missing)))
    try:
        return Checkpoint(int(fields["seq"]), fields["hash"], fields["at"], int(fields["from"]),
                          fields["hashes"], fields["key"], fields["signature"])
    except ValueError:
        raise CheckpointFormatError(t("{source} 中 seq 或 from 不是整数", source=source)) from None


def from_row(row: AuditCheckpoint) -> Checkpoint:
    hashes = tuple(row.hashes.split("\n")) if row.hashes else ()
    return Checkpoint(row.seq, row.hash, row.at, row.from_seq, hashes_digest(hashes), row.public_key,
                      row.signature, hashes)


def stored(session: Session) -> list[Checkpoint]:
    """Every checkpoint in the database, oldest first."""
    return [from_row(row) for row in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))]


def latest(session: Session) -> AuditCheckpoint | None:
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1))


def covering(session: Session, seq: int) -> Checkpoint | None:
    """The first checkpoint that covers event ``seq``."""
    row = session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq >= seq)
                         .order_by(AuditCheckpoint.seq).limit(1))
    return from_row(row) if row else None


def make(session: Session, signer: Signer, at: datetime, made_by: str = "system") -> Checkpoint | None:
    """Sign the log as it stands; None when no event came since the last checkpoint."""
    # Locking the head serialises checkpoints with each other (and with appends), so each one starts
    # where the one before it ended: verification treats a gap as a deleted checkpoint.
    head = session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    last = latest(session)
    from_seq = last.seq if last else 0
    if head is None or head.seq <= from_seq:
        return None
    hashes = tuple(session.scalars(select(AuditEvent.hash).where(
        AuditEvent.seq > from_seq, AuditEvent.seq <= head.seq).order_by(AuditEvent.seq)))
    checkpoint = signer.sign(Checkpoint(head.seq, head.hash, iso(at), from_seq, hashes_digest(hashes),
                                        signer.public_key, hashes=hashes))
    session.add(AuditCheckpoint(seq=checkpoint.seq, hash=checkpoint.hash, at=checkpoint.at,
                                from_seq=from_seq, hashes="\n".join(hashes), key_id=signer.key_id,
                                public_key=signer.public_key, signature=checkpoint.signature,
                                made_by=made_by))
    return checkpoint


def due(session: Session, at: datetime, every: int, max_age: timedelta) -> bool:
    """Whether a checkpoint is due: ``every`` events since the last, a case closed, or ``max_age`` passed."""
    head = session.get(AuditHead, 1)
    last = latest(session)
    since = last.seq if last else 0
    if head is None or head.seq <= since:
        return False
    if head.seq - since >= every or last is None or at - parse_iso(last.at) >= max_age:
        return True
    # Fewer than ``every`` events came since: their types, read by the seq range, are few. Asked as "does any
    # closing event lie past ``since``", SQLite searched its index of types, every case closure ever recorded:
    # 220 ms per write at 100,000 cases (make load).
    types = session.scalars(select(AuditEvent.type).where(AuditEvent.seq > since, AuditEvent.seq <= head.seq))
    return any(kind in CLOSING_TYPES for kind in types)


def make_if_due(session: Session, signer: Signer, at: datetime, every: int, max_age: timedelta,
                made_by: str = "system") -> Checkpoint | None:
    """Make a checkpoint when :func:`due` says so."""
    return make(session, signer, at, made_by) if due(session, at, every, max_age) else None

