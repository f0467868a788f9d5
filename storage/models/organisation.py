"""Units and sections (科室) with the leader in charge, yearly assessment and approved headcount; calendar changes."""

from datetime import date

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from storage.base import Base


class Unit(Base):
    """An organisation unit (the bureau, or a public institution under it)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"Unit({self.code!r})"


class Section(Base):
    """A section (科室) of a unit; ``leader_in_charge`` is the 分管班子成员 the seed's penalties reach."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    leader_in_charge_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    unit: Mapped[Unit] = relationship()
    assessments: Mapped[list["SectionAssessment"]] = relationship(
        back_populates="section", order_by="SectionAssessment.year", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"Section({self.code!r})"


class SectionAssessment(Base):
    """A section's grade and rank among the bureau's sections in one year."""

    __tablename__ = "section_assessment"
    __table_args__ = (UniqueConstraint("section_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(20))  # excellent / good / pass / fail
    rank: Mapped[int | None]  # 1 = best
    section: Mapped[Section] = relationship(back_populates="assessments")

    def __repr__(self) -> str:
        return f"SectionAssessment({self.section_id!r}, {self.year!r}, {self.grade!r})"


class PostHeadcount(Base):
    """The approved headcount (核定职数) of a section at one 职务层次; no row means none has been entered."""

    __tablename__ = "post_headcount"
    __table_args__ = (UniqueConstraint("section_id", "level"), CheckConstraint("approved >= 0", name="approved"))

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    level: Mapped[str] = mapped_column(String(30))  # section_chief / deputy_section_chief
    approved: Mapped[int]
    section: Mapped[Section] = relationship()

    def __repr__(self) -> str:
        return f"PostHeadcount({self.section_id!r}, {self.level!r}, {self.approved!r})"


class CalendarOverride(Base):
    """A local change to the official calendar: a day the bureau closes, or an extra working day."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"CalendarOverride({self.day!r}, workday={self.is_workday!r})"
