"""Issuing a case's papers onto its record: the number, the exact bytes and their sha256 on the case's chain,
the workflow untouched; issuing twice refused until the number is void."""

import hashlib
import json
import subprocess
import threading
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from storage.models import DocumentNumber
from storage.models import IssuedPaper
from tests.conftest import make_actor
from tests.papers import appointment
from tests.papers.appointment import APPOINTEE
from tests.papers.appointment import BUREAU
from tests.papers.appointment import NOTICE_DAY
from tests.procedures import selection_steps as steps
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.papers import issuing
from workflows.papers import numbers
from workflows.queries import case_history
from workflows.record import audit
from workflows.record import replay
from workflows.record import verification

appointed, bureau, clock = appointment.appointed, appointment.bureau, appointment.clock  # fixtures


def issue(run, kind, staff_no=None, *, by="organiser", replaces=None, today=NOTICE_DAY):
    with run.bureau.sessions.begin() as session:
        paper = issuing.issue_paper(session, run.bureau.people[by], run.bureau.clock.now(),
                                    session.get(Case, run.id), kind, staff_no=staff_no, bureau=BUREAU,
                                    today=today, replaces=replaces)
        session.flush()
        session.expunge(paper)
        return paper


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def case_events(run, type_):
    with run.bureau.sessions() as session:
        return [json.loads(event.payload) for event in session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == run.id, AuditEvent.type == type_)
            .order_by(AuditEvent.seq))]


def test_a_notice_takes_its_number_and_goes_on_the_case_record(appointed):
    with appointed.bureau.sessions() as session:
        before = verification.verify_case(session, session.get(Case, appointed.id)).checked
    paper = issue(appointed, "appointment_notice")
    assert paper.sha256 == hashlib.sha256(paper.content).hexdigest() and paper.size == len(paper.content)
    assert paper.file_name == "任职通知-青数〔2026〕1号.pdf" and paper.media_type == "application/pdf"
    assert "青数〔2026〕1号" in pdf_text(paper.content)  # the document prints the number it took
    with appointed.bureau.sessions() as session:
        number = session.get(DocumentNumber, paper.document_number_id)
        assert (numbers.formatted(number), number.sha256, number.case_id, number.kind) == (
            "青数〔2026〕1号", paper.sha256, appointed.id, "appointment_notice")
        case = session.get(Case, appointed.id)
        # The paper's events are on the case's chain; the chain, the case and its replay still hold.
        assert audit.verify_chain(session).ok
        verdict = verification.verify_case(session, case)
        assert verdict.ok, verdict.reason
        assert verdict.checked == before + 2
        replayed = replay.replay_case(session, case)
        assert replayed.ok and replayed.events == before + 2
        timeline = [step.name for step in case_history.steps(session, case)]
        assert timeline[-2:] == ["编发文号", "出具文书"]
    [issued] = case_events(appointed, "papers.issued")
    assert issued == {"paper_id": paper.id, "kind": "appointment_notice", "title": "任职通知", "staff_no": None,
                      "number": "青数〔2026〕1号", "number_id": paper.document_number_id,
                      "file_name": paper.file_name, "media_type": "application/pdf", "size": paper.size,
                      "sha256": paper.sha256, "replaces": None}
    [taken] = case_events(appointed, "papers.number_issued")
    assert taken["number"] == "青数〔2026〕1号" and taken["title"] == "任职通知"


def test_the_workflow_is_untouched(appointed):
    with appointed.bureau.sessions() as session:
        case = session.get(Case, appointed.id)
        state, digest, version = case.workflow_state, case.state_digest, case.version
    issue(appointed, "publicity")
    issue(appointed, "inspection_material", APPOINTEE)
    with appointed.bureau.sessions() as session:
        case = session.get(Case, appointed.id)
        assert (case.workflow_state, case.state_digest, case.version) == (state, digest, version)
        papers = session.scalars(select(AuditEvent).where(AuditEvent.case_id == appointed.id,
                                                          AuditEvent.type.like("papers.%")))
        assert all(event.state_digest is None for event in papers)
    assert appointed.replays()
    assert appointed.timers()  # the probation year still runs


def test_a_paper_without_a_number_is_kept_the_same_way(appointed):
    paper = issue(appointed, "inspection_material", APPOINTEE)
    assert paper.document_number_id is None and paper.staff_no == APPOINTEE
    assert paper.file_name == "考察材料-崔英.pdf"
    assert "崔英" in pdf_text(paper.content)
    form = issue(appointed, "approval_form", APPOINTEE)
    assert form.document_number_id is None and "崔英" in pdf_text(form.content)
    [first, second] = case_events(appointed, "papers.issued")
    assert (first["number"], first["title"], second["title"]) == (None, "考察材料（崔英）", "干部任免审批表（崔英）")
    assert case_events(appointed, "papers.number_issued") == []
    with appointed.bureau.sessions() as session:
        assert [p.kind for p in issuing.issued(session, session.get(Case, appointed.id))] == [
            "inspection_material", "approval_form"]


def test_issuing_again_is_refused_until_the_number_is_void(appointed):
    first = issue(appointed, "publicity")
    for replaces in (None, first.id):  # a second click, and a deliberate re-issue of a paper whose number stands
        with pytest.raises(Conflict):
            issue(appointed, "publicity", replaces=replaces)
    with appointed.bureau.sessions.begin() as session:
        numbers.void(session, appointed.bureau.people["organiser"], appointed.bureau.clock.now(),
                     first.document_number_id, "公示内容有误")
    with pytest.raises(Conflict):  # even now, only a re-issue that names the paper it replaces
        issue(appointed, "publicity")
    second = issue(appointed, "publicity", replaces=first.id)
    assert second.file_name == "任前公示-青数〔2026〕2号.pdf"
    with pytest.raises(Conflict):  # the re-issue's second click
        issue(appointed, "publicity", replaces=first.id)
    with appointed.bureau.sessions() as session:
        rows, _ = numbers.register(session)
        assert [(row.text, row.number.status) for row in rows] == [("青数〔2026〕1号", "void"),
                                                                     ("青数〔2026〕2号", "issued")]
        assert session.scalar(select(func.count()).select_from(IssuedPaper)) == 2


def test_a_paper_without_a_number_is_issued_again_only_naming_the_one_it_replaces(appointed):
    first = issue(appointed, "recommendation")
    with pytest.raises(Conflict, match="已经出具"):
        issue(appointed, "recommendation")
    with pytest.raises(Conflict, match="完全相同"):  # nothing changed since: the issued file stands
        issue(appointed, "recommendation", replaces=first.id)
    # The 审批表 reads the registry as of its day (the age, 填表时间): a month later it is another file.
    form = issue(appointed, "approval_form", APPOINTEE)
    again = issue(appointed, "approval_form", APPOINTEE, replaces=form.id, today=date(2026, 11, 2))
    assert again.sha256 != form.sha256
    with appointed.bureau.sessions() as session:
        rows = issuing.issued_rows(session, session.get(Case, appointed.id))
        assert [(row.paper.id, row.current) for row in rows] == [(first.id, True), (form.id, False), (again.id, True)]


def test_a_double_click_takes_one_number(appointed):
    """Two requests at once, both from the page before either paper existed: one paper, one number."""
    start, results = threading.Barrier(2), []

    def click():
        start.wait(timeout=30)
        try:
            results.append(issue(appointed, "appointment_notice").file_name)
        except Conflict as conflict:
            results.append(conflict.message)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == ["「任职通知」已经出具（青数〔2026〕1号），不会重复出具；请刷新页面查看",
                               "任职通知-青数〔2026〕1号.pdf"]
    with appointed.bureau.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentNumber)) == 1


def test_only_the_office_and_admins_issue(appointed, sessions):
    appointed.bureau.people["auditor"] = make_actor(sessions, "auditor", "auditor")
    for who in ("secretary", "member1", "inspector", "district", "auditor"):
        with pytest.raises(Forbidden):
            issue(appointed, "publicity", by=who)
    with appointed.bureau.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentNumber)) == 0


def test_a_paper_of_a_step_not_reached_is_refused(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    for kind, staff_no in (("publicity", None), ("inspection_material", APPOINTEE), ("approval_form", APPOINTEE),
                           ("no_such_paper", None)):
        with pytest.raises(InvalidData):
            issue(run, kind, staff_no)
    with bureau.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentNumber)) == 0
        assert session.scalar(select(func.count()).select_from(IssuedPaper)) == 0


def test_a_candidate_not_in_the_case_is_refused(appointed):
    with pytest.raises(InvalidData):
        issue(appointed, "inspection_material", "QP0018")
    with pytest.raises(InvalidData):
        issue(appointed, "inspection_material")  # a per-candidate paper names its candidate


def test_the_number_typed_on_the_notice_step_is_the_register_s_and_the_notice_carries_it(bureau):
    """⑮ took any typed 任职文号 and issuing the 任职通知 then took a second number: two numbers for one notice."""
    run = steps.to_vote(bureau)
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)
    run.wait_for("publicity_period")
    office = run.bureau.people["organiser"]
    with run.bureau.sessions.begin() as session:  # the office takes the notice's number from the register first
        taken = numbers.issue(session, office, run.bureau.clock.now(), prefix="青数", kind="appointment_notice",
                              title="任职通知（崔英）", case_id=run.id)
        spoilt = numbers.issue(session, office, run.bureau.clock.now(), prefix="青数", kind="appointment_notice",
                               title="任职通知（崔英）", case_id=run.id)
        numbers.void(session, office, run.bureau.clock.now(), spoilt.id, "打印有误")
    notice = {"notice_date": "2026-10-12"}
    for typed, expected in (("青数〔2026〕9号", "不在文号登记簿中"), ("青数〔2026〕2号", "已作废（打印有误）")):
        with pytest.raises(InvalidData) as refused:
            run.do("appointment_notice", {**notice, "document_no": typed})
        assert expected in refused.value.errors["document_no"]
    run.do("appointment_notice", {**notice, "document_no": "青数〔2026〕1号"})
    paper = issue(run, "appointment_notice")
    with run.bureau.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentNumber)) == 2  # no third number
        assert session.get(DocumentNumber, paper.document_number_id).serial == taken.serial == 1
        assert session.get(DocumentNumber, paper.document_number_id).sha256 == paper.sha256
    assert "青数〔2026〕1号" in pdf_text(paper.content)
