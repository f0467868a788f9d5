"""The bureau's local settings: the policy file, the calendar override table, the daily scan."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from tests.conftest import make_actor
from workflows.errors import InvalidData
from workflows.processes import local_rules
from workflows.registry import scans
from workflows.rules.calendar import working_day_deadline


def test_policy_file_overrides_defaults_and_refuses_unknown_keys(tmp_path):
    good = tmp_path / "policy.json"
    good.write_text(json.dumps({"version": "青数-2026", "publicity_working_days": 7}))
    policy = local_rules.load_policy(str(good))
    assert (policy.version, policy.publicity_working_days, policy.rotation_years) == ("青数-2026", 7, 10)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"publicity_days": 7}))
    with pytest.raises(RuntimeError, match="publicity_days"):
        local_rules.load_policy(str(bad))
    assert local_rules.load_policy(None).publicity_working_days == 5


def test_a_local_closure_moves_a_publicity_deadline_and_goes_on_record(sessions, clock):
    organiser = make_actor(sessions, "wangmin", "personnel_office")
    start = date(2026, 9, 28)  # ends 2026-10-09 on the official calendar (domain reference §8)
    with sessions.begin() as session:
        assert working_day_deadline(start, 5, local_rules.calendar_overrides(session)).end == date(2026, 10, 9)
        local_rules.set_calendar_override(session, organiser, clock.now(), date(2026, 9, 29), False, "停电检修")
    with sessions.begin() as session:
        deadline = working_day_deadline(start, 5, local_rules.calendar_overrides(session))
        assert deadline.end == date(2026, 10, 10)  # Saturday 10-10 is a make-up working day in 2026
        assert "本地调整 1 天" in deadline.calendar_version
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.type == "calendar.overridden")) == 1
    with pytest.raises(InvalidData), sessions.begin() as session:
        local_rules.set_calendar_override(session, organiser, clock.now(), date(2026, 9, 30), False, " ")


def test_the_daily_scan_runs_once_a_day(sessions):
    organiser = make_actor(sessions, "wangmin", "personnel_office")
    morning = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    with sessions.begin() as session:
        assert scans.scan_if_due(session, organiser, morning) is not None
    with sessions.begin() as session:
        assert scans.scan_if_due(session, organiser, morning.replace(hour=9)) is None
    with sessions.begin() as session:
        assert scans.scan_if_due(session, organiser, datetime(2026, 11, 24, 1, 0, tzinfo=UTC)) is not None
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.type == "registry.scanned")) == 2
