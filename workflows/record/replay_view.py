"""A case as it stood at any event of its record: replayed, with what the event changed and the versions it used."""

import copy
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Case
from workflows import diagram
from workflows import engine
from workflows.commands import projection
from workflows.engine.clock import parse_iso
from workflows.errors import CommandError
from workflows.errors import NotFound
from workflows.queries import case_history
from workflows.queries import case_reads as views
from workflows.queries.case_reads import case_events
from workflows.record import replay
from workflows.record import replay_cache
from workflows.text import t
from workflows.vocabulary import Event

# Data the engine keeps for itself, named for the auditor (form fields carry their forms' titles).
MACHINE_LABELS = {"policy": t("政策参数"), "cadre": t("干部信息快照"), "calendar_overrides": t("本地日历调整"),
                  "calendar_version": t("工作日历版本"), "headcount": t("职数表（提交时）")}
REPLAY_FAILURES = (replay.ReplayMismatch, CommandError, KeyError, ValueError, AttributeError, TypeError)


@dataclass(frozen=True)
class OpenTask:
    """A user task waiting for someone, as the inbox showed it then."""

    bpmn_id: str
    name: str
    lane: str | None
    assignee_variable: str | None
    assignee: str | None  # the username the assignee variable named
    opened_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event the case waited on."""

    bpmn_id: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class Change:
    """One key of the case data the event added, changed or removed."""

    key: str
    label: str
    kind: str  # added / changed / removed
    old: object = None
    new: object = None


@dataclass(frozen=True)
class Versions:
    """What a decision was taken under: the process version, the policy, the working-day calendar."""

    process: str | None
    version: int | None
    spec_sha256: str | None
    policy: dict | None
    calendar: str | None


@dataclass
class ReplayState:
    """The case right after event ``seq``, rebuilt from the record alone."""

    event: AuditEvent
    payload: dict
    seqs: list[int]  # every event of the case, in order, for stepping
    data: dict
    labels: dict[str, str]
    open_tasks: list[OpenTask]
    timers: list[WaitingTimer]
    marks: diagram.Marks
    versions: Versions
    changes: list[Change] = field(default_factory=list)
    opened: list[OpenTask] = field(default_factory=list)
    closed: list[OpenTask] = field(default_factory=list)
    replayed_digest: str | None = None
    first_mismatch_seq: int | None = None  # the first event up to here whose digest the replay did not reproduce
    problem: str | None = None  # why the replay stopped early, if it did

    @property
    def seq(self) -> int:
        return self.event.seq

    @property
    def digest_matches(self) -> bool | None:
        """Whether the replay reproduced this event's recorded digest (None: the event records none)."""
        if self.event.state_digest is None:
            return None
        return self.problem is None and self.replayed_digest == self.event.state_digest

    def neighbour(self, step: int) -> int | None:
        """The seq ``step`` events before (negative) or after this one, if there is one."""
        index = self.seqs.index(self.seq) + step
        return self.seqs[index] if 0 <= index < len(self.seqs) else None


def _payload(event: AuditEvent) -> dict:
    """An event's payload; {} when it is no longer a JSON object (a tampered record must still show)."""
    try:
        payload = json.loads(event.payload)
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _time(text: str) -> datetime | None:
    try:
        return parse_iso(text)
    except (TypeError, ValueError):
        return None


def record_lines(session: Session, case: Case, english: bool = False) -> list[case_history.Step]:
    """The case's events named as the case page names them; each still gets a plain line if a payload is broken."""
    try:
        return case_history.steps(session, case, english)
    except (TypeError, ValueError, AttributeError):
        return [case_history.Step(event.seq, _time(event.at), event.type, event.type, event.actor, event.role)
                for event in case_events(session, case.id)]


class _Replay:
    """One pass over a case's events, keeping what the page shows of the state after each."""

    def __init__(self, case: Case, calendar_events: list[AuditEvent]):
        self.case, self.workflow, self.digests = case, None, {}
        self.digest, self.first_mismatch, self.problem = None, None, None
        self.opened: dict[object, OpenTask] = {}  # task id -> when and how it opened
        self.overrides: dict[date, bool] = {}
        self.calendar_events = list(calendar_events)

    def apply(self, event: AuditEvent) -> None:
        if event.state_digest is None or self.problem is not None:
            return  # access.denied and the like leave the workflow alone
        try:
            with engine.running(parse_iso(event.at)):
                self.workflow = replay.apply_event(self.workflow, event.type, json.loads(event.payload),
                                                   self.case.spec.spec_json)
        except REPLAY_FAILURES as error:
            self.problem = t("seq {seq} 无法重放：{error}", seq=event.seq, error=replay.said(error))
            return
        if self.workflow is None:
            self.problem = t("seq {seq} 之前没有 case.started 记录", seq=event.seq)
            return
        self.digest = engine.state_digest(self.workflow, self.digests)
        if self.digest != event.state_digest and self.first_mismatch is None:
            self.first_mismatch = event.seq
        self._note_openings(event)

    def _note_openings(self, event: AuditEvent) -> None:
        """Remember when each READY task opened and its deadline then (the inbox row was written then)."""
        while self.calendar_events and self.calendar_events[0].seq < event.seq:
            change = _payload(self.calendar_events.pop(0))
            try:
                self.overrides[date.fromisoformat(change["day"])] = bool(change["is_workday"])
            except (KeyError, TypeError, ValueError):
                continue  # an unreadable change: the chain check names it, the deadlines go without it
        at = parse_iso(event.at)
        for task in engine.ready_user_tasks(self.workflow):
            if task.id not in self.opened:
                self.opened[task.id] = self._open_task(task, at)

    def _open_task(self, task, at: datetime) -> OpenTask:
        bpmn_id = task.task_spec.bpmn_id
        details = self.case.spec.task_info.get(bpmn_id, {})
        variable = details.get("assignee_variable")
        assignee = task.data.get(variable) if variable else None
        return OpenTask(bpmn_id, details.get("name") or task.task_spec.bpmn_name or bpmn_id, task.task_spec.lane,
                        variable, str(assignee) if assignee else None, at,
                        projection.task_deadline(task, details.get("due_working_days"), at, self.overrides))

    def ready(self) -> dict[object, OpenTask]:
        if self.workflow is None:
            return {}
        return {task.id: self.opened[task.id] for task in engine.ready_user_tasks(self.workflow)
                if task.id in self.opened}

    def shown_data(self) -> dict:
        """The data a page shows, as :func:`views.case_data` picks it."""
        return {} if self.workflow is None else views.workflow_data(self.workflow)


def field_labels(case: Case) -> dict[str, str]:
    """{data key: the title a form gives it}, over every form of the case's process."""
    labels = dict(MACHINE_LABELS)
    for schema in case.spec.forms.values():
        for key, prop in ((schema or {}).get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get("title"):
                labels.setdefault(key, prop["title"])
    return labels


def _changes(before: dict, after: dict, labels: dict[str, str]) -> list[Change]:
    found = []
    for key in sorted(before.keys() | after.keys()):
        label = labels.get(key, key)
        if key not in before:
            found.append(Change(key, label, "added", None, after[key]))
        elif key not in after:
            found.append(Change(key, label, "removed", before[key], None))
        elif before[key] != after[key]:
            found.append(Change(key, label, "changed", before[key], after[key]))
    return found


def _versions(events: list[AuditEvent], payload: dict, data: dict) -> Versions:
    started = next((_payload(e) for e in events if e.type == Event.CASE_STARTED), {})
    decided = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    policy = data.get("policy") if isinstance(data.get("policy"), dict) else None
    return Versions(started.get("process"), started.get("version"), started.get("spec_sha256"), policy,
                    decided.get("calendar_version") or data.get("calendar_version"))


def state_at(session: Session, case: Case, seq: int) -> ReplayState:
    """Replay ``case`` up to and including its event ``seq``; :class:`NotFound` if the case has no such event."""
    events = case_events(session, case.id)
    target = next((event for event in events if event.seq == seq), None)
    if target is None:
        raise NotFound(t("案件 {case} 的记录中没有 seq {seq}", case=case.id, seq=seq))
    calendar_events = list(session.scalars(
        select(AuditEvent).where(AuditEvent.type == "calendar.overridden", AuditEvent.seq <= seq)
        .order_by(AuditEvent.seq)))
    # Replaying a selection is tens of milliseconds of engine work; the same record always replays the same.
    key = replay_cache.record_key(case, events, calendar_events, seq)
    if (kept := replay_cache.get(key)) is not None:
        return dataclasses.replace(kept, event=target)
    state = _replayed(case, events, target, calendar_events)
    replay_cache.keep(key, dataclasses.replace(state, event=None))
    return state


def _replayed(case: Case, events: list[AuditEvent], target: AuditEvent,
              calendar_events: list[AuditEvent]) -> ReplayState:
    run = _Replay(case, calendar_events)
    for event in events[:events.index(target)]:
        run.apply(event)
    # The event may change the shown data in place: keep a copy of what the page showed before it.
    before_data, before_tasks = copy.deepcopy(run.shown_data()), run.ready()
    run.apply(target)
    data, tasks = run.shown_data(), run.ready()
    labels = field_labels(case)
    payload = _payload(target)
    timers = [WaitingTimer(task.task_spec.bpmn_id, task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                           parse_iso(due)) for task, due in engine.waiting_timers(run.workflow)] if run.workflow else []
    return ReplayState(
        event=target, payload=payload, seqs=[event.seq for event in events], data=data, labels=labels,
        open_tasks=list(tasks.values()), timers=timers,
        marks=case_history.marks(case, run.workflow) if run.workflow is not None else diagram.Marks(),
        versions=_versions(events, payload, data), changes=_changes(before_data, data, labels),
        opened=[task for key, task in tasks.items() if key not in before_tasks],
        closed=[task for key, task in before_tasks.items() if key not in tasks],
        replayed_digest=run.digest, first_mismatch_seq=run.first_mismatch, problem=run.problem)


def last_seq(session: Session, case: Case) -> int | None:
    """The case's newest event, where the replay view opens."""
    return session.scalar(select(AuditEvent.seq).where(AuditEvent.case_id == case.id)
                          .order_by(AuditEvent.seq.desc()).limit(1))


def drawing(case: Case, state: ReplayState, english: bool = False, translate: Callable[[str], str] = str,
            diagram_id: str | None = None) -> diagram.Drawing:
    """The case's diagram marked as it stood at the replayed event, its hover texts and warnings put through
    ``translate``; ``diagram_id`` asks for another diagram of the model (an unknown one shows the main diagram)."""
    key = replay_cache.drawing_key(case.spec_id, state.marks, english, translate, diagram_id)
    if (kept := replay_cache.get(key)) is None:
        kept = case_history.drawn(case.spec.sources, state.marks, labels=case_history.role_labels(english),
                                  translate=translate, diagram_id=diagram_id)
        replay_cache.keep(key, kept)
    return kept
