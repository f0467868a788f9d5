"""The recipe every command on a running case follows: lock, version check, load, transition, save and project,
append the event, settle (registry effects, the completion event). Commands differ only in their checks."""

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from workflows import engine
from workflows.actors import Actor
from workflows.commands import warm
from workflows.commands.case_state import check_version
from workflows.commands.case_state import load
from workflows.commands.case_state import lock_case
from workflows.commands.case_state import save
from workflows.commands.projection import close_task
from workflows.processes import case_outcome
from workflows.queries.case_reads import case_summary
from workflows.record import audit
from workflows.registry import effects
from workflows.vocabulary import Event


class CaseCommand:
    """One command on one locked case: the workflow as it stood, and :meth:`apply` for the rest of the recipe."""

    def __init__(self, session: Session, actor: Actor, at: datetime, case: Case,
                 expected_version: int | None = None, *, open_rows: dict | None = None):
        check_version(case, expected_version)
        self.session, self.actor, self.at, self.case = session, actor, at, case
        self.open_rows = open_rows  # the case's open inbox rows, when the command read them under the lock
        self._workflow = None
        self._digests: dict = {}
        self._completed_before: set[str] = set()

    @property
    def workflow(self):
        """The case's workflow, restored on first use (a command refused before it needs none)."""
        if self._workflow is None:
            kept = warm.take(self.session, self.case.id, self.case.workflow_state)
            self._workflow = kept.workflow if kept is not None else load(self.case)
            self._digests = kept.digests if kept is not None else {}
            self._completed_before = effects.completed_ids(self.case, self._workflow)
        return self._workflow

    def apply(self, transition, *args, event: str, payload: dict, acting_as: Actor | None = None,
              closing: HumanTask | None = None, status: str | None = None) -> dict:
        """Run ``transition(workflow, *args)`` at the command's time, then save, record and settle.

        ``closing`` is the inbox row the command completes; ``status`` ends the case another way than
        completion (cancelled). Returns the case summary the caller answers with.
        """
        workflow = self.workflow
        with engine.running(self.at):
            transition(workflow, *args)
        closed = [] if self.open_rows is not None else None  # written with the new rows (projection.sync)
        if closing is not None:
            close_task(self.session, closing, "completed", self.actor.user_id, self.at, later=closed)
        with engine.settled(workflow):  # from here on nothing changes the workflow: one walk answers every query
            tasks = save(self.session, self.case, workflow, self.at, status=status, digests=self._digests,
                         open_rows=self.open_rows, closed=closed)
            audit.append(self.session, type_=event, actor=acting_as or self.actor, at=self.at,
                         case_id=self.case.id, state_digest=self.case.state_digest, payload=payload)
            settle(self.session, self.actor, self.at, self.case, workflow, self._completed_before)
        # Kept for the case's next command in this process, which takes it only if the row still holds this state.
        warm.keep(self.session, self.case.id, warm.Warm(workflow, self.case.workflow_state, self._digests))
        return case_summary(self.session, self.case, tasks)


def locked_command(session: Session, actor: Actor, at: datetime, case_id: int, *,
                   expected_version: int | None = None, skip_locked: bool = False) -> CaseCommand | None:
    """Lock case ``case_id`` and open a command on it; None when ``skip_locked`` and another holds it."""
    case = lock_case(session, case_id, skip_locked=skip_locked)
    return None if case is None else CaseCommand(session, actor, at, case, expected_version)


def settle(session: Session, actor: Actor, at: datetime, case: Case, workflow, before: set[str]) -> None:
    """What every command does after its transition and its event: the registry effects of the elements it
    completed, then ``case.completed`` (with the end reached) when it just finished the workflow."""
    effects.apply(session, actor, at, case, workflow, before)
    if case.status == "completed" and case.ended_at == at:
        audit.append(session, type_=Event.CASE_COMPLETED, actor=actor, at=at, case_id=case.id,
                     state_digest=case.state_digest, payload=case_outcome.completion_payload(case, workflow))
