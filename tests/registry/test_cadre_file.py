"""The cadre file's talks, filings and leave: checked field by field, all or nothing, on record, newest first."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import TalkRecord
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.forms import cadre_fields
from workflows.registry import cadre_file
from workflows.registry import cadre_records
from workflows.registry.cadre_file import FILING
from workflows.registry.cadre_file import LEAVE
from workflows.registry.cadre_file import TALK
from workflows.registry.demo import seed_registry

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 2026-03-02 in Beijing
TALK_VALUES = {"talk_date": date(2026, 2, 10), "talk_kind": "heart_to_heart", "talkers": "郑晓燕、王敏",
               "summary": "肯定成绩，指出不足，提出要求"}


@pytest.fixture
def cadre_id(sessions, clock):
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        return cadre_records.find_cadre(session, "QP0003").id


def events(sessions, prefix: str = "registry.") -> list[tuple[str, dict]]:
    with sessions() as session:
        return [(event.type, json.loads(event.payload)) for event in session.scalars(
            select(AuditEvent).where(AuditEvent.type.startswith(prefix)).order_by(AuditEvent.seq))]


def add(sessions, actor, kind, cadre_id, values, at=AT):
    with sessions.begin() as session:
        return cadre_file.add(session, actor, at, kind, cadre_id, values).id


def test_a_talk_a_filing_and_a_leave_are_added_and_go_on_record(sessions, people, cadre_id):
    organiser = people["organiser"]
    talk = add(sessions, organiser, TALK, cadre_id, TALK_VALUES)
    filing = add(sessions, organiser, FILING, cadre_id, {
        "filed_on": date(2026, 1, 5), "filing_kind": "education", "content": "在职攻读公共管理硕士"})
    leave = add(sessions, organiser, LEAVE, cadre_id, {
        "leave_kind": "sick", "leave_start": date(2026, 4, 1), "leave_end": date(2026, 4, 30)})  # planned ahead
    with sessions() as session:
        row = session.get(TalkRecord, talk)
        assert (row.held_on, row.kind, row.talkers, row.case_id, row.created_by_id, row.created_at) == (
            date(2026, 2, 10), "heart_to_heart", "郑晓燕、王敏", None, organiser.user_id, AT)
        assert (session.get(Filing, filing).document_no, session.get(LeavePeriod, leave).note) == (None, "")
    assert events(sessions) == [
        ("registry.talk_added", {"cadre": "QP0003", "id": talk, "values": {
            "held_on": "2026-02-10", "kind": "heart_to_heart", "talkers": "郑晓燕、王敏",
            "summary": "肯定成绩，指出不足，提出要求"}}),
        ("registry.filing_added", {"cadre": "QP0003", "id": filing, "values": {
            "filed_on": "2026-01-05", "kind": "education", "content": "在职攻读公共管理硕士", "document_no": None}}),
        ("registry.leave_added", {"cadre": "QP0003", "id": leave, "values": {
            "kind": "sick", "start_date": "2026-04-01", "end_date": "2026-04-30", "note": ""}}),
    ]


def test_every_bad_field_is_named_in_chinese_and_nothing_is_saved(sessions, people, cadre_id):
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        cadre_file.add(session, people["organiser"], AT, TALK, cadre_id, {
            "talk_date": date(2026, 3, 3), "talk_kind": "chat", "talkers": "", "summary": "x" * 20001})
    assert refused.value.errors == {
        "talk_date": "「谈话日期」不能晚于今天：记录的是已发生的事项", "talk_kind": refused.value.errors["talk_kind"],
        "talkers": "「谈话人」为必填项", "summary": "「谈话内容」最多 20000 个字符，收到 20001 个"}
    assert refused.value.errors["talk_kind"].startswith("「谈话类型」只能是：谈心谈话、任职谈话")
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        cadre_file.add(session, people["organiser"], AT, FILING, cadre_id, {
            "filed_on": date(202, 1, 1), "filing_kind": "honour", "content": "区先进工作者", "document_no": "号" * 61})
    assert refused.value.errors == {"filed_on": "「备案日期」不能早于 1950-01-01",
                                    "document_no": "「文号」最多 60 个字符，收到 61 个"}
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        cadre_file.add(session, people["organiser"], AT, LEAVE, cadre_id, {
            "leave_kind": "sick", "leave_start": date(2026, 4, 1), "leave_end": date(2026, 3, 31)})
    assert refused.value.errors == {"leave_end": "「请假结束日期」不能早于起始日期 2026-04-01"}
    with sessions() as session:
        counts = [session.scalar(select(func.count()).select_from(m)) for m in (TalkRecord, Filing, LeavePeriod)]
    assert counts == [0, 0, 0]
    assert events(sessions) == []


def test_leave_periods_of_one_cadre_do_not_overlap(sessions, people, cadre_id):
    organiser = people["organiser"]
    first = add(sessions, organiser, LEAVE, cadre_id, {
        "leave_kind": "maternity", "leave_start": date(2025, 6, 1), "leave_end": date(2025, 10, 31)})
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        cadre_file.add(session, organiser, AT, LEAVE, cadre_id, {
            "leave_kind": "sick", "leave_start": date(2025, 10, 31), "leave_end": date(2025, 11, 5)})
    assert refused.value.errors == {"leave_start": "与已登记的产假 2025-06-01 至 2025-10-31 重叠"}
    add(sessions, organiser, LEAVE, cadre_id, {
        "leave_kind": "sick", "leave_start": date(2025, 11, 1), "leave_end": date(2025, 11, 5)})
    # A period may be corrected over its own days.
    with sessions.begin() as session:
        cadre_file.update(session, organiser, AT, LEAVE, cadre_id, first, {
            "leave_kind": "maternity", "leave_start": date(2025, 5, 20), "leave_end": date(2025, 10, 31),
            "leave_note": "产假延长"})
    assert events(sessions, "registry.leave_updated")[0][1]["changes"] == {
        "start_date": ["2025-06-01", "2025-05-20"], "note": ["", "产假延长"]}


def test_records_are_listed_newest_first_corrected_and_deleted_on_record(sessions, people, cadre_id):
    organiser = people["organiser"]
    older = add(sessions, organiser, TALK, cadre_id, {**TALK_VALUES, "talk_date": date(2025, 12, 1)})
    newer = add(sessions, organiser, TALK, cadre_id, TALK_VALUES)
    with sessions() as session:
        assert [row.id for row in cadre_file.records_of(session, TALK, cadre_id)] == [newer, older]
    with sessions.begin() as session:
        cadre_file.update(session, organiser, AT, TALK, cadre_id, older, {**TALK_VALUES, "talk_kind": "integrity",
                                                                          "talk_date": date(2025, 12, 1)})
        cadre_file.update(session, organiser, AT, TALK, cadre_id, newer, TALK_VALUES)  # unchanged: no event
        cadre_file.delete(session, organiser, AT, TALK, cadre_id, newer)
    with sessions() as session:
        assert [(row.id, row.kind) for row in cadre_file.records_of(session, TALK, cadre_id)] == [(older, "integrity")]
    assert [(kind, payload.get("changes") or payload.get("values")) for kind, payload in events(sessions)][2:] == [
        ("registry.talk_updated", {"kind": ["heart_to_heart", "integrity"]}),
        ("registry.talk_deleted", {"held_on": "2026-02-10", "kind": "heart_to_heart", "talkers": "郑晓燕、王敏",
                                   "summary": "肯定成绩，指出不足，提出要求"}),
    ]


def test_another_cadres_record_is_not_found(sessions, people, cadre_id):
    talk = add(sessions, people["organiser"], TALK, cadre_id, TALK_VALUES)
    with sessions.begin() as session:
        other = cadre_records.find_cadre(session, "QP0004").id
    with pytest.raises(NotFound), sessions.begin() as session:
        cadre_file.delete(session, people["organiser"], AT, TALK, other, talk)


def test_a_talk_a_procedure_recorded_is_not_changed_by_hand(sessions, people, cadre_id, two_lane):
    from workflows import commands
    with sessions.begin() as session:
        case = commands.start_case(session, people["organiser"], AT, two_lane, "谈话案件")
        talk = cadre_file.add(session, people["organiser"], AT, TALK, cadre_id, TALK_VALUES, case_id=case["id"]).id
    for change in (lambda session: cadre_file.update(session, people["organiser"], AT, TALK, cadre_id, talk,
                                                     TALK_VALUES),
                   lambda session: cadre_file.delete(session, people["organiser"], AT, TALK, cadre_id, talk)):
        with pytest.raises(InvalidData, match="由案件「谈话案件」办理时记录"), sessions.begin() as session:
            change(session)
    assert events(sessions)[0][1]["case_id"] == case["id"]


def test_the_record_a_form_attaches_carries_the_leave_periods(sessions, people, cadre_id):
    for start, end, kind in ((date(2025, 3, 1), date(2025, 3, 10), "sick"),
                             (date(2026, 1, 5), date(2026, 6, 30), "maternity")):
        add(sessions, people["organiser"], LEAVE, cadre_id, {"leave_kind": kind, "leave_start": start,
                                                              "leave_end": end, "leave_note": "不进入案件记录"})
    schema = {"properties": {"appointee": {"type": "string", "x-cadre": True}}}
    with sessions() as session:
        record = cadre_fields.attach_records(session, schema, {"appointee": "QP0003"})["appointee_records"]
    assert record["staff_no"] == "QP0003" and "annual_grades" in record
    # Small: kind and days only, newest first (the record goes into the audit payload).
    assert record["leaves"] == [{"kind": "maternity", "start": "2026-01-05", "end": "2026-06-30"},
                                {"kind": "sick", "start": "2025-03-01", "end": "2025-03-10"}]


def test_the_attached_leave_periods_are_bounded(sessions, people, cadre_id):
    with sessions.begin() as session:
        session.add_all(LeavePeriod(cadre_id=cadre_id, kind="personal", start_date=date(2000 + n, 1, 1),
                                    end_date=date(2000 + n, 1, 2), note="") for n in range(25))
    with sessions() as session:
        leaves = cadre_file.leave_record(session, cadre_id)
    assert len(leaves) == cadre_file.LEAVES_ATTACHED and leaves[0]["start"] == "2024-01-01"
