"""The injected clock: every time the engine reads comes from here, so a replay sees the same times."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Protocol

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer


class Clock(Protocol):
    """Anything with ``now()`` returning an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told: tests and replay use it."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        """Move the clock forward by ``timedelta(**delta)``."""
        self.at = self.at + timedelta(**delta)


_engine_now: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _EngineDatetime(datetime):
    """``datetime`` whose ``now()`` answers the engine time of the running command."""

    @classmethod
    def now(cls, tz=None):
        at = _engine_now.get()
        if at is None:
            return datetime.now(tz)
        return at.astimezone(tz) if tz else at.replace(tzinfo=None)


def install_engine_clock() -> None:
    """Route SpiffWorkflow's timer arithmetic through the engine clock.

    SpiffWorkflow reads ``datetime.now(timezone.utc)`` inside its timer event
    definitions; without this a replay would compute other due times than the
    original run did. The time is held in a context variable, so threads and
    requests never see each other's clock.
    """
    spiff_timer.datetime = _EngineDatetime


def engine_now() -> datetime:
    """The time of the running command (the system time outside one)."""
    return _engine_now.get() or datetime.now(UTC)


@contextmanager
def engine_time(at: datetime) -> Iterator[None]:
    """Run the engine as if the time were ``at``."""
    token = _engine_now.set(at)
    try:
        yield
    finally:
        _engine_now.reset(token)


BEIJING = timezone(timedelta(hours=8), "CST")


def local_date(at: datetime) -> date:
    """The calendar day in Beijing time (the bureau's day) of an aware time."""
    return at.astimezone(BEIJING).date()


def iso(at: datetime) -> str:
    """ISO 8601 UTC text with microseconds, the form the record keeps."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    """The aware datetime of a text written by :func:`iso` (or any ISO 8601 with offset)."""
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)
