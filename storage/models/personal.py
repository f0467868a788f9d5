"""What the 干部任免审批表 needs of a cadre beyond the registry's core: family, résumé periods, awards, photo."""

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from storage.base import Base
from storage.base import utcnow


class FamilyMember(Base):
    """A family member or important social relation (家庭主要成员及重要社会关系), in the form's order."""

    __tablename__ = "family_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    position: Mapped[int]  # the row on the form, from 1
    relation: Mapped[str] = mapped_column(String(20))  # 称谓: 妻子, 儿子, 父亲 …
    name: Mapped[str] = mapped_column(String(80))
    birth_month: Mapped[date | None]  # 出生年月: the first of the month
    political_status: Mapped[str] = mapped_column(String(30), default="")  # 政治面貌, as written
    work_unit_post: Mapped[str] = mapped_column(String(200), default="")  # 工作单位及职务


class ResumeEntry(Base):
    """One period of the 简历 ("2010.07--2015.06  单位及职务"); the open period has no ``end_month``."""

    __tablename__ = "resume_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    position: Mapped[int]
    start_month: Mapped[date]  # the first of the month
    end_month: Mapped[date | None]
    text: Mapped[str] = mapped_column(String(500))


class Award(Base):
    """An award or honour (奖励、荣誉称号); with the sanctions it makes the form's 奖惩情况."""

    __tablename__ = "award"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    awarded_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))  # 记三等功, 优秀共产党员 …
    granted_by: Mapped[str] = mapped_column(String(120), default="")


class CadrePhoto(Base):
    """A cadre's 2-inch photo (JPEG or PNG), one per cadre, named by its sha256 in the record."""

    __tablename__ = "cadre_photo"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))  # image/jpeg / image/png
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
