"""The cadre file's management records (seed 004): talks (谈心谈话), filings (备案) and leave periods."""

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from storage.base import Base
from storage.base import utcnow


class TalkRecord(Base):
    """A talk with a cadre (谈心谈话, 任职谈话, 提醒谈话 …); ``case_id`` when a procedure's task made it."""

    __tablename__ = "talk_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    held_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(30))  # heart_to_heart / appointment / reminder / ...
    talkers: Mapped[str] = mapped_column(String(200))  # the names of who talked with the cadre
    summary: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Filing(Base):
    """A matter filed with the personnel office (备案): further study, an honour, a complaint …"""

    __tablename__ = "filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # education / honour / complaint / other
    filed_on: Mapped[date]
    content: Mapped[str] = mapped_column(Text)
    document_no: Mapped[str | None] = mapped_column(String(60))  # 文号, when the filing has one
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeavePeriod(Base):
    """A period of leave (病假, 事假, 产假 …), both days included; long leave extends the probation year."""

    __tablename__ = "leave_period"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # sick / personal / maternity / ...
    start_date: Mapped[date]
    end_date: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
