"""What the registry keeps about each cadre besides posts: assessments, sanctions, recommendations.

Talks (谈心谈话), filings (备案) and leave periods are in :mod:`storage.models.cadre_file`.
"""

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from storage.base import Base


class AnnualAssessment(Base):
    """A cadre's annual assessment grade (年度考核) under the scheme that applies to them."""

    __tablename__ = "annual_assessment"
    __table_args__ = (UniqueConstraint("cadre_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(30))  # excellent / competent / basically_competent / ...
    scheme: Mapped[str] = mapped_column(String(30))  # civil_servant / institution


class Sanction(Base):
    """A sanction, admonishment or organisational measure with the end of its impact period (影响期)."""

    __tablename__ = "sanction"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    decided_on: Mapped[date]
    impact_until: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")


class RecommendationResult(Base):
    """A democratic recommendation (民主推荐) result; valid for one year."""

    __tablename__ = "recommendation_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    held_on: Mapped[date]
    targeted_post: Mapped[str | None] = mapped_column(String(120))
    votes: Mapped[int]
    voters: Mapped[int]
    valid_until: Mapped[date]
