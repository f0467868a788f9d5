"""Per-cadre lists (x-rows-for) and rules per row (x-row-rules): one row per listed cadre, named errors, records."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Case
from tests.conftest import DATA
from tests.workflows.test_record_sheet import pdf_text
from workflows import commands
from workflows.errors import DeployError
from workflows.errors import InvalidData
from workflows.forms import form_checks
from workflows.processes import deploy
from workflows.queries import case_history
from workflows.queries import case_reads
from workflows.queries import people as people_module
from workflows.queries import worklists
from workflows.queries.people import People
from workflows.record import record_sheet
from workflows.record import verification
from workflows.registry.demo import seed_registry

CANDIDATES = ["QP0003", "QP0010", "QP0011"]
STRANGER = "QP0020"
VOTE_FORM = json.loads((DATA / "forms" / "rows_for_vote.json").read_text(encoding="utf-8"))


def set_up(sessions, organiser, now, candidates=CANDIDATES) -> tuple[dict, dict[str, str]]:
    """The registry seeded, the test process deployed and a case started listing ``candidates`` (if not None);
    returns the case summary and the cadres' names by staff number."""
    with sessions.begin() as session:
        seed_registry(session, date(2026, 3, 1))
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "rows_for.bpmn"]), organiser, now)
        data = {} if candidates is None else {"candidates": candidates}
        case = commands.start_case(session, organiser, now, "rows_for_check", "逐人填写", data)
        names = dict(session.execute(select(Cadre.staff_no, Cadre.name)
                                     .where(Cadre.staff_no.in_([*CANDIDATES, STRANGER]))).all())
    return case, names


def results(*rows) -> dict:
    return {"present": 20, "results": [{"staff_no": no, "votes": votes, "verdict": verdict}
                                       for no, votes, verdict in rows]}


ALL = results(("QP0003", 15, "agree"), ("QP0010", 4, "disagree"), ("QP0011", 1, "defer"))


@pytest.fixture
def case(sessions, people, clock):
    return set_up(sessions, people["organiser"], clock.now())


def complete(sessions, actor, clock, case, data) -> dict:
    with sessions.begin() as session:
        return commands.complete_task(session, actor, clock.now(), case["open_tasks"][0]["id"], data)


def refused(sessions, actor, clock, case, data) -> dict[str, str]:
    with pytest.raises(InvalidData) as error:
        complete(sessions, actor, clock, case, data)
    with sessions() as session:  # nothing saved: the same task still open, no completion on record
        assert [row.bpmn_id for row in worklists.inbox(session, actor, sort="oldest").tasks] == ["vote"]
        stored = session.get(Case, case["id"])
        assert stored.version == case["version"] and "results" not in case_reads.case_data(stored)
    return error.value.errors


def test_one_row_per_listed_cadre_is_taken_in_any_order_with_their_records_attached(sessions, people, clock, case):
    summary, _names = case
    reordered = {**ALL, "results": list(reversed(ALL["results"]))}
    answer = complete(sessions, people["organiser"], clock, summary, reordered)
    assert [task["bpmn_id"] for task in answer["open_tasks"]] == ["appraise"]
    with sessions() as session:
        data = case_reads.case_data(session.get(Case, summary["id"]))
    assert [record["staff_no"] for record in data["results_records"]] == list(reversed(CANDIDATES))
    assert {"annual_grades", "sanctions", "under_investigation"} <= set(data["results_records"][0])


def test_a_missing_cadre_is_refused_by_name(sessions, people, clock, case):
    summary, names = case
    errors = refused(sessions, people["organiser"], clock, summary, results(("QP0003", 15, "agree"),
                                                                            ("QP0011", 1, "defer")))
    assert errors == {"results": f"「得票情况」缺少「{names['QP0010']}」一行"}


def test_a_stranger_is_refused_by_name(sessions, people, clock, case):
    summary, names = case
    errors = refused(sessions, people["organiser"], clock, summary,
                     {**ALL, "results": [*ALL["results"], {"staff_no": STRANGER, "votes": 2, "verdict": "defer"}]})
    assert errors == {"results": f"「得票情况」中的「{names[STRANGER]}」不在本步骤的人选之中"}


def test_a_cadre_twice_is_refused_by_name(sessions, people, clock, case):
    summary, names = case
    errors = refused(sessions, people["organiser"], clock, summary,
                     {**ALL, "results": [*ALL["results"], {"staff_no": "QP0010", "votes": 2, "verdict": "defer"}]})
    assert errors == {"results": f"「得票情况」中的「{names['QP0010']}」有 2 行：每人只填一行"}


def test_a_row_rule_names_the_cadre_at_their_cell(sessions, people, clock, case):
    summary, names = case
    errors = refused(sessions, people["organiser"], clock, summary,
                     results(("QP0003", 15, "agree"), ("QP0010", 30, "disagree"), ("QP0011", 1, "defer")))
    assert errors == {"results.1.votes": f"「{names['QP0010']}」：得票数（30）不得多于实到人数（20）"}


def test_a_row_rule_reads_the_rows_registry_record(sessions, people, clock, case):
    summary, names = case
    with sessions.begin() as session:
        session.scalar(select(Cadre).where(Cadre.staff_no == "QP0003")).under_investigation = True
    errors = refused(sessions, people["organiser"], clock, summary, ALL)
    assert errors == {"results.0.verdict": f"「{names['QP0003']}」：正在接受调查，不能表示同意"}


def test_a_rows_schema_error_names_the_cadre_too(sessions, people, clock, case):
    summary, names = case
    data = results(("QP0003", 15, "agree"), ("QP0010", 4, "disagree"), ("QP0011", 1, "defer"))
    del data["results"][2]["verdict"]
    errors = refused(sessions, people["organiser"], clock, summary, data)
    assert errors == {"results.2.verdict": f"「{names['QP0011']}」：「意见」为必填项"}


def test_a_case_without_the_list_is_refused_naming_the_field_and_the_variable(sessions, people, clock):
    summary, _names = set_up(sessions, people["organiser"], clock.now(), candidates=None)
    errors = refused(sessions, people["organiser"], clock, summary, ALL)
    assert set(errors) == {"results"}
    assert "「得票情况」" in errors["results"] and "「candidates」" in errors["results"]
    assert "流程模型有误" in errors["results"]


@pytest.mark.parametrize(("change", "problem"), [
    (lambda form: form["properties"]["results"].update({"x-rows-for": "candidates.list"}), "须是案件数据的变量名"),
    (lambda form: form["properties"]["results"]["items"]["x-row-rules"][0].update({"check": "__import__('os')"}),
     "x-row-rules 第 1 条的条件不被允许"),
    (lambda form: form["properties"]["results"]["items"]["x-row-rules"][0].update({"field": "nope"}),
     "x-row-rules 第 1 条的字段 nope 不在表单中"),
    (lambda form: form["properties"]["results"]["items"]["properties"].pop("staff_no"), "每行有 staff_no 列"),
])
def test_deploy_refuses_a_bad_list_variable_or_row_rule(change, problem):
    form = json.loads(json.dumps(VOTE_FORM))
    change(form)
    assert any(problem in found for found in form_checks.schema_problems(form))
    bundle = deploy.bundle_from_paths([DATA / "rows_for.bpmn"])
    bundle.files["forms/rows_for_vote.json"] = json.dumps(form).encode()
    with pytest.raises(DeployError, match="表单的校验规则有误"):
        deploy._load_forms(bundle)


def test_the_record_names_each_row_by_the_record_kept_with_choices_by_title(sessions, people, clock, case):
    summary, names = case
    complete(sessions, people["organiser"], clock, summary, ALL)
    with sessions.begin() as session:  # the registry changes later: the record keeps the name it had
        session.scalar(select(Cadre).where(Cadre.staff_no == "QP0010")).name = "改名后"
    with sessions() as session:
        steps = case_history.steps(session, session.get(Case, summary["id"]))
    table = dict(next(step for step in steps if step.type == "task.completed").fields)["得票情况"]
    assert table.columns == ("考察对象", "得票数", "意见")
    assert [row[0].split("（")[0] for row in table.rows] == [names[no] for no in CANDIDATES]
    assert all(no in row[0] for no, row in zip(CANDIDATES, table.rows, strict=True))
    assert [row[2] for row in table.rows] == ["同意", "不同意", "缓议"]


def test_the_record_sheet_and_the_replay_read_the_rows_by_name(sessions, people, clock, case, tmp_path):
    summary, names = case
    complete(sessions, people["organiser"], clock, summary, ALL)
    with sessions() as session:
        stored = session.get(Case, summary["id"])
        text = pdf_text(record_sheet.render_pdf(session, stored, verification.verify_case(session, stored, set())),
                        tmp_path)
        data = case_reads.case_data(stored)
        replayed = people_module.reader(session, stored.spec.forms)("results", data["results"], data)
    assert all(names[no] in text and no in text for no in CANDIDATES)
    assert "得票数" in text and "不同意" in text and "disagree" not in text
    assert [row[0].split("（")[0] for row in replayed.rows] == [names[no] for no in CANDIDATES]
    assert [row[2] for row in replayed.rows] == ["同意", "不同意", "缓议"]


def test_a_free_row_table_still_names_its_cadre_without_the_number(sessions, people, clock, case):
    _summary, names = case
    tally = {"title": "得票情况", "type": "array", "items": {"type": "object", "properties": {
        "staff_no": {"title": "人选", "x-cadre": True}, "votes": {"title": "得票数"},
        "fit": {"type": "boolean", "title": "称职", "oneOf": [{"const": True, "title": "称职"},
                                                           {"const": False, "title": "不称职"}]}}}}
    with sessions() as session:
        table = People(session).value(tally, [{"staff_no": "QP0003", "votes": 21, "fit": False}])
    (row,) = table.rows
    assert row[0].startswith(f"{names['QP0003']}（") and "QP0003" not in row[0]
    assert row[1:] == ("21", "不称职")
