"""A first check that the fixtures build a migrated database on every backend."""

from workflows import commands


def test_started_case_waits_in_the_first_lane(sessions, people, two_lane, clock):
    with sessions.begin() as session:
        answer = commands.start_case(session, people["organiser"], clock.now(), two_lane, "案件")
    assert [t["bpmn_id"] for t in answer["open_tasks"]] == ["prepare"]
    assert answer["open_tasks"][0]["lane"] == "personnel_office"
