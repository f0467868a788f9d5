"""A case started for a cadre takes its subject, title and a snapshot of the record from the registry."""

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Case
from tests.conftest import DATA
from workflows import commands
from workflows.errors import InvalidData
from workflows.processes import deploy
from workflows.queries import case_reads
from workflows.record import replay
from workflows.registry.demo import seed_registry


@pytest.fixture
def registry_and_process(sessions, people, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "two_lane.bpmn"]), people["organiser"], clock.now())


def test_case_for_a_cadre_carries_the_registry_snapshot(sessions, people, clock, registry_and_process):
    with sessions.begin() as session:
        answer = commands.start_case(session, people["organiser"], clock.now(), "two_lane_review", "",
                                     cadre_staff_no="QP0001")
        cadre = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0001"))
        case = session.get(Case, answer["id"])
        assert (case.cadre_id, case.subject) == (cadre.id, "QP0001")
        assert answer["title"] == f"两级审核（测试）：{cadre.name}"
        snapshot = case_reads.case_data(case)["cadre"]
        assert snapshot["name"] == cadre.name and snapshot["post_title"] == "科长"
        assert snapshot["birth_date"] == cadre.birth_date.isoformat()
        assert replay.replay_case(session, case).ok


def test_an_unknown_staff_number_starts_nothing(sessions, people, clock, registry_and_process):
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        commands.start_case(session, people["organiser"], clock.now(), "two_lane_review", "", cadre_staff_no="QP9999")
    assert "QP9999" in refused.value.errors["cadre"]  # the form field is named, as for any bad input
    with sessions() as session:
        assert session.scalar(select(Case.id)) is None
