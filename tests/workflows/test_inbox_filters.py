"""A filtered inbox (by process, by text, both) gives the tasks a plain reading of the rows gives, in each order,
page by page, on each backend (PostgreSQL reads them by a query of its own: worklists._filtered_in_order)."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.workflows.inbox_rows import AT
from tests.workflows.inbox_rows import store
from workflows.actors import Actor
from workflows.queries import worklists

ME = Actor(1, "wangmin", frozenset({"personnel_office"}))
PROCESSES = {1: "rotation_approval", 2: "cadre_selection"}
# case id → (process version, title, subject)
CASES = {1: (1, "交流轮岗：网络安全科科长", None), 2: (2, "选拔任用", "办公室副科长"), 3: (2, "选拔任用", None),
         4: (1, "交流轮岗", "QP0012 张三")}


def stored(engine) -> list[dict]:
    """Twenty-four tasks over the four cases (some mine, some not, due or not); the rows as dicts."""
    tasks = [{"id": f"t{number:02d}", "case_id": number % 4 + 1, "name": f"第{number % 5}步",
              "lane": "personnel_office" if number % 6 else "discipline",
              "assignee_id": 1 if number % 12 == 0 else None,
              "due_at": None if number % 3 == 0 else AT + timedelta(days=(number * 7) % 5),
              "created_at": AT + timedelta(minutes=(number * 11) % 17)} for number in range(24)]
    store(engine, processes=PROCESSES, users=(1,), cases=CASES, tasks=tasks)
    return tasks


def expected(tasks, sort: str, process: str | None, text: str) -> list[str]:
    """The tasks before me that pass the filters, in the order ``sort`` names, read off the rows in Python."""
    def passes(task):
        spec_id, title, subject = CASES[task["case_id"]]
        mine = task["assignee_id"] == 1 or (task["lane"] == "personnel_office" and task["assignee_id"] is None)
        found = not text or any(text.lower() in (held or "").lower() for held in (title, subject, task["name"]))
        return mine and found and (not process or PROCESSES[spec_id] == process)
    keys = {"due": lambda t: (t["due_at"] is None, t["due_at"] or AT, t["created_at"], t["id"]),
            "oldest": lambda t: (t["created_at"], t["id"])}
    chosen = [task for task in tasks if passes(task)]
    if sort == "newest":  # newest first, then by id
        return [t["id"] for t in sorted(sorted(chosen, key=lambda t: t["id"]), key=lambda t: t["created_at"],
                                        reverse=True)]
    return [t["id"] for t in sorted(chosen, key=keys[sort])]


@pytest.mark.parametrize("process", [None, "rotation_approval", "cadre_selection"])
@pytest.mark.parametrize("text", ["", "科长", "qp0012", "第3步", "无此字"])
def test_each_filter_gives_what_the_rows_give_page_by_page_in_each_order(engine, process, text):
    tasks = stored(engine)
    with Session(engine) as session:
        for sort in ("due", "oldest", "newest"):
            pages = [worklists.inbox(session, ME, sort=sort, process=process, text=text, page=page, per_page=4)
                     for page in range(1, 8)]
            assert [task.id for found in pages for task in found.tasks] == expected(tasks, sort, process, text), sort
            shown = [found for found in pages if found.tasks]
            assert [found.more for found in shown] == [True] * (len(shown) - 1) + [False] * bool(shown)
