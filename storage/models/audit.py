"""The append-only, hash-chained audit record and the head row that serialises appends."""

from sqlalchemy import BigInteger
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from storage.base import Base


class AuditEvent(Base):
    """One entry of the official record (全程记实); ``hash`` covers every other column."""

    __tablename__ = "audit_event"
    # The start page finds a user's previous sign-in among the sign-ins alone (0017).
    __table_args__ = (Index("ix_audit_event_case_id_seq", "case_id", "seq"),
                      Index("ix_audit_event_login", "actor_id", "seq", sqlite_where=text("type = 'user.login'"),
                            postgresql_where=text("type = 'user.login'")))

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    type: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(40))
    # ISO 8601 UTC with microseconds, kept as text so it round-trips byte for byte.
    at: Mapped[str] = mapped_column(String(32))
    # Canonical JSON (RFC 8785) text of what was submitted and decided.
    payload: Mapped[str] = mapped_column(Text)
    state_digest: Mapped[str | None] = mapped_column(String(64))
    case_prev_hash: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"AuditEvent({self.seq!r}, {self.type!r})"


class AuditHead(Base):
    """The single row holding the last ``seq`` and ``hash``; locking it serialises appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class CaseAuditHead(Base):
    """The last event of each case, so that losing a case's newest events is noticed too."""

    __tablename__ = "case_audit_head"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)  # the cases that moved lately, newest first (0017)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement that the record held ``seq`` events ending in ``hash`` at time ``at``.

    ``hashes`` lists the hash of every event since the previous checkpoint (one per line), so that a
    chain rewritten and re-hashed afterwards can be pinned to its first changed event; the signature
    covers the digest of that list as well.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    from_seq: Mapped[int] = mapped_column(BigInteger)
    hashes: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(64))  # raw Ed25519 key, base64
    signature: Mapped[str] = mapped_column(String(100))  # base64
    made_by: Mapped[str] = mapped_column(String(80))
