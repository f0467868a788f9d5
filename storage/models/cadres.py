"""The cadre registry (干部信息库): a person and their history of posts."""

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from storage.base import Base
from storage.base import utcnow
from storage.models.organisation import Section


class Cadre(Base):
    """A section-level cadre; ``birth_date`` is the date the personnel file certifies (档案认定)."""

    __tablename__ = "cadre"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(40), unique=True)  # the registry's own ID
    name: Mapped[str] = mapped_column(String(80), index=True)
    gender: Mapped[str] = mapped_column(String(10))  # male / female
    birth_date: Mapped[date]
    ethnicity: Mapped[str] = mapped_column(String(20))
    political_affiliation: Mapped[str] = mapped_column(String(30))
    party_join_date: Mapped[date | None]
    work_start_date: Mapped[date | None]
    staff_category: Mapped[str] = mapped_column(String(30))  # civil_servant / ... see rules.facts
    retirement_category: Mapped[str] = mapped_column(String(20))  # male / female_cadre / female_worker
    ft_education_level: Mapped[str | None] = mapped_column(String(20))
    ft_degree: Mapped[str | None] = mapped_column(String(40))
    ft_school: Mapped[str | None] = mapped_column(String(120))
    ft_major: Mapped[str | None] = mapped_column(String(120))
    pt_education_level: Mapped[str | None] = mapped_column(String(20))
    pt_degree: Mapped[str | None] = mapped_column(String(40))
    # What the 干部任免审批表 adds (papers.md §1): each as the form writes it.
    identity_no: Mapped[str | None] = mapped_column(String(18), index=True, unique=True)  # 公民身份号码
    native_place: Mapped[str | None] = mapped_column(String(60))  # 籍贯
    birthplace: Mapped[str | None] = mapped_column(String(60))  # 出生地
    health: Mapped[str | None] = mapped_column(String(30))  # 健康状况
    professional_title: Mapped[str | None] = mapped_column(String(80))  # 专业技术职务
    expertise: Mapped[str | None] = mapped_column(String(200))  # 熟悉专业有何专长
    ft_degree_school: Mapped[str | None] = mapped_column(String(200))  # 学位授予院校系及专业, when not the above
    pt_school: Mapped[str | None] = mapped_column(String(120))
    pt_major: Mapped[str | None] = mapped_column(String(120))
    pt_degree_school: Mapped[str | None] = mapped_column(String(200))
    # Written texts that replace the generated ones (an imported .lrmx, a hand correction); None = generate.
    post_text: Mapped[str | None] = mapped_column(String(200))  # 现任职务 when no open post says it
    rewards_text: Mapped[str | None] = mapped_column(Text)  # 奖惩情况
    assessment_text: Mapped[str | None] = mapped_column(Text)  # 年度考核结果
    under_investigation: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)  # still in the section-level cadre pool
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    posts: Mapped[list["Post"]] = relationship(
        back_populates="cadre", order_by="Post.start_date", cascade="all, delete-orphan")

    @property
    def current_post(self) -> "Post | None":
        """The post held now (the open row of the history)."""
        return next((post for post in reversed(self.posts) if post.end_date is None), None)

    def __repr__(self) -> str:
        return f"Cadre({self.staff_no!r}, {self.name!r})"


class Post(Base):
    """One appointment in a cadre's history; the open row (no ``end_date``) is the current post."""

    __tablename__ = "post"
    __table_args__ = (Index("ix_post_cadre_id_end_date", "cadre_id", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))  # 科长, 副科长, 一级主任科员 …
    level: Mapped[str | None] = mapped_column(String(30))  # section_chief / deputy_section_chief
    # 岗位类别 (finance, audit, …): key posts rotate after ten years even outside leadership. On the post, not the
    # section: one section holds posts of different kinds (办公室: 财务, 采购, 文秘), and the ten years run per post.
    category: Mapped[str | None] = mapped_column(String(30))
    is_leadership: Mapped[bool]
    civil_service_rank: Mapped[str | None] = mapped_column(String(40))
    decision_date: Mapped[date | None]  # the party group's decision: the term counts from it
    notice_date: Mapped[date | None]
    start_date: Mapped[date]
    same_post_start: Mapped[date]  # the 10-year rotation rule counts from here
    appointment_mode: Mapped[str] = mapped_column(String(30))  # promotion / transfer / second_line / demotion / other
    probation_start: Mapped[date | None]
    probation_end: Mapped[date | None]
    probation_result: Mapped[str | None] = mapped_column(String(20))  # passed / failed
    end_date: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(200))
    cadre: Mapped[Cadre] = relationship(back_populates="posts")
    section: Mapped[Section | None] = relationship()

    def __repr__(self) -> str:
        return f"Post({self.cadre_id!r}, {self.title!r}, {self.start_date!r})"
