"""The write side: each command locks a case, applies one transition, saves, projects and records it.

The commands live in ``cases`` (start, cancel), ``tasks`` (claim, unclaim, complete) and ``triggers`` (timers,
messages); each follows the one recipe of ``recipe``. Callers pass a Session and own the transaction.
"""

from workflows.commands.cases import CANCEL_ROLES
from workflows.commands.cases import STARTER_ROLE
from workflows.commands.cases import cancel_case
from workflows.commands.cases import open_tasks
from workflows.commands.cases import record_access_denied
from workflows.commands.cases import start_case
from workflows.commands.tasks import claim_task
from workflows.commands.tasks import complete_task
from workflows.commands.tasks import unclaim_task

__all__ = ["CANCEL_ROLES", "STARTER_ROLE", "cancel_case", "claim_task", "complete_task",
           "open_tasks", "record_access_denied", "start_case", "unclaim_task"]
