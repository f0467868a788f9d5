"""No double starts: a cadre's running case of a procedure refuses a second one unless the office overrides it."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from storage.models import Case
from storage.models import ProcessSpec
from workflows.errors import DuplicateCase
from workflows.errors import InvalidData
from workflows.text import t


def running_cases(session: Session, process_id: str, cadre_id: int) -> list[int]:
    """Ids of the running cases of ``process_id`` (any version) that concern the cadre, oldest first."""
    return list(session.scalars(
        select(Case.id).join(ProcessSpec, ProcessSpec.id == Case.spec_id)
        .where(Case.cadre_id == cadre_id, Case.status == "running", ProcessSpec.process_id == process_id)
        .order_by(Case.id)))


def check(session: Session, process_id: str, process_name: str, cadre: Cadre,
          override_reason: str | None) -> dict | None:
    """Refuse a second running case for ``cadre``; with a reason, the override to put on record (else None).

    Two starts at once must not both miss the first: PostgreSQL serialises them on the cadre's row (read
    committed, so the second sees the first's case once it has the lock); SQLite took its write lock at BEGIN.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Cadre.id).where(Cadre.id == cadre.id).with_for_update())
    running = running_cases(session, process_id, cadre.id)
    if not running:
        return None
    if override_reason is None:
        raise DuplicateCase(
            t("{name}（{staff_no}）已有办理中的「{process}」案件 #{case}，不能重复发起；"
              "确需另行发起的，由人事组织部门填写理由后确认",
              name=cadre.name, staff_no=cadre.staff_no, process=process_name, case=running[0]), running[0])
    reason = override_reason.strip() if isinstance(override_reason, str) else ""
    if not 2 <= len(reason) <= 1000:
        raise InvalidData(t("另行发起的理由有误"),
                          {"override_reason": t("「另行发起的理由」为必填项，2 到 1000 个字符")})
    return {"running_cases": running, "reason": reason}
