"""A talk held inside a procedure (任职谈话, 提醒谈话, the rotation and second-line talks) goes into the cadre file."""

import json
import shutil

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import TalkRecord
from storage.models import User
from tests.conftest import DATA
from tests.procedures import rotation_steps
from tests.procedures import second_line_steps
from tests.procedures import selection_steps
from tests.procedures.driver import beijing
from workflows import commands
from workflows.errors import DeployError
from workflows.errors import EngineError
from workflows.forms import talk_records
from workflows.processes import deploy
from workflows.registry import cadre_records

MODELS = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]


def talks(bureau, staff_no: str) -> list[tuple]:
    with bureau.sessions() as session:
        cadre = cadre_records.find_cadre(session, staff_no)
        return [(row.kind, row.held_on.isoformat(), row.talkers, row.summary, row.case_id, row.created_by_id)
                for row in session.scalars(select(TalkRecord).where(TalkRecord.cadre_id == cadre.id)
                                           .order_by(TalkRecord.id))]


def talk_events(bureau) -> list[dict]:
    with bureau.sessions() as session:
        return [json.loads(event.payload) for event in session.scalars(
            select(AuditEvent).where(AuditEvent.type == "registry.talk_added").order_by(AuditEvent.seq))]


def test_the_reminder_and_appointment_talks_of_a_selection_go_to_the_appointee(bureau):
    run = selection_steps.start(bureau)
    selection_steps.to_work_plan(run)
    selection_steps.to_candidates(run)
    selection_steps.determine(run)
    selection_steps.inspect(run)
    selection_steps.propose(run, appointee="QP0003")
    selection_steps.meeting(run)
    selection_steps.vote(run, {member: "approve" for member in selection_steps.MEMBERS})
    selection_steps.publish(run)
    selection_steps.complain(run, "minor")
    assert talks(bureau, "QP0003") == []
    run.do("reminder_talk", {"reminder_date": "2026-09-30", "reminder_by": "secretary",
                             "reminder_content": "提醒改进作风"}, by="secretary")
    run.wait_for("publicity_period")
    selection_steps.appoint(run)
    secretary = bureau.people["secretary"].user_id
    assert talks(bureau, "QP0003") == [
        ("reminder", "2026-09-30", "secretary", "提醒改进作风", run.id, secretary),
        ("appointment", "2026-10-13", "secretary", "提出要求", run.id, secretary)]
    assert [(event["cadre"], event["case_id"], event["values"]["kind"]) for event in talk_events(bureau)] == [
        ("QP0003", run.id, "reminder"), ("QP0003", run.id, "appointment")]
    assert run.replays()


def test_the_rotation_talk_records_the_cadres_attitude_and_views(bureau):
    run = rotation_steps.start(bureau, "QP0001")
    rotation_steps.screen(run)
    rotation_steps.plan(run, "SJYY", "科长")
    rotation_steps.consult(run, attitude="reservations")
    [(kind, day, talkers, summary, case_id, _by)] = talks(bureau, "QP0001")
    assert (kind, day, talkers, case_id) == ("transfer", "2026-09-03", "secretary", run.id)
    assert summary == "谈话记录：说明交流理由，听取本人意见\n本人态度：有顾虑，表示服从\n本人意见：服从组织安排"


def test_the_second_line_talk_goes_to_the_cadre_of_the_case(bureau):
    bureau.clock.at = beijing("2026-03-02 09:00")
    run = second_line_steps.start(bureau)
    second_line_steps.propose_exit(run)
    second_line_steps.talk(run)
    assert talks(bureau, second_line_steps.IN_WINDOW) == [(
        "leadership_exit", "2026-03-05", "secretary", "本人意见：服从组织安排\n本人对建议无异议：是", run.id,
        bureau.people["organiser"].user_id)]


# A small model of our own: the leave_post test model, whose form records the talk of the exit.
TALK_FIELDS = {"talked_by": {"type": "string", "title": "谈话人", "x-user": "personnel_office"},
               "talk_note": {"type": "string", "title": "谈话情况", "minLength": 2}}
KEYWORD = {"kind": "退出领导岗位谈话", "date": "exit_date", "summary": "talk_note", "talkers": "talked_by"}


def talk_model(tmp_path, keyword: dict) -> list:
    shutil.copytree(DATA / "forms", tmp_path / "forms")
    shutil.copy(DATA / "leave_post.bpmn", tmp_path / "leave_post.bpmn")
    form = json.loads((tmp_path / "forms" / "exit.json").read_text())
    form["properties"].update(TALK_FIELDS)
    form[talk_records.KEYWORD] = keyword
    (tmp_path / "forms" / "exit.json").write_text(json.dumps(form, ensure_ascii=False))
    return [tmp_path / "leave_post.bpmn"]


@pytest.mark.parametrize(("keyword", "problem"), [
    ({**KEYWORD, "kind": "闲谈"}, "kind 只能是：谈心谈话"),
    ({**KEYWORD, "summary": ["talk_note", "talk_notes"]}, "summary 须为表单中的字段，收到 'talk_notes'"),
    ({**KEYWORD, "date": "new_post_title"}, "date 字段 new_post_title 须为日期"),
    ({**KEYWORD, "talker": "talked_by"}, "不认识的键 talker"),
])
def test_a_bad_keyword_is_refused_at_deploy(sessions, bureau, tmp_path, keyword, problem):
    with pytest.raises(DeployError, match=problem), sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths(talk_model(tmp_path, keyword)), bureau.people["organiser"],
                      bureau.clock.now())


def test_the_talk_and_the_registry_effect_are_written_together_or_not_at_all(sessions, bureau, tmp_path):
    organiser = bureau.people["organiser"]
    with sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths(talk_model(tmp_path, KEYWORD)), organiser, bureau.clock.now())
        orphan = commands.start_case(session, organiser, bureau.clock.now(), "leave_post", "无关联干部")
        case = commands.start_case(session, organiser, bureau.clock.now(), "leave_post", "", cadre_staff_no="QP0009")
    submission = {"new_post_title": "一级主任科员", "exit_date": "2026-09-01", "talked_by": "organiser",
                  "talk_note": "说明政策，本人无异议"}
    with pytest.raises(EngineError, match="记入谈话记录需要案件关联一名干部"), sessions.begin() as session:
        commands.complete_task(session, organiser, bureau.clock.now(), orphan["open_tasks"][0]["id"], submission)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TalkRecord)) == 0
        assert [row.bpmn_id for row in commands.open_tasks(session, orphan["id"])] == ["decide_exit"]
    with sessions.begin() as session:
        session.get(User, organiser.user_id).display_name = "王敏"  # the file names people, not their accounts
        commands.complete_task(session, organiser, bureau.clock.now(), case["open_tasks"][0]["id"], submission)
    assert talks(bureau, "QP0009") == [
        ("leadership_exit", "2026-09-01", "王敏", "说明政策，本人无异议", case["id"], organiser.user_id)]
    with sessions() as session:
        assert cadre_records.find_cadre(session, "QP0009").current_post.title == "一级主任科员"
