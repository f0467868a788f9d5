"""A filtered inbox (by process, by text, both) gives the tasks a plain reading of the rows gives, in each order,
page by page, on each backend (PostgreSQL reads them by a query of its own: worklists._filtered_in_order)."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import Actor
from workflows.queries import worklists

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ME = Actor(1, "wangmin", frozenset({"personnel_office"}))
PROCESSES = {1: "rotation_approval", 2: "cadre_selection"}
# case id → (process version, title, subject)
CASES = {1: (1, "交流轮岗：网络安全科科长", None), 2: (2, "选拔任用", "办公室副科长"), 3: (2, "选拔任用", None),
         4: (1, "交流轮岗", "QP0012 张三")}


def stored(engine) -> list[dict]:
    """Twenty-four tasks over the four cases (some mine, some not, due or not); the rows as dicts."""
    tasks = []
    for number in range(24):
        case_id = number % 4 + 1
        tasks.append({"id": f"t{number:02d}", "case_id": case_id, "bpmn_id": "step", "name": f"第{number % 5}步",
                      "lane": "personnel_office" if number % 6 else "discipline", "status": "open",
                      "assignee_id": 1 if number % 6 == 0 and number % 12 == 0 else None, "has_form": True,
                      "due_at": None if number % 3 == 0 else AT + timedelta(days=(number * 7) % 5),
                      "created_at": AT + timedelta(minutes=(number * 11) % 17)})
    with engine.begin() as connection:
        for spec_id, process_id in PROCESSES.items():
            connection.execute(insert(ProcessSpec.__table__).values(
                id=spec_id, process_id=process_id, name=process_id, version=1, sha256=str(spec_id) * 64, sources={},
                forms={}, task_info={}, spec_json="{}", serializer_version="1.5", deployed_at=AT))
        connection.execute(insert(User.__table__).values(id=1, username="wangmin", display_name="王敏", active=True,
                                                         created_at=AT))
        for case_id, (spec_id, title, subject) in CASES.items():
            connection.execute(insert(Case.__table__).values(
                id=case_id, spec_id=spec_id, title=title, subject=subject, status="running", started_at=AT,
                version=1, serializer_version="1.5", state_digest="x"))
        connection.execute(insert(HumanTask.__table__), tasks)
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
