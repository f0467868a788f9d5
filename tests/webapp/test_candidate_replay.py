"""The auditor replaying a selection sees where each candidate stood at that event, as the case page shows it now."""

import re

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.test_selection import three_candidates
from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from workflows.engine.clock import FixedClock
from workflows.record import audit


@pytest.fixture
def clock():
    return FixedClock(START)  # the stories' first day


def completions(app, case_id: int) -> dict[str, list[int]]:
    """{task: [seq of each completion]} of a case's record."""
    done: dict[str, list[int]] = {}
    with app.extensions["cadreflow.sessions"]() as session:
        for event in session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                              AuditEvent.type == "task.completed")):
            done.setdefault(audit.payload_of(event)["bpmn_id"], []).append(event.seq)
    return done


def standing(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'<section class="candidates".*?</section>', page, re.S).group(0))


def test_the_replay_shows_each_candidates_standing_as_of_the_event(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    run = three_candidates(Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"]))
    add_user(app, "zhouting", "auditor")
    client = signed_in(app, "zhouting")
    done = completions(app, run.id)
    decided = client.get(f"/audit/cases/{run.id}", query_string={"seq": done["determine_candidates"][-1]})
    before = standing(decided.get_data(as_text=True))
    assert before.count("<td>考察对象</td>") == 3 and "退出人选" not in before and "92.0%" in before
    concluded = client.get(f"/audit/cases/{run.id}", query_string={"seq": done["inspection_conclusion"][0]})
    after = standing(concluded.get_data(as_text=True))
    assert "退出人选" in after and "群众公认度不高" in after and "未确定为拟任人选" in after and "拟任人选" in after
    case_page = standing(client.get(f"/cases/{run.id}").get_data(as_text=True))
    assert "群众公认度不高" in case_page
