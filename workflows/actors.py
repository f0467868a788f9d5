"""Who acts: the user behind a command, or the system (timers)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The acting user, the roles they hold, and the role they act in (when it is known)."""

    user_id: int | None
    username: str
    roles: frozenset[str]
    role: str | None = None

    def acting_as(self, role: str | None) -> "Actor":
        """The same user acting in ``role``."""
        return Actor(self.user_id, self.username, self.roles, role)


SYSTEM = Actor(None, "system", frozenset({"system"}), "system")

LANE_ROLES = (
    "personnel_office", "party_secretary", "party_group",
    "discipline", "inspection_team", "district_org_dept",
)
ROLE_NAMES = {
    "personnel_office": ("人事组织部门", "Personnel office"),
    "party_secretary": ("党组书记", "Party secretary"),
    "party_group": ("党组成员", "Party group member"),
    "discipline": ("纪检监察", "Discipline inspection"),
    "inspection_team": ("考察组", "Inspection team"),
    "district_org_dept": ("区委组织部", "District organisation department"),
    "auditor": ("审计（纪实查阅）", "Auditor"),
    "admin": ("系统管理员", "Administrator"),
}
