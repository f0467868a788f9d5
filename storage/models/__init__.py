"""Every model module, imported so that ``Base.metadata`` is complete for Alembic."""

from storage.models.audit import AuditEvent
from storage.models.audit import AuditHead
from storage.models.audit import CaseAuditHead
from storage.models.cases import Case
from storage.models.cases import HumanTask
from storage.models.cases import IdempotencyRecord
from storage.models.cases import Timer
from storage.models.processes import ProcessSpec
from storage.models.users import ApiToken
from storage.models.users import Role
from storage.models.users import User
from storage.models.users import UserRole

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "Case",
    "CaseAuditHead",
    "HumanTask",
    "IdempotencyRecord",
    "ProcessSpec",
    "Role",
    "Timer",
    "User",
    "UserRole",
]
