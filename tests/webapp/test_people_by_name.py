"""People by name: person fields checked against the registry and the users, names (not codes) on every page."""

import json
import re

import pytest

from storage.models import Case
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import PACKAGED
from tests.procedures.driver import Bureau
from tests.webapp.conftest import signed_in
from tests.workflows.test_record_sheet import pdf_text
from workflows import commands
from workflows.engine.clock import FixedClock
from workflows.errors import InvalidData
from workflows.forms import cadre_fields
from workflows.forms import form_checks
from workflows.record import record_sheet
from workflows.record import verification
from workflows.registry import cadre_records


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def bureau(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return Bureau(sessions, clock, ["cadre_selection.bpmn", "rotation_approval.bpmn"])




def label(sessions, staff_no: str) -> str:
    """"姓名（科室 职务）" of a cadre of the demo registry."""
    with sessions() as session:
        cadre = cadre_records.find_cadre(session, staff_no)
        post = cadre.current_post
        return f"{cadre.name}（{post.section.name} {post.title}）"


def timeline(page: str) -> str:
    return re.search(r'<ol class="timeline">.*?</ol>', page, re.S).group(0)


def to_recommended(bureau) -> "steps.CaseRun":
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    return run


def form(name: str) -> dict:
    return json.loads((PACKAGED / "forms" / f"{name}.json").read_text(encoding="utf-8"))


def test_a_person_field_refuses_a_staff_number_the_registry_does_not_know_naming_the_field(bureau, sessions):
    notice = {"notice_document_no": "青数任〔2026〕8号", "notice_date": "2026-09-20", "handover_to": "QP9999",
              "notice_content": "转任通知", "notice_response": "accepts"}
    with sessions() as session, pytest.raises(InvalidData) as refused:
        form_checks.prepare(session, form("rotation_issue_notice"), notice, {"decision_date": "2026-09-18"},
                            bureau.clock.now())
    assert refused.value.errors == {"handover_to": "「工作接交人」中的干部编号 QP9999 在干部信息库中不存在"}


def test_a_person_in_a_row_unknown_to_the_registry_is_refused_naming_the_field(bureau, sessions):
    tally = {"tally": [{"staff_no": "QP9999", "votes_leaders": 3, "votes_middle": 8, "votes_other": 10},
                       {"staff_no": "QP0010", "votes_leaders": 0, "votes_middle": 2, "votes_other": 2}]}
    with sessions() as session, pytest.raises(InvalidData) as refused:
        cadre_fields.attach_records(session, form("selection_meeting_recommendation"), tally)
    assert refused.value.errors == {"tally": "「得票情况」的「人选」中的干部编号 QP9999 在干部信息库中不存在"}


DECIDED = {"decision_date": "2026-09-01"}


def test_a_user_field_takes_a_user_of_one_of_its_roles(bureau, sessions):
    talk = {"talk_date": "2026-09-02", "talked_by": "organiser", "talk_content": "提出要求"}
    with sessions() as session, pytest.raises(InvalidData) as refused:
        form_checks.prepare(session, form("selection_appointment_talk"), talk, DECIDED, bureau.clock.now())
    assert "「谈话人」中的用户 organiser" in refused.value.errors["talked_by"]
    with sessions() as session:
        assert form_checks.prepare(session, form("selection_appointment_talk"), {**talk, "talked_by": "member1"},
                                   DECIDED, bureau.clock.now())["talked_by"] == "member1"


def test_the_task_page_names_the_cadres_where_it_showed_staff_numbers(app, bureau, sessions):
    run = to_recommended(bureau)
    task = next(row for row in run.open_tasks() if row.bpmn_id == "determine_candidates")
    page = signed_in(app, "secretary").get(f"/tasks/{task.id}").get_data(as_text=True)
    record = timeline(page)
    assert label(sessions, "QP0003") in record and label(sessions, "QP0010") in record
    # A staff number is only ever shown beside the name it belongs to ("崔英（…，QP0003）").
    assert record.count("QP0003") == record.count("，QP0003）")
    # The picker offers cadres by name, section, post and age; the value sent stays the staff number.
    assert re.search(r'value="QP0003"[^>]*>\s*' + re.escape(label(sessions, "QP0003")[:-1]) + r"，\d+ 岁）", page)


def test_the_record_shows_sections_by_name_and_rows_as_a_table(app, bureau):
    run = to_recommended(bureau)
    page = signed_in(app, "organiser").get(f"/cases/{run.id}").get_data(as_text=True)
    record = timeline(page)
    assert "数据资源科" in record and "SJZY" not in record
    assert "staff_no" not in record and "votes:" not in record
    tables = re.findall(r'<table class="rows-shown">.*?</table>', record, re.S)
    assert any("<th>领导班子成员票</th>" in table and "<td>12</td>" in table for table in tables)


def test_the_record_sheet_shows_names_sections_and_a_table_of_vote_rows(bureau, sessions, tmp_path):
    run = to_recommended(bureau)
    with sessions() as session:
        case = session.get(Case, run.id)
        text = pdf_text(record_sheet.render_pdf(session, case, verification.verify_case(session, case, set())),
                        tmp_path)
    assert "staff_no" not in text and "SJZY" not in text
    assert "数据资源科" in text and re.sub(r"\s", "", label(sessions, "QP0003")) in text
    assert "领导班子成员票" in text  # the rows' own column title heads the table


def test_the_ballot_page_names_the_candidate_and_the_post(app, bureau, sessions):
    run = steps.to_vote(bureau)
    ballot = next(row for row in run.open_tasks() if row.bpmn_id == "cast_ballot")
    member = next(name for name, actor in bureau.people.items() if actor.user_id == ballot.assignee_id)
    page = signed_in(app, member).get(f"/tasks/{ballot.id}").get_data(as_text=True)
    subject = re.search(r'<section class="vote-subject".*?</section>', page, re.S).group(0)
    assert label(sessions, "QP0003") in subject and "数据资源科 科长" in subject


def test_a_withdrawn_case_reads_withdrawn_not_its_status_code(app, bureau, sessions):
    run = bureau.start("rotation_approval", {"trigger_reason": "other", "trigger_note": "工作需要"}, cadre="QP0003")
    with sessions.begin() as session:
        commands.cancel_case(session, bureau.people["organiser"], bureau.clock.now(), run.id, "重复发起")
    client = signed_in(app, "organiser")
    with sessions() as session:
        cadre_id = cadre_records.find_cadre(session, "QP0003").id
    page = client.get(f"/registry/{cadre_id}").get_data(as_text=True)
    assert "已撤销" in page and "cancelled" not in page
