"""Form keywords beyond JSON Schema: cross-field rules, users and sections named, the calendar attached."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from storage.models import User
from tests.conftest import DATA
from tests.conftest import make_actor
from workflows.engine.clock import engine_time
from workflows.errors import DeployError
from workflows.errors import InvalidData
from workflows.forms import form_checks
from workflows.processes import deploy
from workflows.processes.local_rules import set_calendar_override
from workflows.processes.model_functions import date_timer
from workflows.processes.model_functions import months_timer
from workflows.processes.model_functions import recommendation_quorum
from workflows.processes.model_functions import today
from workflows.processes.model_functions import without
from workflows.registry.demo import seed_registry

MEETING = {
    "type": "object",
    "properties": {"members_due": {"type": "integer", "title": "应到"},
                   "present": {"type": "array", "items": {"type": "string"}, "x-user": "party_group", "title": "出席"},
                   "reason": {"type": "string", "title": "事由"}, "section": {"type": "string", "x-section": True}},
    "x-rules": [{"field": "present", "check": "len(present) <= members_due", "message": "出席不得多于应到"},
                {"field": "reason", "check": "len(present) >= quorum_seen or bool(reason)", "message": "须写明事由"}],
}


def refused(session, data, context=None) -> dict[str, str]:
    with pytest.raises(InvalidData) as error:
        form_checks.prepare(session, MEETING, data, context or {"quorum_seen": 2})
    return error.value.errors


def test_rules_compare_fields_and_the_case_data(sessions):
    make_actor(sessions, "li", "party_group")
    make_actor(sessions, "wang", "party_group")
    with sessions() as session:
        assert refused(session, {"members_due": 1, "present": ["li", "wang"]}) == {"present": "出席不得多于应到"}
        # a field left out is None to the rules; the case data (quorum_seen) takes part
        assert refused(session, {"members_due": 3, "present": ["li"]}) == {"reason": "须写明事由"}
        ok = form_checks.prepare(session, MEETING, {"members_due": 3, "present": ["li"], "reason": "病假"},
                                 {"quorum_seen": 2})
        assert ok["reason"] == "病假"


def test_users_must_be_active_and_hold_the_role(sessions):
    make_actor(sessions, "li", "party_group")
    make_actor(sessions, "zhao", "inspection_team")
    make_actor(sessions, "qian", "party_group")
    with sessions.begin() as session:
        session.query(User).filter_by(username="qian").update({"active": False})
    with sessions() as session:
        errors = refused(session, {"members_due": 5, "present": ["li", "zhao", "qian", "nobody"]})
        assert errors["present"] == "「出席」中的用户 zhao、qian、nobody 不存在、已停用或不担任该角色"


def test_sections_must_exist_in_the_registry(sessions):
    with sessions.begin() as session:
        seed_registry(session, date(2026, 9, 1))
    with sessions() as session:
        assert refused(session, {"members_due": 1, "present": [], "section": "NOPE"}, {"quorum_seen": 0}) == {
            "section": "「section」中的科室代码 NOPE 在干部信息库中不存在"}
        assert form_checks.prepare(session, MEETING, {"members_due": 1, "present": [], "section": "SJZY"},
                                   {"quorum_seen": 0})["section"] == "SJZY"


def test_a_calendar_form_carries_the_local_changes_and_the_calendar_version(sessions, people, clock):
    with sessions.begin() as session:
        set_calendar_override(session, people["organiser"], clock.now(), date(2026, 10, 12), False, "闭馆")
    schema = {"type": "object", "properties": {"start": {"type": "string"}}, "x-calendar": True}
    with sessions() as session:
        data = form_checks.prepare(session, schema, {"start": "2026-10-09"})
    assert data["calendar_overrides"] == {"2026-10-12": False}
    assert data["calendar_version"].startswith("chinesecalendar ") and "本地调整 1 天" in data["calendar_version"]


def test_deploy_refuses_a_form_whose_rule_is_not_allow_listed(sessions, people, clock, tmp_path):
    (tmp_path / "forms").mkdir()
    for form in (DATA / "forms").iterdir():
        (tmp_path / "forms" / form.name).write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
    review = json.loads((DATA / "forms" / "review.json").read_text(encoding="utf-8"))
    review["x-rules"] = [{"field": "opinion", "check": "opinion.__class__", "message": "x"},
                         {"field": "ghost", "check": "True", "message": "y"}]
    (tmp_path / "forms" / "review.json").write_text(json.dumps(review), encoding="utf-8")
    (tmp_path / "two_lane.bpmn").write_text((DATA / "two_lane.bpmn").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DeployError) as error, sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([tmp_path / "two_lane.bpmn"]), people["organiser"],
                      clock.now())
    assert error.value.file == "forms/review.json"
    assert "第 1 条的条件不被允许" in str(error.value) and "字段 ghost 不在表单中" in str(error.value)


def test_date_functions_models_call():
    with engine_time(datetime(2026, 9, 30, 17, 0, tzinfo=UTC)):  # already 1 October in Beijing
        assert today() == "2026-10-01"
    assert date_timer("2026-12-30") == "2026-12-30T00:00:00+08:00"
    assert months_timer("2026-11-30", 3) == "2027-02-28T00:00:00+08:00"  # month-end rule
    assert without(["a", "b", "c"], ["b"]) == ["a", "c"] and without(None, ["b"]) == []


@pytest.mark.parametrize(("range_size", "attended", "counts"), [(30, 20, True), (30, 19, False), (3, 2, True),
                                                                (10, 7, True), (10, 6, False)])
def test_a_recommendation_meeting_needs_two_thirds_of_its_range(range_size, attended, counts):
    assert recommendation_quorum(range_size, attended) is counts


def test_a_rule_reads_the_day_of_the_command(sessions):
    schema = {"type": "object", "properties": {"day": {"type": "string"}},
              "x-rules": [{"field": "day", "check": "day <= today()", "message": "不能晚于今天"}]}
    at = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 1 October in Beijing
    with sessions() as session:
        assert form_checks.prepare(session, schema, {"day": "2026-10-01"}, at=at)["day"] == "2026-10-01"
        with pytest.raises(InvalidData):
            form_checks.prepare(session, schema, {"day": "2026-10-02"}, at=at)
