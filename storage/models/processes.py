"""Deployed process versions: immutable BPMN, DMN and form sources with their serialized spec."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from storage.base import Base
from storage.base import utcnow


class ProcessSpec(Base):
    """One deployed version of one process; never updated once written."""

    __tablename__ = "process_spec"
    __table_args__ = (
        UniqueConstraint("process_id", "version"),
        UniqueConstraint("process_id", "sha256", name="uq_process_spec_process_id_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # {file name: text} of every BPMN, DMN and form file of this version.
    sources: Mapped[dict] = mapped_column(JSON, deferred=True)
    # {task bpmn id: JSON Schema} of every user task (and start event) form.
    forms: Mapped[dict] = mapped_column(JSON)
    # {task bpmn id: {"lane":…, "name":…, "assignee_variable":…}} for the inbox projection.
    task_info: Mapped[dict] = mapped_column(JSON)
    # The SpiffWorkflow serializer's dict of the spec and its subprocess specs, as JSON text.
    spec_json: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"ProcessSpec({self.process_id!r}, v{self.version})"
