"""Cases, their inbox projection (human tasks), waiting timers and idempotency records."""

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from storage.base import Base
from storage.base import CompressedText
from storage.base import utcnow
from storage.models.processes import ProcessSpec


class Case(Base):
    """One running or finished procedure; the workflow state is stored without its spec."""

    __tablename__ = "case"
    # The case lists (everyone's, or one starter's, or of one status) are read newest first, a page past the last
    # case shown; the status index also holds what the status and process filters read, for the counts (0017).
    __table_args__ = (Index("ix_case_started_at_id", "started_at", "id"),
                      Index("ix_case_started_by_id_started_at", "started_by_id", "started_at", "id"),
                      Index("ix_case_status_order", "status", "started_at", "id", "outcome", "spec_id",
                            "started_by_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("process_spec.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(200))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"), index=True)  # whom the case concerns
    status: Mapped[str] = mapped_column(String(20))  # running/completed/cancelled
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # A finished case: "completed", or "terminated" when its end event says a refusal stopped the procedure
    # (``caseOutcome`` in the model); the end event's BPMN id and name, as the lists and the record show them.
    outcome: Mapped[str | None] = mapped_column(String(20))
    end_event: Mapped[str | None] = mapped_column(String(120))
    end_name: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1)
    # Nullable only because SQLite adds a column so (migration 0014); every command writes it.
    workflow_state: Mapped[str] = mapped_column(CompressedText, deferred=True, nullable=True)
    serializer_version: Mapped[str] = mapped_column(String(16))
    state_digest: Mapped[str] = mapped_column(String(64))
    # When the scheduler next has work on this case (None: no timer waiting).
    next_timer_at: Mapped[datetime | None]
    spec: Mapped[ProcessSpec] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"Case({self.id!r}, {self.status!r})"


class HumanTask(Base):
    """A user task that is or was READY: the inbox reads only this table."""

    __tablename__ = "human_task"
    # Every inbox query and count filters open tasks by lane, assignee or claimer and orders them by due time or
    # arrival: this index answers the counts and finds a page's tasks by itself, in arrival order for one lane,
    # without visiting the closed rows or an open task's row; with the case and the name, a page filtered by
    # process or text too (benchmarks/bench_pages.py).
    __table_args__ = (Index("ix_human_task_open_order", "status", "lane", "created_at", "id", "assignee_id",
                            "claimed_by_id", "due_at", "case_id", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the Spiff task UUID
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # open/completed/cancelled
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    has_form: Mapped[bool] = mapped_column(default=True)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    case: Mapped[Case] = relationship()

    def __repr__(self) -> str:
        return f"HumanTask({self.bpmn_id!r}, {self.status!r})"


class Timer(Base):
    """A timer event a case is waiting on; the scheduler fires those that are due."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    due_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"Timer({self.bpmn_id!r}, due={self.due_at!r})"


class IdempotencyRecord(Base):
    """The answer given to a command sent with an idempotency key, to give it again."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseWait(Base):
    """What a running case waits for from outside a task (a timer, a message), with its end: a read model."""

    __tablename__ = "case_wait"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # timer / message
    boundary: Mapped[bool] = mapped_column(default=False)  # on an activity (a deadline, a complaint) or on its own
    name: Mapped[str] = mapped_column(String(300))  # the event's name in the model
    context: Mapped[str | None] = mapped_column(String(300))  # the enclosing subprocess or the activity it is on
    lane: Mapped[str | None] = mapped_column(String(40))  # who may deliver a message
    due_at: Mapped[datetime | None]
    # A working-day period: its last day, how many working days, and whether a year beyond the calendar's.
    period_end: Mapped[date | None]
    working_days: Mapped[int | None]
    provisional: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"CaseWait({self.bpmn_id!r}, {self.kind!r}, due={self.due_at!r})"
