"""The inbox's counts (its tabs, "mine" and the navigation's total) agree with the tasks each list shows."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import Actor
from workflows.queries import worklists

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ME = Actor(1, "wangmin", frozenset({"personnel_office", "party_group"}))
# (task, lane, status, assignee, claimed by): each way a task can be, or not be, before me.
TASKS = [("lane", "personnel_office", "open", None, None), ("claimed", "personnel_office", "open", None, 1),
         ("assigned", "party_group", "open", 1, None), ("claimed_lane_left", "discipline", "open", None, 1),
         ("others", "party_group", "open", 2, None), ("closed", "personnel_office", "completed", None, None),
         ("claimed_by_other", "party_group", "open", None, 2)]


def test_one_grouped_count_gives_each_tab_mine_and_the_total(engine):
    with engine.begin() as connection:
        connection.execute(insert(ProcessSpec.__table__).values(
            id=1, process_id="p", name="流程", version=1, sha256="0" * 64, sources={}, forms={}, task_info={},
            spec_json="{}", serializer_version="1.5", deployed_at=AT))
        for user_id in (1, 2):
            connection.execute(insert(User.__table__).values(id=user_id, username=f"u{user_id}",
                                                             display_name=f"用户{user_id}", active=True, created_at=AT))
        connection.execute(insert(Case.__table__).values(id=1, spec_id=1, title="案件", status="running",
                                                         started_at=AT, version=1, serializer_version="1.5",
                                                         state_digest="x"))
        for task_id, lane, status, assignee, claimed in TASKS:
            connection.execute(insert(HumanTask.__table__).values(
                id=task_id, case_id=1, bpmn_id=task_id, name=task_id, lane=lane, status=status,
                assignee_id=assignee, claimed_by_id=claimed, has_form=True, created_at=AT))
    with Session(engine) as session:
        counts, total = worklists.inbox_counts(session, ME)
        shown = {tab: {task.id for task in worklists.inbox(session, ME, tab=tab).tasks}
                 for tab in (None, "personnel_office", "party_group")}
        assert shown == {None: {"lane", "claimed", "assigned", "claimed_by_other"},
                         "personnel_office": {"lane", "claimed"}, "party_group": {"claimed_by_other"}}
        # "mine" counts a task I claimed whose lane I no longer hold; the list of the tab does not show it.
        assert counts == {"party_group": 1, "personnel_office": 2, "mine": 3}
        assert total == len(shown[None]) == worklists.inbox_count(session, ME)
