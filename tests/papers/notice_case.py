"""Selections driven once per test module and backend for the notices: one finished, one waiting at the checks.

Import ``driven`` into a test module to use it. The finished case is ``tests.workflows.recorded_case.walk``
(a recusal, one member against, the publicity across the National Day holidays, appointment, probation); the
second stops with ⑨-⑫ open, its discipline letters asked and not answered yet. The people carry the demo's
display names, and the first candidate's registry record has a 籍贯 and a degree to show.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update

from storage import make_engine
from storage import make_session_factory
from storage.models import Cadre
from storage.models import User
from tests.conftest import BACKENDS
from tests.conftest import empty_database_url
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.template_db import migrate
from tests.workflows import recorded_case
from workflows.engine.clock import FixedClock

NATIVE_PLACE, DEGREE = "上海青浦", "管理学硕士"


@dataclass
class Driven:
    url: str
    sessions: object
    clock: FixedClock
    case_id: int  # finished
    waiting_id: int  # at the checks: discipline letters open
    started_id: int  # just started: no paper yet
    folder: Path


@pytest.fixture(scope="module", params=BACKENDS)
def driven(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("notices")
    url = empty_database_url(request, folder)
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    clock = FixedClock(START)
    bureau = Bureau(sessions, clock, ["cadre_selection.bpmn"])
    with sessions.begin() as session:
        for username, name in recorded_case.DISPLAY_NAMES.items():
            session.execute(update(User).where(User.username == username).values(display_name=name))
        session.execute(update(Cadre).where(Cadre.staff_no == "QP0003").values(native_place=NATIVE_PLACE,
                                                                               ft_degree=DEGREE))
    waiting = steps.to_checks(bureau)  # first, on the same days as the finished one; it stays at the checks
    clock.at = START
    finished = recorded_case.walk(bureau)
    assert finished.status == "completed" and waiting.status == "running"
    started = steps.start(bureau)
    yield Driven(url, sessions, clock, finished.id, waiting.id, started.id, folder)
    engine.dispose()
