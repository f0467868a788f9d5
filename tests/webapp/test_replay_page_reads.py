"""The auditor's replay page reads the people a case names once, not once per field the template comes to."""

import pytest
from sqlalchemy import event

from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from workflows.engine.clock import FixedClock


@pytest.fixture
def clock():
    return FixedClock(START)  # the dates the selection's forms give


def statements_of(app, client, url: str) -> tuple[str, list[str]]:
    """The page at ``url`` and the SQL its GET ran."""
    seen = []

    def note(_conn, _cursor, statement, *_):
        seen.append(statement)

    db = app.extensions["cadreflow.engine"]
    event.listen(db, "before_cursor_execute", note)
    try:
        return client.get(url).get_data(as_text=True), seen
    finally:
        event.remove(db, "before_cursor_execute", note)


def test_the_replay_page_reads_the_users_it_names_in_one_query(app, clock):
    # At the party-group meeting the data names a dozen users (the inspection team, the members present …).
    app.config["WTF_CSRF_ENABLED"] = False
    run = steps.to_vote(Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"]))
    add_user(app, "zhouting", "auditor")
    client = signed_in(app, "zhouting")
    client.get(f"/audit/cases/{run.id}")
    page, seen = statements_of(app, client, f"/audit/cases/{run.id}")
    assert "重放状态与记录一致" in page
    # The signed-in user, the record's people (case_history.steps), the data's people (people.reader).
    assert sum("FROM user_account" in statement for statement in seen) <= 3, seen
