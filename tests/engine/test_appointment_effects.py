"""The appointment written to the registry: the 职级 kept or set by the decision, 提拔 or 转任 by the 职务层次,
probation only for a promotion, and a failed probation returning the cadre to the post and 职级 held before."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Post
from tests.conftest import organiser_of_a_registry
from workflows.engine.expressions import RestrictedEnvironment
from workflows.errors import EngineError
from workflows.registry import cadre_records
from workflows.registry import codes as codes
from workflows.registry import edit
from workflows.registry.effects import EFFECTS

FORMS_DIR = Path(__file__).resolve().parents[2] / "bpmn" / "forms"
# QP0002: 办公室副科长 since 2018, 四级主任科员. QP0004: 办公室, a non-leadership post (a rank as its title).
CHIEF = {"post_section_code": "SJZY", "post_title": "科长", "post_level": "section_chief",
         "decision_date": "2026-03-01"}
DEPUTY = {**CHIEF, "post_title": "副科长", "post_level": "deputy_section_chief"}


@pytest.fixture
def organiser(sessions, clock):
    return organiser_of_a_registry(sessions, clock)


def appoint(sessions, organiser, clock, staff_no: str, data: dict) -> Post:
    with sessions.begin() as session:
        EFFECTS["appointment.made"](session, organiser, clock.now(), None, {"appointee": staff_no, **data})
    return current(sessions, staff_no)


def current(sessions, staff_no: str) -> Post:
    with sessions() as session:
        post = cadre_records.find_cadre(session, staff_no).current_post
        session.expunge_all()
        return post


def posts(sessions, staff_no: str) -> list[Post]:
    with sessions() as session:
        rows = list(session.scalars(select(Post).join(Cadre).where(Cadre.staff_no == staff_no)
                                    .order_by(Post.start_date, Post.id)))
        session.expunge_all()
        return rows


def test_the_cadre_keeps_the_rank_unless_the_decision_sets_one(sessions, organiser, clock):
    before = current(sessions, "QP0002")
    assert (before.level, before.civil_service_rank) == ("deputy_section_chief", "四级主任科员")
    kept = appoint(sessions, organiser, clock, "QP0002", CHIEF)
    assert (kept.title, kept.civil_service_rank) == ("科长", "四级主任科员")  # was written as None before
    set_by_decision = appoint(sessions, organiser, clock, "QP0010", {**CHIEF, "post_section_code": "BGS",
                                                                     "civil_service_rank": "三级主任科员"})
    assert set_by_decision.civil_service_rank == "三级主任科员"


def test_a_rank_outside_the_registry_codes_is_refused_and_nothing_is_written(sessions, organiser, clock):
    with pytest.raises(EngineError, match="职级"), sessions.begin() as session:
        EFFECTS["appointment.made"](session, organiser, clock.now(), None,
                                    {"appointee": "QP0002", **CHIEF, "civil_service_rank": "正科级"})
    assert current(sessions, "QP0002").title == "副科长"


@pytest.mark.parametrize(("staff_no", "data", "mode", "probation_end"), [
    ("QP0002", CHIEF, "promotion", date(2027, 3, 1)),  # 副科 → 正科
    ("QP0004", DEPUTY, "promotion", date(2027, 3, 1)),  # a non-leadership post → 副科
    ("QP0002", DEPUTY, "transfer", None),  # 副科 → 副科: lateral, no probation
    ("QP0001", CHIEF, "transfer", None),  # 正科 → 正科
])
def test_promotion_has_a_probation_year_and_a_lateral_appointment_none(sessions, organiser, clock, staff_no, data,
                                                                        mode, probation_end):
    post = appoint(sessions, organiser, clock, staff_no, data)
    assert (post.appointment_mode, post.probation_end) == (mode, probation_end)
    assert post.decision_date == date(2026, 3, 1) and post.section.code == "SJZY"


def test_the_model_and_the_registry_judge_promotion_from_the_same_record(sessions, organiser, clock):
    with sessions() as session:
        record = cadre_records.record_of(session, cadre_records.find_cadre(session, "QP0002"))  # as x-cadre attaches it
    env = RestrictedEnvironment()
    check = "appointment_is_promotion(appointee_records, post_level)"
    assert env.evaluate(check, {"appointee_records": record, "post_level": "section_chief"}) is True
    assert env.evaluate(check, {"appointee_records": record, "post_level": "deputy_section_chief"}) is False
    assert env.evaluate(check, {"appointee_records": None, "post_level": "deputy_section_chief"}) is True
    # The case's record decides even if the registry changed after the proposal (here: made 正科 meanwhile).
    with sessions.begin() as session:
        cadre = cadre_records.find_cadre(session, "QP0002")
        edit.appoint(session, organiser, clock.now(), cadre.id, {
            "section_id": cadre.current_post.section_id, "title": "科长", "level": "section_chief",
            "is_leadership": True, "start_date": date(2026, 2, 1), "appointment_mode": "promotion"})
    post = appoint(sessions, organiser, clock, "QP0002", {**CHIEF, "appointee_records": record})
    assert (post.appointment_mode, post.probation_end) == ("promotion", date(2027, 3, 1))


def test_a_failed_probation_restores_the_post_and_rank_held_before_the_appointment(sessions, organiser, clock):
    before = current(sessions, "QP0002")
    appoint(sessions, organiser, clock, "QP0002", {**CHIEF, "civil_service_rank": "三级主任科员"})
    with sessions.begin() as session:  # a correction during the probation year: a new row of the same post
        cadre = cadre_records.find_cadre(session, "QP0002")
        trial = cadre.current_post
        edit.appoint(session, organiser, clock.now(), cadre.id, {
            "section_id": trial.section_id, "title": "科长", "level": "section_chief", "is_leadership": True,
            "civil_service_rank": "二级主任科员", "start_date": date(2026, 6, 1), "appointment_mode": "other"})
    with sessions.begin() as session:
        EFFECTS["probation.failed"](session, organiser, clock.now(), None,
                                    {"appointee": "QP0002", "return_date": "2027-03-02"})
    history = posts(sessions, "QP0002")
    trial, correction, restored = history[-3:]
    assert (trial.probation_result, correction.end_date) == ("failed", date(2027, 3, 2))
    assert "试用期不胜任" in correction.end_reason
    assert (restored.section_id, restored.title, restored.level, restored.is_leadership) == (
        before.section_id, before.title, before.level, before.is_leadership)
    assert (restored.civil_service_rank, restored.start_date, restored.end_date) == (
        "四级主任科员", date(2027, 3, 2), None)


def test_a_failed_probation_without_one_running_is_refused(sessions, organiser, clock):
    appoint(sessions, organiser, clock, "QP0002", DEPUTY)  # lateral: no probation
    with pytest.raises(EngineError, match="没有试用期中的职务"), sessions.begin() as session:
        EFFECTS["probation.failed"](session, organiser, clock.now(), None,
                                    {"appointee": "QP0002", "return_date": "2027-03-02"})


def test_the_notice_form_offers_the_registry_ranks():
    schema = json.loads((FORMS_DIR / "selection_appointment_notice.json").read_text(encoding="utf-8"))
    rank = schema["properties"]["civil_service_rank"]
    assert rank["title"] == "职级" and "civil_service_rank" not in schema["required"]
    assert [option["const"] for option in rank["oneOf"]] == list(codes.CIVIL_SERVICE_RANK)


def test_forms_say_post_level_for_zhengke_fuke_and_rank_only_for_the_rank():
    def form(name: str) -> dict:
        return json.loads((FORMS_DIR / f"selection_{name}.json").read_text(encoding="utf-8"))

    assert form("start")["properties"]["post_level"]["title"] == "职务层次"
    for name in ("start", "analysis", "appointment_notice", "probation_decision"):
        schema = form(name)
        for field, prop in schema["properties"].items():
            title = prop.get("title", "")
            assert "职级" not in title.replace("职务职级", "") or field == "civil_service_rank", (name, field)
