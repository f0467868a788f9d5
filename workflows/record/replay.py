"""Deterministic replay: rebuild a case from its record and compare every state digest."""

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.models import Case
from workflows import engine
from workflows.engine import transitions
from workflows.engine.clock import parse_iso
from workflows.errors import CommandError
from workflows.queries.case_reads import case_events
from workflows.record import audit
from workflows.rules import calendar
from workflows.text import Text
from workflows.text import t
from workflows.vocabulary import Event


@dataclass
class ReplayVerdict:
    """Whether replay reproduced every recorded digest, and where it first did not."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""
    calendar_changed: bool = False  # the record used another chinesecalendar release than installed now
    reproduced: int = 0  # events whose recorded digest the replay reproduced
    digest: str | None = None  # the replayed workflow's state digest after the last event (a whole replay only)


class ReplayMismatch(Exception):
    """An event cannot be applied as recorded."""


def apply_event(workflow, event_type: str, payload: dict, spec_json: str):
    """Apply one recorded event to ``workflow`` (None before ``case.started``) as the command did; return it."""
    try:
        return transitions.apply(workflow, event_type, payload, spec_json)
    except transitions.NotReady:
        raise ReplayMismatch(t("任务 {task} 在重放中不处于待办状态", task=payload.get("task"))) from None


def said(error: Exception) -> str:
    """What an error says; a domain message keeps its template (``str(error)`` would copy it without)."""
    message = getattr(error, "message", None)
    if message:
        return message
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Text) else str(error)


def recorded_calendars(events) -> set[str]:
    """The calendar library versions the case's working-day decisions were recorded with."""
    found = set()
    for event in events:
        data = audit.payload_of(event).get("data") if event.type == Event.TASK_COMPLETED else None
        version = data.get("calendar_version") if isinstance(data, dict) else None
        if isinstance(version, str):
            found.add(version.split(";")[0].strip())
    return found


def mismatch(events, seq: int | None, reason: str) -> ReplayVerdict:
    """A failed replay; says so when the calendar data changed since, which is not tampering."""
    changed = recorded_calendars(events) - {calendar.LIBRARY}
    if changed:
        reason = t("{reason}。注意：记录时使用的工作日历为 {recorded}，现在安装的是 {installed}："
                   "差异可能来自日历数据更新（节假日安排变化），而非记录被篡改", reason=reason,
                   recorded="、".join(sorted(changed)), installed=calendar.LIBRARY)
    return ReplayVerdict(False, len(events), seq, reason, calendar_changed=bool(changed))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a replay runs; what it left is collected afterwards as usual.

    A replay allocates a case's data many times over (SpiffWorkflow copies it into every task) and keeps much of it
    alive until it ends: the collector kept scanning it, promoting it and then scanning the whole older heap, which
    cost more than the replay itself in a server's worker (benchmarks/bench_verify_case.py). Almost all of it is
    freed by reference counting when the replay is done. Nested and concurrent pauses are harmless: only the pause
    that found the collector running starts it again.
    """
    was_running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_running:
            gc.enable()


def replay_events(events: list, spec_json: str, until: int | None = None):
    """Replay recorded events (rows with seq, type, at, payload, state_digest) before seq ``until``.

    Returns (verdict, workflow); needs no database, so an exported bundle replays the same way.
    """
    with collector_paused():
        return _replay_events(events, spec_json, until)


def _replay_events(events: list, spec_json: str, until: int | None):
    workflow, data_digests, reproduced, digest = None, {}, 0, None
    for position, event in enumerate(events):
        if until is not None and event.seq >= until:
            break  # a later difference cannot move the first bad seq
        if event.state_digest is None:
            continue  # access.denied and the like do not touch the workflow
        try:
            with engine.running(parse_iso(event.at)):
                workflow = apply_event(workflow, event.type, json.loads(event.payload), spec_json)
        except (ReplayMismatch, CommandError, KeyError, ValueError, TypeError, AttributeError) as error:
            reason = t("无法重放：{error}", error=said(error))
        else:
            digest = _digest(workflow, data_digests) if workflow is not None else None
            if digest is not None and digest == event.state_digest:
                reproduced += 1
                continue
            reason = t("重放得到的状态与记录的 state_digest 不符")
        # Calendars are read from the events replayed so far: those after the first bad one may not parse.
        verdict = mismatch(events[:position + 1], event.seq, reason)
        verdict.events, verdict.reproduced = len(events), reproduced
        return verdict, workflow
    return ReplayVerdict(True, len(events), reproduced=reproduced, digest=digest), workflow


def _digest(workflow, data_digests: dict | None = None) -> str:
    """``engine.state_digest``, its task queries answered from one walk of the tree (the workflow waits)."""
    with engine.settled(workflow):
        return engine.state_digest(workflow, data_digests)


def replay_case(session: Session, case: Case) -> ReplayVerdict:
    """Replay ``case`` from an empty start against its pinned spec, then compare the stored state."""
    events = case_events(session, case.id)
    verdict, workflow = replay_events(events, case.spec.spec_json)
    if not verdict.ok:
        return verdict
    if workflow is None:
        return ReplayVerdict(False, len(events), None, t("案件没有 case.started 记录"))
    # The replay checked the digest after every event that moved the workflow: its last one is the replayed state's.
    with collector_paused():
        stored = _digest(engine.restore(case.workflow_state, case.spec.spec_json))
    if stored != verdict.digest or stored != case.state_digest:
        last = events[-1].seq if events else None
        return ReplayVerdict(False, len(events), last, t("案件保存的状态与重放结果不符"))
    return verdict
