"""Drive a packaged procedure through the command layer as the bureau's people would, step by step."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from storage.models import Case
from storage.models import ProcessSpec
from tests.conftest import make_actor
from tests.snapshots import built_once
from workflows import commands
from workflows import engine
from workflows.commands import triggers
from workflows.engine import taken_flows
from workflows.processes import deploy
from workflows.queries import case_reads
from workflows.record import replay
from workflows.registry.demo import seed_registry
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy

PACKAGED = Path(__file__).resolve().parents[2] / "bpmn"

# One user per lane, and a party group of a secretary and six members (members_due 7).
PEOPLE = {
    "organiser": ("personnel_office",), "secretary": ("party_secretary", "party_group"),
    "member1": ("party_group",), "member2": ("party_group",), "member3": ("party_group",),
    "member4": ("party_group",), "member5": ("party_group",), "member6": ("party_group",),
    "inspector": ("inspection_team",), "discipline": ("discipline",), "district": ("district_org_dept",),
}


def beijing(text: str) -> datetime:
    """A Beijing wall-clock time ("2026-09-28 09:00") as an aware UTC datetime."""
    return (datetime.fromisoformat(text) - timedelta(hours=8)).replace(tzinfo=UTC)


class Bureau:
    """A database with the demo registry, one user per role, and the packaged procedures deployed."""

    def __init__(self, sessions, clock, files: list[str]):
        self.sessions, self.clock = sessions, clock
        # Built once per process and clock time, then copied (tests/snapshots.py): most of a test's setup.
        self.key = ("bureau", tuple(files), clock.now())
        self.people = built_once(self.engine, self.key, lambda: self._set_up(files))

    @property
    def engine(self):
        return self.sessions.kw["bind"]

    def walked(self, key: tuple, walk) -> "CaseRun":
        """``walk(self)``, a case run from the bureau as set up, built once per process (tests/snapshots.py).

        Call it right after setting the bureau up: nothing may change a row between the two.
        """
        def build():
            return walk(self).id, self.clock.at
        case_id, self.clock.at = built_once(self.engine, (*key, self.clock.now()), build, after=self.key)
        return CaseRun(self, case_id)

    def _set_up(self, files: list[str]) -> dict:
        people = {name: make_actor(self.sessions, name, *roles) for name, roles in PEOPLE.items()}
        with self.sessions.begin() as session:
            seed_registry(session, self.clock.now().date())
            for name in files:
                deploy.deploy(session, deploy.bundle_from_paths([PACKAGED / name]), people["organiser"],
                              self.clock.now())
        return people

    def start(self, process: str, data: dict | None = None, *, cadre: str | None = None,
              title: str = "", policy: Policy = DEFAULT_POLICY) -> "CaseRun":
        with self.sessions.begin() as session:
            answer = commands.start_case(session, self.people["organiser"], self.clock.now(), process, title,
                                         data, cadre_staff_no=cadre, policy=policy)
        return CaseRun(self, answer["id"])

    def run_timers(self, at: datetime) -> int:
        """Move the clock to ``at`` and fire what is due, as ``cadreflow run-timers`` does."""
        self.clock.at = at
        with self.sessions() as session:
            due = triggers.due_case_ids(session, at)
        fired = 0
        for case_id in due:
            with self.sessions.begin() as session:
                fired += triggers.fire_timers(session, case_id, at) is not None
        return fired

    def flows(self, process: str) -> tuple[set[str], set[str]]:
        """(flows some stored case of ``process`` took, every flow of its model)."""
        with self.sessions() as session:
            spec = session.scalar(select(ProcessSpec).where(ProcessSpec.process_id == process))
            cases = session.scalars(select(Case).where(Case.spec_id == spec.id))
            workflows = [engine.restore(case.workflow_state, spec.spec_json) for case in cases]
            return taken_flows.flows_taken(spec.sources, workflows), set(taken_flows.sequence_flows(spec.sources))


class CaseRun:
    """One case: complete its open tasks by BPMN id, send messages, read its data and verify its replay."""

    def __init__(self, bureau: Bureau, case_id: int):
        self.bureau, self.id = bureau, case_id

    def open_tasks(self) -> list:
        with self.bureau.sessions() as session:
            return commands.open_tasks(session, self.id)

    def pending(self) -> list[str]:
        """The BPMN ids of the open tasks, sorted."""
        return sorted(row.bpmn_id for row in self.open_tasks())

    def do(self, bpmn_id: str, data: dict, by: str | None = None, *, hours: float = 1) -> dict:
        """Complete the open task ``bpmn_id`` (the one assigned to ``by`` when there are several)."""
        self.bureau.clock.advance(hours=hours)
        rows = [row for row in self.open_tasks() if row.bpmn_id == bpmn_id]
        people = self.bureau.people
        if by is not None and any(row.assignee_id for row in rows):
            rows = [row for row in rows if row.assignee_id == people[by].user_id]
        assert rows, f"no open task {bpmn_id}; open: {self.pending()}"
        row = rows[0]
        actor = people[by] if by else next(
            actor for name, actor in people.items() if row.lane in PEOPLE[name])
        with self.bureau.sessions.begin() as session:
            return commands.complete_task(session, actor, self.bureau.clock.now(), row.id, data)

    def message(self, name: str, payload: dict, by: str) -> dict:
        self.bureau.clock.advance(hours=1)
        with self.bureau.sessions.begin() as session:
            return triggers.receive_message(session, self.bureau.people[by], self.bureau.clock.now(), self.id,
                                            name, payload)

    @property
    def case(self) -> Case:
        with self.bureau.sessions() as session:
            case = session.get(Case, self.id)
            session.expunge(case)
            return case

    @property
    def status(self) -> str:
        return self.case.status

    def data(self) -> dict:
        with self.bureau.sessions() as session:
            return case_reads.case_data(session.get(Case, self.id))

    def timers(self) -> dict[str, datetime]:
        """The timers the case waits on: {BPMN id: due time}."""
        with self.bureau.sessions() as session:
            case = session.get(Case, self.id)
            workflow = engine.restore(case.workflow_state, case.spec.spec_json)
            waiting = engine.waiting_timers(workflow)
            return {task.task_spec.bpmn_id: datetime.fromisoformat(due) for task, due in waiting}

    def wait_for(self, timer: str) -> datetime:
        """Let time pass until one minute after the timer ``timer`` is due and run the timer command."""
        due = self.timers()[timer]
        self.bureau.run_timers(due + timedelta(minutes=1))
        return due

    def ended_at(self) -> str | None:
        """The BPMN id of the end event the case finished on (None while it runs)."""
        with self.bureau.sessions() as session:
            case = session.get(Case, self.id)
            workflow = engine.restore(case.workflow_state, case.spec.spec_json)
            ends = [task.task_spec.bpmn_id for task in workflow.get_tasks(state=engine.TaskState.COMPLETED)
                    if type(task.task_spec).__name__ == "EndEvent" and task.workflow is workflow]
            return ends[-1] if ends and workflow.is_completed() else None

    def replays(self) -> bool:
        with self.bureau.sessions() as session:
            verdict = replay.replay_case(session, session.get(Case, self.id))
            assert verdict.ok, verdict
            return verdict.ok
