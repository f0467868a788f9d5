"""The 干部任免审批表 of a case's 拟任人选: 拟任职务, 拟免职务 and 任免理由 from a case driven by its people."""

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.conftest import make_actor
from tests.papers.approval_people import dress
from tests.papers.approval_people import pdf_text
from tests.papers.approval_people import write_pngs
from tests.procedures import rotation_steps
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from workflows.engine.clock import FixedClock
from workflows.errors import Forbidden
from workflows.errors import NotFound
from workflows.papers import approval_export
from workflows.papers import approval_pdf
from workflows.papers.approval_case import for_case
from workflows.papers.approval_registry import collect
from workflows.registry import cadre_records

MODELS = ["cadre_selection.bpmn", "rotation_approval.bpmn"]
DAY = date(2026, 10, 20)
ALL_APPROVE = {member: "approve" for member in steps.MEMBERS}


@pytest.fixture
def clock():
    return FixedClock(beijing("2026-09-01 09:00"))


@pytest.fixture
def bureau(sessions, clock):
    bureau = Bureau(sessions, clock, MODELS)
    with sessions.begin() as session:
        dress(session, "QP0003")
    return bureau


def appointed(bureau):
    """A selection walked to its filing: 崔英 (QP0003, 办公室副科长) appointed 数据资源科科长."""
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    steps.determine(run)
    steps.inspect(run)
    steps.propose(run)
    steps.meeting(run)
    steps.vote(run, ALL_APPROVE)
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    return run


def test_a_selection_gives_the_appointee_the_post_proposed_and_the_post_removed(bureau, sessions):
    run = appointed(bureau)
    with sessions() as session:
        case = session.get(Case, run.id)
        form = for_case(session, case, at=DAY, reporting_unit="上海市青浦区数据局")
        now = collect(session, cadre_records.find_cadre(session, "QP0003"), at=DAY)
    assert form.name == "崔英" and form.staff_no == "QP0003"
    assert form.proposed_post == "数据资源科科长"
    # The registry already holds the new post; the form reads as the case proposed it.
    assert now.current_post == "数据资源科科长"
    assert form.current_post == form.removed_post == "办公室副科长"
    assert form.reason == "工作需要，经民主推荐、组织考察、党组研究决定"
    # Its 简历 too: the registry's ends with the new post (it did on the case's form as well); the case's stops
    # before it, the held post open again.
    assert now.resume[-1].text.endswith("数据资源科科长") and now.resume[-1].end == ""
    assert form.resume == (*now.resume[:-2], dataclasses.replace(now.resume[-2], end=""))
    assert form.resume[-1].text.endswith("办公室副科长")
    pdf = approval_pdf.render(form)
    text = pdf_text(pdf, 1)
    for value in ("拟任职务数据资源科科长", "拟免职务办公室副科长", "崔英"):
        assert value in text, value
    assert "工作需要，经民主推荐、组织考察、党组研究决定" in pdf_text(pdf, 2)
    write_pngs(pdf, "approval-form-selection")


def test_before_the_appointee_is_chosen_the_case_has_no_form_unless_a_candidate_is_named(bureau, sessions):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    steps.determine(run)
    with sessions() as session:
        case = session.get(Case, run.id)
        with pytest.raises(NotFound, match="尚未确定拟任人选"):
            for_case(session, case, at=DAY)
        form = for_case(session, case, at=DAY, staff_no="QP0010")  # a candidate's, for the party group's papers
        assert form.proposed_post == "数据资源科科长" and form.reason.endswith("拟提请党组研究")
        with pytest.raises(NotFound):
            for_case(session, case, at=DAY, staff_no="QP0040")  # not a candidate of this case


def test_a_rotation_moves_the_cadre_to_the_planned_post(bureau, sessions):
    run = rotation_steps.start(bureau, rotation_steps.OUTGOING_HEAD)
    rotation_steps.screen(run)
    rotation_steps.plan(run, "SJZY", "科长")
    with sessions() as session:
        form = for_case(session, session.get(Case, run.id), at=DAY)
    assert form.staff_no == rotation_steps.OUTGOING_HEAD
    assert (form.current_post, form.proposed_post, form.removed_post) == ("办公室科长", "数据资源科科长", "办公室科长")
    assert form.reason == "在同一职位任职满十年，按规定交流轮岗，拟提请党组研究"


def test_giving_the_form_is_for_readers_on_record_with_the_case(bureau, sessions):
    run = appointed(bureau)
    reviewer = make_actor(sessions, "reviewer", "party_group")
    office = bureau.people["organiser"]
    at = beijing("2026-10-20 10:00")
    with sessions.begin() as session:
        with pytest.raises(Forbidden):
            approval_export.give(session, reviewer, at, "QP0003", fmt="pdf", today=DAY)
        with pytest.raises(NotFound):
            approval_export.give(session, office, at, "QP9999", fmt="pdf", today=DAY)
        with pytest.raises(NotFound, match="不涉及"):
            approval_export.give(session, office, at, "QP0001", fmt="pdf", today=DAY, case_id=run.id)
    with sessions.begin() as session:
        paper = approval_export.give(session, office, at, "QP0003", fmt="docx", today=DAY, case_id=run.id)
    assert paper.name == "干部任免审批表-崔英.docx" and paper.ascii_name == "approval-form-QP0003.docx"
    with sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "registry.form_viewed")).one()
    assert event.case_id == run.id and '"approval_form_docx"' in event.payload and event.actor == "organiser"
    assert run.replays()  # the record's new event does not disturb the case's replay
