"""A procedure writes back to the registry when it reaches an element marked with ``registryEffect``."""

import shutil

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Post
from storage.models import ProcessSpec
from tests.conftest import DATA
from workflows import commands
from workflows.errors import DeployError
from workflows.errors import EngineError
from workflows.processes import deploy
from workflows.registry.demo import seed_registry


@pytest.fixture
def leave_post(sessions, people, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "leave_post.bpmn"]), people["organiser"], clock.now())


def posts_of(session, staff_no: str) -> list[Post]:
    cadre = session.scalar(select(Cadre).where(Cadre.staff_no == staff_no))
    return list(session.scalars(select(Post).where(Post.cadre_id == cadre.id).order_by(Post.start_date)))


def test_reaching_the_exit_end_event_moves_the_cadre_out_of_the_leadership_post(sessions, people, clock, leave_post):
    with sessions.begin() as session:
        before = posts_of(session, "QP0001")[-1]
        case = commands.start_case(session, people["organiser"], clock.now(), "leave_post", "", cadre_staff_no="QP0001")
        commands.complete_task(session, people["organiser"], clock.now(), case["open_tasks"][0]["id"],
                               {"new_post_title": "一级主任科员", "exit_date": "2026-03-01"})
    with sessions.begin() as session:
        old, new = posts_of(session, "QP0001")[-2:]
        assert (old.title, old.end_date.isoformat()) == (before.title, "2026-03-01")
        assert (new.title, new.is_leadership, new.level, new.appointment_mode) == ("一级主任科员", False, None,
                                                                                    "second_line")
        assert new.civil_service_rank == before.civil_service_rank  # 原职级待遇不变
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.type == "registry.appointed")) == 1


def test_an_effect_without_a_cadre_fails_the_command_and_changes_nothing(sessions, people, clock, leave_post):
    with sessions.begin() as session:
        case = commands.start_case(session, people["organiser"], clock.now(), "leave_post", "无关联干部")
    with pytest.raises(EngineError, match="关联一名干部"), sessions.begin() as session:
        commands.complete_task(session, people["organiser"], clock.now(), case["open_tasks"][0]["id"],
                               {"new_post_title": "一级主任科员", "exit_date": "2026-03-01"})
    with sessions.begin() as session:
        assert [t.bpmn_id for t in commands.open_tasks(session, case["id"])] == ["decide_exit"]


def test_an_unknown_effect_is_refused_at_deploy(sessions, people, clock, tmp_path):
    shutil.copytree(DATA / "forms", tmp_path / "forms")
    source = (DATA / "leave_post.bpmn").read_text().replace("second_line.exit", "second_line.retire")
    (tmp_path / "bad_effect.bpmn").write_text(source)
    with pytest.raises(DeployError, match="second_line.retire") as refused, sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([tmp_path / "bad_effect.bpmn"]), people["organiser"],
                      clock.now())
    assert refused.value.element == "left"
    with sessions() as session:
        assert session.scalar(select(ProcessSpec.id)) is None
