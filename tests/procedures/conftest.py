"""Fixtures of the procedure tests: a module names its models (``MODELS``) and may set its first day (``START``)."""

import pytest

from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from workflows.engine.clock import FixedClock

START = beijing("2026-09-01 09:00")


@pytest.fixture
def clock(request):
    return FixedClock(getattr(request.module, "START", START))


@pytest.fixture
def bureau(sessions, clock, request):
    return Bureau(sessions, clock, request.module.MODELS)
