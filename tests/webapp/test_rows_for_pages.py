"""Per-cadre lists on the task page: a named row per listed cadre, refusals beside the row, and "add a row"."""

import re

import pytest
from sqlalchemy import select

from storage.models import User
from tests.conftest import make_actor
from tests.engine.test_rows_for import CANDIDATES
from tests.engine.test_rows_for import STRANGER
from tests.engine.test_rows_for import set_up
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows import accounts
from workflows.queries import worklists


@pytest.fixture
def organiser(app, sessions):
    app.config["WTF_CSRF_ENABLED"] = False
    return make_actor(sessions, "organiser", "personnel_office")


@pytest.fixture
def case(sessions, organiser, clock):
    return set_up(sessions, organiser, clock.now())


def task_id(sessions, organiser, bpmn_id: str) -> str:
    with sessions() as session:
        (row,) = [row for row in worklists.inbox(session, organiser, sort="oldest").tasks if row.bpmn_id == bpmn_id]
        return row.id


def vote_post(*rows, present: int = 20) -> dict:
    form = {"present": str(present)}
    for index, (staff_no, votes, verdict) in enumerate(rows):
        form |= {f"results.{index}.staff_no": staff_no, f"results.{index}.votes": str(votes),
                 f"results.{index}.verdict": verdict}
    return form


ALL = [("QP0003", 15, "agree"), ("QP0010", 4, "disagree"), ("QP0011", 1, "defer")]


def body_rows(page: str, field: str) -> list[str]:
    table = re.search(rf'<table class="[^"]*" id="{field}">.*?</table>', page, re.S).group(0)
    return re.findall(r"<tr>.*?</tr>", re.search(r"<tbody>.*?</tbody>", table, re.S).group(0), re.S)


def test_the_page_shows_one_named_row_per_listed_cadre_in_order(app, sessions, organiser, case):
    _summary, names = case
    page = signed_in(app, "organiser").get(f"/tasks/{task_id(sessions, organiser, 'vote')}").get_data(as_text=True)
    rows = body_rows(page, "results")
    assert len(rows) == 3  # no blank rows, no add/remove
    for index, (row, staff_no) in enumerate(zip(rows, CANDIDATES, strict=True)):
        assert re.search(rf'<th scope="row">{names[staff_no]}（', row)
        assert f'<input type="hidden" name="results.{index}.staff_no" value="{staff_no}">' in row
        cell = f'type="number" id="results.{index}.votes" name="results.{index}.votes" value="" min="0" max="100"'
        assert cell in row
        assert row.count(f'type="radio" name="results.{index}.verdict"') == 3 and "缓议" in row
    assert "<th scope=\"col\">考察对象</th>" in page and 'value="results"' not in page


def test_a_post_missing_a_cadre_or_adding_a_stranger_or_twice_is_refused_by_name(app, sessions, organiser, case):
    _summary, names = case
    client, task = signed_in(app, "organiser"), task_id(sessions, organiser, "vote")
    for rows, message in (
            (ALL[:1] + ALL[2:], f"「得票情况」缺少「{names['QP0010']}」一行"),
            ([*ALL, (STRANGER, 2, "defer")], f"「得票情况」中的「{names[STRANGER]}」不在本步骤的人选之中"),
            ([*ALL, ("QP0010", 2, "defer")], f"「得票情况」中的「{names['QP0010']}」有 2 行：每人只填一行")):
        response = client.post(f"/tasks/{task}", data=vote_post(*rows))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert task_id(sessions, organiser, "vote") == task  # nothing was completed


def test_a_row_rule_shows_beside_that_cadres_row(app, sessions, organiser, case):
    _summary, names = case
    task = task_id(sessions, organiser, "vote")
    rows = [ALL[0], ("QP0010", 30, "disagree"), ALL[2]]
    response = signed_in(app, "organiser").post(f"/tasks/{task}", data=vote_post(*rows))
    assert response.status_code == 422
    shown = body_rows(response.get_data(as_text=True), "results")
    message = f"「{names['QP0010']}」：得票数（30）不得多于实到人数（20）"
    assert message in shown[1] and message not in shown[0] + shown[2]
    assert 'value="30"' in shown[1] and 'value="agree" checked' in shown[0]  # what was typed stays


def test_the_api_refuses_the_same(app, sessions, organiser, case):
    _summary, names = case
    with sessions.begin() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.username == "organiser")))
    data = {"present": 20, "results": [{"staff_no": no, "votes": votes, "verdict": verdict}
                                       for no, votes, verdict in ALL[1:]]}
    response = app.test_client().post(f"/api/v1/tasks/{task_id(sessions, organiser, 'vote')}/complete",
                                      headers=bearer(token), json={"data": data})
    assert response.status_code == 422
    assert response.json["errors"] == {"results": f"「得票情况」缺少「{names['QP0003']}」一行"}


def test_the_record_names_the_cadres_and_the_fieldsets_take_long_columns(app, sessions, organiser, case):
    summary, names = case
    client = signed_in(app, "organiser")
    assert client.post(f"/tasks/{task_id(sessions, organiser, 'vote')}", data=vote_post(*ALL)).status_code == 302
    appraise = task_id(sessions, organiser, "appraise")
    page = client.get(f"/tasks/{appraise}").get_data(as_text=True)
    legends = re.findall(r"<legend>(.*?)</legend>", page)
    assert [legend.split("（")[0] for legend in legends] == [names[no] for no in CANDIDATES]
    assert '<textarea id="appraisals.0.conclusion"' in page and 'type="date" id="appraisals.2.checked_on"' in page
    assert page.count('type="radio" name="appraisals.1.fit"') == 2
    form = {"team.0.member": "王五"}
    for index, staff_no in enumerate(CANDIDATES):
        form |= {f"appraisals.{index}.staff_no": staff_no, f"appraisals.{index}.conclusion": "德才兼备",
                 f"appraisals.{index}.checked_on": "2026-03-01",
                 f"appraisals.{index}.fit": "false" if index else "true"}
    assert client.post(f"/tasks/{appraise}", data=form).status_code == 302
    record = client.get(f"/cases/{summary['id']}").get_data(as_text=True)
    for staff_no in CANDIDATES:
        assert re.search(rf"<td>{names[staff_no]}（[^<]*{staff_no}）</td>", record)
    assert "<td>不同意</td>" in record and "<td>称职</td>" in record and "<td>不称职</td>" in record
    assert "disagree" not in record


def test_add_a_row_adds_a_blank_row_and_completes_nothing(app, sessions, organiser, case):
    client = signed_in(app, "organiser")
    client.post(f"/tasks/{task_id(sessions, organiser, 'vote')}", data=vote_post(*ALL))
    appraise = task_id(sessions, organiser, "appraise")
    first = client.get(f"/tasks/{appraise}").get_data(as_text=True)
    assert len(body_rows(first, "team")) == 2
    assert '<button name="_add_row" value="team"' in first
    # Enter in a field submits with the form's first submit control: 提交, placed before any 添加一行.
    assert first.index('class="implicit-submit"') < first.index('name="_add_row"')
    typed = {"appraisals.0.staff_no": "QP0003", "appraisals.0.conclusion": "德才兼备",
             "team.0.member": "王五", "team.0.duty": "组长", "team.1.member": "", "team.1.duty": "",
             "_add_row": "team"}
    response = client.post(f"/tasks/{appraise}", data=typed)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = body_rows(page, "team")
    assert len(rows) == 3 and 'value="王五"' in rows[0] and 'name="team.2.member"' in rows[2]
    assert "德才兼备</textarea>" in page and "field-error" not in page  # kept, and nothing was checked
    assert task_id(sessions, organiser, "appraise") == appraise  # nothing was completed


def test_a_case_without_the_list_says_which_variable_is_missing(app, sessions, organiser, clock):
    set_up(sessions, organiser, clock.now(), candidates=None)
    page = signed_in(app, "organiser").get(f"/tasks/{task_id(sessions, organiser, 'vote')}").get_data(as_text=True)
    assert "案件数据「candidates」" in page and "流程模型" in page
