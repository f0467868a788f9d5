"""The cadre file on the registry pages: talks, filings and leave added, corrected and deleted by the organisers."""

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import TalkRecord
from storage.models import User
from tests.conftest import DATA
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows import commands
from workflows.accounts import actor_for
from workflows.registry import cadre_file

TALK = {"talk_date": "2026-02-10", "talk_kind": "heart_to_heart", "talkers": "郑晓燕",
        "summary": "肯定成绩，指出不足\n提出要求"}


@pytest.fixture
def site(app, clock):
    return registry_site(app, clock)


def cadre_id(app, staff_no: str = "QP0003") -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(Cadre.id).where(Cadre.staff_no == staff_no))


def count(app, model, kind: str | None = None) -> int:
    query = select(func.count()).select_from(model)
    if kind is not None:
        query = query.where(AuditEvent.type == kind)
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(query)


def only(app, model):
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalars(select(model)).one()


def test_an_organiser_adds_each_kind_and_the_cadre_page_lists_them(site):
    client, target = signed_in(site, "wangmin"), cadre_id(site)
    page = client.get(f"/registry/{target}").get_data(as_text=True)
    assert "暂无谈话记录。" in page and "暂无备案。" in page and "暂无请假记录。" in page and "登记谈话记录" in page
    for kind, values in (("talk", TALK), ("filing", {"filed_on": "2026-01-05", "filing_kind": "honour",
                                                      "content": "区先进工作者", "document_no": "青数〔2026〕1号"}),
                         ("leave", {"leave_kind": "maternity", "leave_start": "2025-06-01", "leave_end": "2025-10-31",
                                    "leave_note": ""})):
        response = client.post(f"/registry/{target}/file/{kind}", data=values)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/registry/{target}#cadre-file")
    page = client.get(f"/registry/{target}").get_data(as_text=True)
    assert "肯定成绩，指出不足<br>提出要求" in page and "县级以上荣誉" in page and "青数〔2026〕1号" in page
    assert "产假" in page and "<td>153</td>" in page  # 2025-06-01 to 2025-10-31, both days counted
    assert (count(site, AuditEvent, "registry.talk_added"), count(site, AuditEvent, "registry.filing_added"),
            count(site, AuditEvent, "registry.leave_added")) == (1, 1, 1)


def test_bad_fields_come_back_on_the_form_in_chinese_and_nothing_is_saved(site):
    client, target = signed_in(site, "wangmin"), cadre_id(site)
    response = client.post(f"/registry/{target}/file/talk", data={
        "talk_date": "2026-02-30", "talk_kind": "heart_to_heart", "talkers": "郑晓燕", "summary": "谈话"})
    assert response.status_code == 422 and "「谈话日期」应为日期，格式 YYYY-MM-DD" in response.get_data(as_text=True)
    response = client.post(f"/registry/{target}/file/talk", data={
        "talk_date": "2026-02-10", "talk_kind": "gossip", "talkers": "", "summary": "谈话内容保留"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「谈话类型」只能是" in page and "「谈话人」为必填项" in page and "未保存" in page
    assert "谈话内容保留" in page  # what was typed is kept on the form
    response = client.post(f"/registry/{target}/file/leave", data={
        "leave_kind": "sick", "leave_start": "2026-03-10", "leave_end": "2026-03-01"})
    assert response.status_code == 422
    assert "「请假结束日期」不能早于起始日期 2026-03-10" in response.get_data(as_text=True)
    assert (count(site, TalkRecord), count(site, LeavePeriod)) == (0, 0)
    assert client.post(f"/registry/{target}/file/salary", data={}).status_code == 404


def test_an_organiser_corrects_and_deletes_a_record_on_record(site):
    client, target = signed_in(site, "wangmin"), cadre_id(site)
    client.post(f"/registry/{target}/file/filing", data={"filed_on": "2026-01-05", "filing_kind": "education",
                                                          "content": "在职研究生"})
    filing = only(site, Filing).id
    form = client.get(f"/registry/{target}/file/filing/{filing}/edit").get_data(as_text=True)
    assert 'value="2026-01-05"' in form and "在职研究生" in form
    bad = client.post(f"/registry/{target}/file/filing/{filing}/edit", data={
        "filed_on": "2026-01-05", "filing_kind": "education", "content": ""})
    assert bad.status_code == 422 and "「备案内容」为必填项" in bad.get_data(as_text=True)
    assert only(site, Filing).content == "在职研究生"
    good = client.post(f"/registry/{target}/file/filing/{filing}/edit", data={
        "filed_on": "2026-01-05", "filing_kind": "education", "content": "在职攻读公共管理硕士"})
    assert good.status_code == 302 and only(site, Filing).content == "在职攻读公共管理硕士"
    assert client.post(f"/registry/{target}/file/filing/{filing}/delete").status_code == 302
    assert count(site, Filing) == 0
    assert (count(site, AuditEvent, "registry.filing_updated"), count(site, AuditEvent, "registry.filing_deleted")) \
        == (1, 1)
    assert client.post(f"/registry/{target}/file/filing/{filing}/delete").status_code == 404


def test_a_reviewer_reads_the_file_but_cannot_change_it(site):
    target = cadre_id(site)
    signed_in(site, "wangmin").post(f"/registry/{target}/file/talk", data=TALK)
    talk = only(site, TalkRecord).id
    auditor = signed_in(site, "zhouting")
    page = auditor.get(f"/registry/{target}").get_data(as_text=True)
    assert "郑晓燕" in page and f"/file/talk/{talk}/edit" not in page and "登记谈话记录" not in page
    denied = count(site, AuditEvent, "access.denied")
    assert auditor.post(f"/registry/{target}/file/talk", data=TALK).status_code == 403
    assert auditor.post(f"/registry/{target}/file/talk/{talk}/delete").status_code == 403
    assert auditor.get(f"/registry/{target}/file/talk/{talk}/edit").status_code == 403
    secretary = signed_in(site, "lihua")  # no registry role at all
    assert secretary.post(f"/registry/{target}/file/talk", data=TALK).status_code == 403
    assert count(site, TalkRecord) == 1 and count(site, AuditEvent, "access.denied") == denied + 4


def test_a_post_without_its_csrf_token_is_refused(site):
    client, target = signed_in(site, "wangmin"), cadre_id(site)
    site.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/registry/{target}/file/talk", data=TALK).status_code == 400
    assert count(site, TalkRecord) == 0
    page = client.get(f"/registry/{target}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/registry/{target}/file/talk", data={**TALK, "csrf_token": token}).status_code == 302
    assert count(site, TalkRecord) == 1


def test_a_talk_made_in_a_procedure_links_its_case_and_is_not_edited_here(site, clock):
    assert site.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    target = cadre_id(site)
    with site.extensions["cadreflow.sessions"].begin() as session:
        actor = actor_for(session.scalar(select(User).where(User.username == "wangmin")))
        case = commands.start_case(session, actor, clock.now(), "two_lane_review", "任职谈话案件")
        talk = cadre_file.add(session, actor, clock.now(), cadre_file.TALK, target, {
            **TALK, "talk_date": clock.now().date(), "talk_kind": "appointment"}, case_id=case["id"]).id
    client = signed_in(site, "wangmin")
    page = client.get(f"/registry/{target}").get_data(as_text=True)
    assert f'/cases/{case["id"]}' in page and "任职谈话" in page and f"/file/talk/{talk}/edit" not in page
    refused = client.post(f"/registry/{target}/file/talk/{talk}/delete")
    assert refused.status_code == 422 and "任职谈话案件" in refused.get_data(as_text=True)
    assert count(site, TalkRecord) == 1
