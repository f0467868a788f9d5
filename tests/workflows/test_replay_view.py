"""The replay view rebuilds, at every event of a sixteen-step selection, exactly what the command layer had then."""

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from storage import append_only
from storage.models import AuditEvent
from storage.models import Case
from storage.models import HumanTask
from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from tests.procedures.driver import beijing
from tests.procedures.test_selection import appointed_and_confirmed
from tests.snapshots import built_once
from workflows.engine.clock import FixedClock
from workflows.errors import NotFound
from workflows.processes import local_rules
from workflows.queries import case_reads
from workflows.record import replay_view
from workflows.record.canonical import canonical_text
from workflows.rules import calendar
from workflows.rules.policy import DEFAULT_POLICY


@pytest.fixture
def clock():
    return FixedClock(beijing("2026-09-01 09:00"))


class RecordingRun(CaseRun):
    """A case run that notes, after each command, what the command layer left behind."""

    def do(self, *args, **kwargs):
        answer = super().do(*args, **kwargs)
        self.bureau.note(self.id)
        return answer

    def message(self, *args, **kwargs):
        answer = super().message(*args, **kwargs)
        self.bureau.note(self.id)
        return answer


class RecordingBureau(Bureau):
    """The bureau of the procedure tests, keeping a snapshot of its one case after every command."""

    def __init__(self, *args):
        super().__init__(*args)
        self.case_id, self.snapshots = None, []

    def start(self, *args, **kwargs) -> RecordingRun:
        run = RecordingRun(self, super().start(*args, **kwargs).id)
        self.case_id = run.id
        self.note(run.id)
        return run

    def run_timers(self, at) -> int:
        fired = super().run_timers(at)
        self.note(self.case_id)
        return fired

    def note(self, case_id: int) -> None:
        with self.sessions() as session:
            case = session.get(Case, case_id)
            tasks = session.execute(select(HumanTask.bpmn_id, HumanTask.due_at).where(
                HumanTask.case_id == case_id, HumanTask.status == "open")).all()
            self.snapshots.append({
                "seq": session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.case_id == case_id)),
                "digest": case.state_digest, "tasks": sorted(tuple(row) for row in tasks),
                "data": case_reads.case_data(case)})


@pytest.fixture
def selection(sessions, clock):
    """A selection appointed and confirmed, with a local calendar change made while it ran."""
    bureau = RecordingBureau(sessions, clock, ["cadre_selection.bpmn"])

    def build() -> tuple:
        # 2026-09-03 (a Thursday) closed locally before the case starts: the deadlines count around it.
        with sessions.begin() as session:
            local_rules.set_calendar_override(session, bureau.people["organiser"], clock.now(), date(2026, 9, 3),
                                              False, "局机关集中办公场所搬迁")
        appointed_and_confirmed(bureau)
        return bureau.case_id, bureau.snapshots, clock.at
    # Walked once per process, then copied (tests/snapshots.py); each test gets its own list of snapshots.
    kept = built_once(bureau.engine, ("replay view", clock.now()), build, after=bureau.key)
    bureau.case_id, bureau.snapshots, clock.at = kept[0], copy.deepcopy(kept[1]), kept[2]
    return bureau


def first_event(session, case, kind, bpmn_id=None) -> AuditEvent:
    return next(event for event in session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                                   .order_by(AuditEvent.seq))
                if event.type == kind and (bpmn_id is None or json.loads(event.payload)["bpmn_id"] == bpmn_id))


def test_every_event_replays_to_what_the_command_layer_had(sessions, selection):
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                 .order_by(AuditEvent.seq)).all()
        assert len(selection.snapshots) > 30 and len(events) >= len(selection.snapshots)
        for event in events:
            state = replay_view.state_at(session, case, event.seq)
            assert state.problem is None and state.first_mismatch_seq is None, event.seq
            assert state.digest_matches is (True if event.state_digest else None), (event.seq, event.type)
        for snapshot in selection.snapshots:
            state = replay_view.state_at(session, case, snapshot["seq"])
            assert state.replayed_digest == snapshot["digest"], snapshot["seq"]
            assert sorted((t.bpmn_id, t.due_at) for t in state.open_tasks) == snapshot["tasks"], snapshot["seq"]
            assert state.data == snapshot["data"], snapshot["seq"]


def test_the_tasks_deadlines_count_the_local_calendar_of_their_opening(sessions, selection, clock):
    with sessions.begin() as session:  # a later closure does not move a deadline already set
        local_rules.set_calendar_override(session, selection.people["organiser"], clock.now(), date(2026, 9, 4), False,
                                          "后来的调整")
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        consent = first_event(session, case, "task.completed", "motion_consent")
        opened = replay_view.state_at(session, case, consent.seq).opened
    # Opened Tuesday 09-01: ten working days from Wednesday, the closed Thursday 09-03 not counted.
    assert [(t.bpmn_id, t.due_at) for t in opened] == [("upper_report_review", beijing("2026-09-17 00:00"))]


def test_an_event_shows_what_it_changed_and_the_versions_it_decided_under(sessions, selection):
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        analysis = replay_view.state_at(session, case, first_event(session, case, "task.completed", "analysis").seq)
        motion = replay_view.state_at(session, case, first_event(session, case, "task.completed", "motion").seq)
        notice_event = first_event(session, case, "task.completed", "inspection_notice")
        notice = replay_view.state_at(session, case, notice_event.seq)
        spec = case.spec
    added = {change.key: change for change in analysis.changes}
    assert {"vacancy_exists", "headcount_note", "analysis"} <= set(added)
    assert added["headcount_note"].kind == "added" and added["headcount_note"].label == "职数与空缺情况"
    assert added["headcount_note"].new == "核定正科职数 1 名，现空缺 1 名"
    assert [t.bpmn_id for t in analysis.closed] == ["analysis"]
    assert [t.bpmn_id for t in analysis.opened] == ["motion"]
    assert "headcount_note" not in {change.key for change in motion.changes}  # unchanged keys are not flagged
    assert analysis.versions.process == "cadre_selection" and analysis.versions.spec_sha256 == spec.sha256
    assert analysis.versions.version == spec.version and analysis.versions.policy == DEFAULT_POLICY.as_record()
    assert analysis.versions.calendar is None  # no working-day decision yet
    recorded = json.loads(notice_event.payload)["data"]["calendar_version"]
    assert notice.versions.calendar == recorded and recorded.startswith(calendar.LIBRARY)
    assert "本地调整 1 天" in recorded
    assert "analysis" in notice.marks.completed and notice.marks.open


def test_stepping_and_events_that_do_not_touch_the_workflow(sessions, selection):
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        seqs = list(session.scalars(select(AuditEvent.seq).where(AuditEvent.case_id == case.id)
                                    .order_by(AuditEvent.seq)))
        first = replay_view.state_at(session, case, seqs[0])
        last = replay_view.state_at(session, case, replay_view.last_seq(session, case))
        with pytest.raises(NotFound):
            replay_view.state_at(session, case, seqs[-1] + 1000)
        svg = replay_view.drawing(case, last).svg
    assert first.neighbour(-1) is None and first.neighbour(1) == seqs[1]
    assert last.seq == seqs[-1] and last.neighbour(1) is None and last.neighbour(-1) == seqs[-2]
    assert last.event.type == "case.completed" and last.open_tasks == [] and last.timers == []
    assert last.changes == [] and last.digest_matches is True
    assert 'data-element="end_appointed_confirmed"' in svg


def test_a_rewritten_decision_is_named_where_the_replay_departs_from_the_record(sessions, selection):
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        motion = first_event(session, case, "task.completed", "motion")
    payload = json.loads(motion.payload)
    payload["data"]["procedure_plan"] = "改写后的方案"
    with sessions.begin() as session:
        append_only.remove(session.connection())  # the forger owns the database
        session.execute(text("UPDATE audit_event SET payload = :payload WHERE seq = :seq"),
                        {"payload": canonical_text(payload), "seq": motion.seq})
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        at_motion = replay_view.state_at(session, case, motion.seq)
        at_end = replay_view.state_at(session, case, replay_view.last_seq(session, case))
    assert at_motion.digest_matches is False and at_motion.first_mismatch_seq == motion.seq
    assert at_motion.data["procedure_plan"] == "改写后的方案"  # what the record says now, shown as it replays
    assert at_end.first_mismatch_seq == motion.seq


def test_a_kept_replay_is_shown_only_for_the_record_it_came_from(sessions, selection):
    """Replays are kept per process (workflows/record/replay_cache.py): a record rewritten since replays afresh."""
    with sessions() as session:
        case = session.get(Case, selection.case_id)
        last = replay_view.last_seq(session, case)
        first, again = replay_view.state_at(session, case, last), replay_view.state_at(session, case, last)
        motion = first_event(session, case, "task.completed", "motion")
    assert again.event.seq == last and again.data == first.data and again.digest_matches is True
    payload = json.loads(motion.payload)
    payload["data"]["procedure_plan"] = "改写后的方案"
    with sessions.begin() as session:
        append_only.remove(session.connection())  # the forger owns the database
        session.execute(text("UPDATE audit_event SET payload = :payload WHERE seq = :seq"),
                        {"payload": canonical_text(payload), "seq": motion.seq})
    with sessions() as session:
        after = replay_view.state_at(session, session.get(Case, selection.case_id), last)
    assert after.first_mismatch_seq == motion.seq and after.data["procedure_plan"] == "改写后的方案"
