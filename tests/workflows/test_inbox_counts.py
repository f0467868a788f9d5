"""The inbox's counts (its tabs, "mine" and the navigation's total) agree with the tasks each list shows."""

from sqlalchemy.orm import Session

from tests.workflows.inbox_rows import store
from workflows.actors import Actor
from workflows.queries import worklists

ME = Actor(1, "wangmin", frozenset({"personnel_office", "party_group"}))
# (task, lane, status, assignee, claimed by): each way a task can be, or not be, before me.
TASKS = [("lane", "personnel_office", "open", None, None), ("claimed", "personnel_office", "open", None, 1),
         ("assigned", "party_group", "open", 1, None), ("claimed_lane_left", "discipline", "open", None, 1),
         ("others", "party_group", "open", 2, None), ("closed", "personnel_office", "completed", None, None),
         ("claimed_by_other", "party_group", "open", None, 2)]


def test_one_grouped_count_gives_each_tab_mine_and_the_total(engine):
    store(engine, processes={1: "p"}, users=(1, 2), cases={1: (1, "案件", None)},
          tasks=[{"id": task_id, "case_id": 1, "lane": lane, "status": status, "assignee_id": assignee,
                  "claimed_by_id": claimed} for task_id, lane, status, assignee, claimed in TASKS])
    with Session(engine) as session:
        counts, total = worklists.inbox_counts(session, ME)
        shown = {tab: {task.id for task in worklists.inbox(session, ME, tab=tab).tasks}
                 for tab in (None, "personnel_office", "party_group")}
        assert shown == {None: {"lane", "claimed", "assigned", "claimed_by_other"},
                         "personnel_office": {"lane", "claimed"}, "party_group": {"claimed_by_other"}}
        # "mine" counts a task I claimed whose lane I no longer hold; the list of the tab does not show it.
        assert counts == {"party_group": 1, "personnel_office": 2, "mine": 3}
        assert total == len(shown[None]) == worklists.inbox_count(session, ME)
