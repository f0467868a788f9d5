"""Every model module, imported so that ``Base.metadata`` is complete for Alembic."""

from storage.models.attachments import Attachment
from storage.models.audit import AuditCheckpoint
from storage.models.audit import AuditEvent
from storage.models.audit import AuditHead
from storage.models.audit import CaseAuditHead
from storage.models.cadre_file import Filing
from storage.models.cadre_file import LeavePeriod
from storage.models.cadre_file import TalkRecord
from storage.models.cadres import Cadre
from storage.models.cadres import Post
from storage.models.cases import Case
from storage.models.cases import CaseWait
from storage.models.cases import HumanTask
from storage.models.cases import IdempotencyRecord
from storage.models.cases import Timer
from storage.models.organisation import CalendarOverride
from storage.models.organisation import PostHeadcount
from storage.models.organisation import Section
from storage.models.organisation import SectionAssessment
from storage.models.organisation import Unit
from storage.models.papers import DocumentCounter
from storage.models.papers import DocumentNumber
from storage.models.papers import IssuedPaper
from storage.models.personal import Award
from storage.models.personal import CadrePhoto
from storage.models.personal import FamilyMember
from storage.models.personal import ResumeEntry
from storage.models.processes import ProcessSpec
from storage.models.records import AnnualAssessment
from storage.models.records import RecommendationResult
from storage.models.records import Sanction
from storage.models.users import ApiToken
from storage.models.users import RecoveryCode
from storage.models.users import Role
from storage.models.users import SignInThrottle
from storage.models.users import User
from storage.models.users import UserRole
from storage.models.users import UserSession

__all__ = [
    "Award",
    "CadrePhoto",
    "DocumentCounter",
    "DocumentNumber",
    "FamilyMember",
    "IssuedPaper",
    "ResumeEntry",
    "CalendarOverride",
    "AnnualAssessment",
    "Cadre",
    "Filing",
    "LeavePeriod",
    "Post",
    "PostHeadcount",
    "RecommendationResult",
    "Sanction",
    "Section",
    "SectionAssessment",
    "TalkRecord",
    "Unit",
    "ApiToken",
    "Attachment",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "Case",
    "CaseAuditHead",
    "CaseWait",
    "HumanTask",
    "IdempotencyRecord",
    "ProcessSpec",
    "RecoveryCode",
    "Role",
    "SignInThrottle",
    "Timer",
    "User",
    "UserRole",
    "UserSession",
]
