"""The access rules as tables: who reads which case, who acts on which task in which role, whose inbox shows it;
and that no other module decides task access."""

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Case
from storage.models import HumanTask
from tests.conftest import make_actor
from workflows import access
from workflows.errors import Forbidden
from workflows.errors import NotFound
from workflows.processes.deploy import latest_spec

ROOT = Path(__file__).resolve().parents[2]
ACTORS = ("office", "admin", "auditor", "secretary", "member_a", "member_b", "discipline")
ROLES = {"office": "personnel_office", "admin": "admin", "auditor": "auditor", "secretary": "party_secretary",
         "member_a": "party_group", "member_b": "party_group", "discipline": "discipline"}

# Tasks of one case: (lane, assignee, claimed by, status).
TASKS = {
    "group_open": ("party_group", None, None, "open"),
    "group_claimed_by_b": ("party_group", None, "member_b", "open"),
    "assigned_to_a": ("party_group", "member_a", None, "open"),
    "group_done": ("party_group", None, None, "completed"),
    "no_lane": (None, None, None, "open"),
    "office_open": ("personnel_office", None, None, "open"),
    "discipline_assigned_to_a": ("discipline", "member_a", None, "open"),
}
# Who acts on each task, and in which role: a role code, "*" acting in no role, "✗lane" refused for lacking the
# lane's role, "✗other" refused because the task is someone else's. Neither claim nor status is looked at here
# (they are the command's conflicts).
ACTS = {  # office     admin      auditor    secretary  member_a        member_b        discipline
    "group_open": ("✗lane", "✗lane", "✗lane", "✗lane", "party_group", "party_group", "✗lane"),
    "group_claimed_by_b": ("✗lane", "✗lane", "✗lane", "✗lane", "party_group", "party_group", "✗lane"),
    "assigned_to_a": ("✗other", "✗other", "✗other", "✗other", "party_group", "✗other", "✗other"),
    "group_done": ("✗lane", "✗lane", "✗lane", "✗lane", "party_group", "party_group", "✗lane"),
    "no_lane": ("*", "*", "*", "*", "*", "*", "*"),
    "office_open": ("personnel_office", "✗lane", "✗lane", "✗lane", "✗lane", "✗lane", "✗lane"),
    "discipline_assigned_to_a": ("✗other", "✗other", "✗other", "✗other", "discipline", "✗other", "✗other"),
}
# Whose inbox shows each task: open, and assigned to them or of their role and assigned to nobody.
INBOX = {
    "group_open": {"member_a", "member_b"},
    "group_claimed_by_b": {"member_a", "member_b"},  # the claim is a conflict when acted on, not hidden
    "assigned_to_a": {"member_a"},
    "group_done": set(),
    "no_lane": set(),  # anyone may act on it, but no inbox offers it
    "office_open": {"office"},
    "discipline_assigned_to_a": {"member_a"},
}
# Cases, each with one task (or none): who reads it. The office, admins and auditors read every case.
EVERY_CASE = {"office", "admin", "auditor"}
CASES = {  # situation: (task as in TASKS or None, started by)
    "lane_task_open": ("group_open", "office"),
    "lane_task_done": ("group_done", "office"),  # who had a task in it keeps reading it
    "assigned_to_a": ("assigned_to_a", "office"),
    "task_without_lane": ("no_lane", "office"),
    "started_by_secretary": (None, "secretary"),
    "no_task": (None, "office"),
}
READS = {
    "lane_task_open": EVERY_CASE | {"member_a", "member_b"},
    "lane_task_done": EVERY_CASE | {"member_a", "member_b"},
    "assigned_to_a": EVERY_CASE | {"member_a"},
    "task_without_lane": EVERY_CASE,
    "started_by_secretary": EVERY_CASE | {"secretary"},
    "no_task": EVERY_CASE,
}


@pytest.fixture
def world(sessions, clock, two_lane):
    """The actors, and one case per situation of CASES plus one holding every task of TASKS."""
    actors = {name: make_actor(sessions, f"{name}_x", ROLES[name]) for name in ACTORS}  # two_lane has "auditor"
    ids = {name: actor.user_id for name, actor in actors.items()}
    with sessions.begin() as session:
        spec = latest_spec(session, two_lane)

        def case(title: str, starter: str, tasks: dict) -> int:
            row = Case(spec_id=spec.id, title=title, status="running", started_by_id=ids[starter],
                       started_at=clock.now(), workflow_state="{}", serializer_version="test", state_digest="0" * 64)
            session.add(row)
            session.flush()
            for name, (lane, assignee, claimed, status) in tasks.items():
                session.add(HumanTask(id=str(uuid.uuid4()), case_id=row.id, bpmn_id=name, name=name, lane=lane,
                                      status=status, assignee_id=ids.get(assignee), claimed_by_id=ids.get(claimed),
                                      created_at=clock.now()))
            return row.id

        cases = {situation: case(situation, starter, {task: TASKS[task]} if task else {})
                 for situation, (task, starter) in CASES.items()}
        cases["every_task"] = case("every task", "office", TASKS)
    return actors, cases


def outcome(actor, task) -> str:
    try:
        role = access.acting_role(actor, task)
    except Forbidden as refused:
        return "✗other" if "指定由他人办理" in refused.message else "✗lane"
    return "*" if role is None else role


def test_who_acts_on_which_task_in_which_role(sessions, world):
    actors, cases = world
    with sessions() as session:
        tasks = {row.bpmn_id: row for row in session.scalars(select(HumanTask).where(
            HumanTask.case_id == cases["every_task"]))}
        found = {name: tuple(outcome(actors[who], tasks[name]) for who in ACTORS) for name in TASKS}
    assert found == ACTS


def test_refusals_say_why_as_they_always_did(sessions, world):
    actors, cases = world
    with sessions() as session:
        tasks = {row.bpmn_id: row for row in session.scalars(select(HumanTask))}
        with pytest.raises(Forbidden) as other:
            access.acting_role(actors["member_b"], tasks["assigned_to_a"])
        with pytest.raises(Forbidden) as lane:
            access.acting_role(actors["office"], tasks["group_open"])
    assert other.value.message == "任务「assigned_to_a」指定由他人办理"
    assert lane.value.message == "任务「group_open」属于「party_group」角色，您没有该角色"


def test_auditors_and_admins_read_every_task_others_those_they_act_on(sessions, world):
    actors, cases = world
    with sessions() as session:
        tasks = {row.bpmn_id: row for row in session.scalars(select(HumanTask).where(
            HumanTask.case_id == cases["every_task"]))}
        for name, row in tasks.items():
            for who, acts in zip(ACTORS, ACTS[name], strict=True):
                reads = who in ("auditor", "admin") or not acts.startswith("✗")
                try:
                    access.check_reads_task(actors[who], row)
                    assert reads, f"{who} reads {name}"
                except Forbidden:
                    assert not reads, f"{who} may not read {name}"


def test_whose_inbox_shows_which_task(sessions, world):
    actors, cases = world
    with sessions() as session:
        found = {name: set() for name in TASKS}
        for who, actor in actors.items():
            for row in session.scalars(select(HumanTask).where(access.inbox_condition(actor),
                                                               HumanTask.case_id == cases["every_task"])):
                found[row.bpmn_id].add(who)
    assert found == INBOX


def test_who_reads_which_case(sessions, world):
    actors, cases = world
    with sessions() as session:
        found = {situation: {who for who, actor in actors.items()
                             if access.may_read_case(session, actor, session.get(Case, cases[situation]))}
                 for situation in CASES}
        with pytest.raises(Forbidden, match="您无权查看案件"):
            access.readable_case(session, actors["discipline"], cases["no_task"])
        with pytest.raises(NotFound, match="不存在"):
            access.readable_case(session, actors["office"], 10_000)
    assert found == READS


def test_only_the_office_admins_and_auditors_list_every_case(sessions, world):
    actors, _ = world
    listing = set()
    for who, actor in actors.items():
        try:
            access.check_reads_all_cases(actor)
            listing.add(who)
        except Forbidden:
            pass
    assert listing == EVERY_CASE


# What deciding task or case access looks like in code; only workflows/access.py may hold it.
DECIDING = re.compile(r"\.lane not in|\.lane in actor\.roles|assignee_id != |lane\.in_\(|assignee_id is None and"
                      r"|READ_ALL_ROLES = |def authorize_task|def visible_case|def visible_tasks")


def test_no_other_module_decides_task_or_case_access():
    deciding = {path.relative_to(ROOT).as_posix() for package in ("workflows", "webapp")
                for path in (ROOT / package).rglob("*.py") if DECIDING.search(path.read_text(encoding="utf-8"))}
    assert deciding == {"workflows/access.py"}
