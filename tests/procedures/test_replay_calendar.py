"""A replay that differs because the calendar library changed is reported as such, not as tampering."""

from datetime import date

from storage.models import Case
from tests.procedures import selection_steps as steps
from workflows.record import replay
from workflows.rules import calendar

MODELS = ["cadre_selection.bpmn"]
APPROVE = {member: "approve" for member in steps.MEMBERS}


def publicity_case(bureau):
    run = steps.to_vote(bureau)
    steps.vote(run, APPROVE)
    steps.publish(run)  # the notice form records calendar_version; the publicity timer counts working days
    return run


def replayed(bureau, run):
    with bureau.sessions() as session:
        return replay.replay_case(session, session.get(Case, run.id))


def test_a_new_calendar_release_is_named_when_replay_differs(bureau, monkeypatch):
    run = publicity_case(bureau)
    assert replayed(bureau, run).ok
    # A later chinesecalendar release declares 2026-09-29 a holiday: the publicity ends a day later.
    national = calendar.chinese_calendar.is_workday
    monkeypatch.setattr(calendar.chinese_calendar, "is_workday",
                        lambda day: day != date(2026, 9, 29) and national(day))
    monkeypatch.setattr(calendar, "LIBRARY", "chinesecalendar 99.0.0")
    verdict = replayed(bureau, run)
    assert not verdict.ok and verdict.calendar_changed
    assert "chinesecalendar 99.0.0" in verdict.reason and "而非记录被篡改" in verdict.reason


def test_a_difference_with_the_same_calendar_is_not_excused(bureau, monkeypatch):
    run = publicity_case(bureau)
    national = calendar.chinese_calendar.is_workday
    monkeypatch.setattr(calendar.chinese_calendar, "is_workday",
                        lambda day: day != date(2026, 9, 29) and national(day))
    verdict = replayed(bureau, run)
    assert not verdict.ok and not verdict.calendar_changed
    assert "日历" not in verdict.reason
