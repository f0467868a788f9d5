"""The site the English-pages test walks: the bureau's people, cases mid-way and finished, and its user data."""

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from storage.base import Base
from storage.models import HumanTask
from storage.models import User
from tests.conftest import make_actor
from tests.procedures import rotation_steps
from tests.procedures import second_line_steps
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from tests.webapp.conftest import make_app
from workflows.engine.clock import FixedClock
from workflows.registry import awards
from workflows.registry import cadre_file
from workflows.registry import cadre_records

START = beijing("2026-09-01 09:00")
MODELS = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]
# A run of Chinese characters (CJK ideographs, extension A and the compatibility block).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
CHINESE_ELEMENT = re.compile(r'<(\w+)[^>]*\slang="zh[^"]*"[^>]*>.*?</\1>', re.S)
# Labels of codes kept in Chinese beside their English (the pages name roles in the page's language).
NOT_USER_DATA = {("role", "name_zh")}


@dataclass
class Site:
    """The app, its clock and the ids the walk fills the routes with."""

    app: object
    clock: FixedClock
    cases: dict[str, int]
    cadre_id: int
    leave_id: int
    award_id: int
    users: dict[str, int]
    roles: dict[str, set[str]]
    done_task: str

    def open_tasks(self) -> list[HumanTask]:
        with self.app.extensions["cadreflow.sessions"]() as session:
            rows = session.scalars(select(HumanTask).where(HumanTask.status == "open")
                                   .order_by(HumanTask.case_id, HumanTask.id)).all()
            session.expunge_all()
            return list(rows)

    def tasks_of(self, username: str) -> list[str]:
        """The open tasks ``username`` may do: of a lane they hold, or assigned to them."""
        return [row.id for row in self.open_tasks()
                if row.lane in self.roles[username] or row.assignee_id == self.users[username]]


def build(folder: Path) -> Site:
    """The demo registry, the three packaged procedures, a case at each stage that gives a lane work, and one done."""
    clock = FixedClock(START)
    app = make_app(f"sqlite:///{folder / 'english.sqlite'}", clock)
    app.config["WTF_CSRF_ENABLED"] = False
    sessions = app.extensions["cadreflow.sessions"]
    bureau = Bureau(sessions, clock, MODELS)
    make_actor(sessions, "auditor", "auditor")
    make_actor(sessions, "admin", "admin")
    cases = {"finished": _finished(bureau).id}
    with sessions.begin() as session:  # a record in the appointee's cadre file, to open its edit form
        cadre = cadre_records.find_cadre(session, "QP0026")
        leave = cadre_file.add(session, bureau.people["organiser"], clock.now(), cadre_file.LEAVE, cadre.id,
                               {"leave_kind": "sick", "leave_start": date(2026, 11, 2),
                                "leave_end": date(2026, 11, 6), "leave_note": "病假"})
        award = awards.add_award(session, bureau.people["organiser"], clock.now(), cadre.id, {
            "awarded_on": date(2025, 12, 20), "title": "嘉奖", "granted_by": "上海市青浦区人民政府"})
        cadre_id, leave_id, award_id = cadre.id, leave.id, award.id
    clock.at = START  # the running cases start on the same morning as the finished one did
    cases["rotation"] = rotation_steps.start(bureau, "QP0001").id
    cases["second_line"] = second_line_steps.start(bureau).id
    upper = steps.start(bureau)
    upper.do("analysis", steps.ANALYSIS)
    upper.do("motion", {**steps.MOTION, "needs_upper_report": True, "upper_report_reason": "越级提拔，须事前报告"})
    upper.do("motion_consent", {"motion_agreed": True, "secretary_opinion_on_motion": "同意启动"})
    cases["upper_report"] = upper.id
    cases["checks"] = steps.to_checks(bureau).id
    clock.at = START  # each walk sets its dates from the same first day
    cases["vote"] = steps.to_vote(bureau).id
    with sessions() as session:
        people = session.scalars(select(User)).all()
        users, roles = {user.username: user.id for user in people}, {user.username: set(user.roles) for user in people}
        done_task = session.scalar(select(HumanTask.id).where(HumanTask.case_id == cases["finished"]).limit(1))
    return Site(app, clock, cases, cadre_id, leave_id, award_id, users, roles, done_task)


def _finished(bureau: Bureau):
    """A selection walked to its end: appointed, the probation confirmed."""
    run = steps.to_vote(bureau, appointee="QP0026", reference=("QP0026", "QP0010"))
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    steps.probation(run, "confirmed")
    assert run.status == "completed"
    return run


def user_data(app) -> str:
    """Every Chinese text the database holds (all text and JSON columns of all tables, JSON inside text too)."""
    found: set[str] = set()
    with app.extensions["cadreflow.sessions"]() as session:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns if (table.name, column.name) not in NOT_USER_DATA]
            for row in session.execute(select(*columns)):
                for value in row:
                    _collect(value, found)
    return "\n".join(sorted(found))


def _collect(value, found: set[str]) -> None:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return
    if isinstance(value, str):
        if value[:1] in "[{":
            try:
                _collect(json.loads(value), found)
            except ValueError:
                pass
        if CJK.search(value):
            found.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(key, found)
            _collect(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, found)


def foreign_runs(page: str, user_data: str) -> list[str]:
    """The runs of Chinese on ``page`` that no stored text contains, in order, once each.

    An element marked ``lang="zh-…"`` is meant to be Chinese (the language switch names Chinese as 中文).
    """
    page = CHINESE_ELEMENT.sub("", page)
    return list(dict.fromkeys(run for run in CJK.findall(page) if run not in user_data))
