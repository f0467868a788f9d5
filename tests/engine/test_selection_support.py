"""What the selection procedure needs of the engine: cadre fields with their records, the Art. 24 screening
in expressions, and the appointment and probation written to the registry."""

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Post
from tests.conftest import make_actor
from workflows.engine.expressions import RestrictedEnvironment
from workflows.errors import InvalidData
from workflows.forms.cadre_fields import attach_records
from workflows.registry import cadre_records
from workflows.registry import effects as registry_effects
from workflows.registry.demo import seed_registry

SCHEMA = {"type": "object", "properties": {
    "candidates": {"type": "array", "items": {"type": "string"}, "x-cadre": True, "title": "考察对象"},
    "note": {"type": "string"}}}


@pytest.fixture
def bureau(sessions, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())


def test_cadre_fields_attach_records_and_refuse_unknown_numbers(sessions, bureau):
    with sessions() as session:
        enriched = attach_records(session, SCHEMA, {"candidates": ["QP0012", "QP0037", "QP0003"], "note": "x"})
        records = enriched["candidates_records"]
        assert [r["staff_no"] for r in records] == ["QP0012", "QP0037", "QP0003"]
        assert records[1]["sanctions"][0]["kind"] == "党内警告" and records[0]["annual_grades"]
        with pytest.raises(InvalidData) as refused:
            attach_records(session, SCHEMA, {"candidates": ["QP0003", "QP9999"]})
        assert refused.value.errors == {"candidates": "「考察对象」中的干部编号 QP9999 在干部信息库中不存在"}


def test_models_screen_candidates_by_the_registry_exclusions(sessions, bureau, clock):
    with sessions() as session:
        records = attach_records(session, SCHEMA, {"candidates": ["QP0037", "QP0003"]})["candidates_records"]
    env = RestrictedEnvironment()
    on = clock.now().date().isoformat()
    assert env.evaluate("eligible_staff_nos(records, on)", {"records": records, "on": on}) == ["QP0003"]
    notes = env.evaluate("exclusion_notes(records, on)", {"records": records, "on": on})
    assert len(notes) == 1 and notes[0].startswith(records[0]["name"]) and "影响期" in notes[0]


def test_appointment_then_failed_probation_writes_the_post_and_the_return(sessions, clock):
    organiser = make_actor(sessions, "wangmin", "personnel_office")
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        deputy = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0002"))
        former = deputy.current_post.title
        effects = registry_effects.EFFECTS
        data = {"appointee": "QP0002", "post_section_code": "BGS", "post_title": "科长", "post_level": "section_chief",
                "decision_date": "2026-03-01", "return_date": "2027-03-01"}
        effects["appointment.made"](session, organiser, clock.now(), None, data)
    with sessions.begin() as session:
        post = cadre_records.find_cadre(session, "QP0002").current_post
        assert (post.title, post.probation_end.isoformat(), post.probation_result) == ("科长", "2027-03-01", None)
        effects["probation.failed"](session, organiser, clock.now(), None, data)
    with sessions.begin() as session:
        posts = list(session.scalars(select(Post).join(Cadre).where(Cadre.staff_no == "QP0002")
                                     .order_by(Post.start_date)))
        assert [p.probation_result for p in posts[-2:]] == ["failed", None]
        assert (posts[-1].title, posts[-1].appointment_mode, posts[-1].end_date) == (former, "demotion", None)
