"""The bureau's document numbers (文号) and the papers issued from a case, kept byte for byte."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from storage.base import Base
from storage.base import utcnow


class DocumentCounter(Base):
    """The last serial issued per 代字 and year: its row lock makes concurrent issuers take turns."""

    __tablename__ = "document_counter"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_serial: Mapped[int] = mapped_column(default=0)


class DocumentNumber(Base):
    """One issued number "{代字}〔{year}〕{serial}号"; never reused: a withdrawn one stays, marked void (作废)."""

    __tablename__ = "document_number"
    __table_args__ = (UniqueConstraint("prefix", "year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    serial: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))  # the paper: appointment_notice / publicity / …
    title: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the document that carries the number
    status: Mapped[str] = mapped_column(String(10), default="issued")  # issued / void
    void_reason: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class IssuedPaper(Base):
    """A paper generated from a case and put on its record (notice, sheet, form): the exact bytes and their sha256."""

    __tablename__ = "issued_paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    staff_no: Mapped[str | None] = mapped_column(String(40))  # the candidate, for a paper about one person
    document_number_id: Mapped[int | None] = mapped_column(ForeignKey("document_number.id"))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
