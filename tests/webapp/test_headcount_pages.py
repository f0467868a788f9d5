"""The 职数 page (read by the registry's readers, edited by its editors, CSRF-protected, a bad cell named and nothing
saved), the vacancies on the structure dashboard, and the facts shown on the ① 分析研判 task page."""

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import PostHeadcount
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows.engine.clock import FixedClock
from workflows.registry import headcount


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def site(app, clock):
    return registry_site(app, clock)


def approved(app) -> dict[tuple[str, str], int]:
    with app.extensions["cadreflow.sessions"]() as session:
        return {(row.section_code, row.level): row.approved for row in headcount.overview(session) if row.has_entry}


def test_readers_see_the_table_editors_may_change_it_others_are_refused(site):
    editor = signed_in(site, "wangmin").get("/registry/headcount").get_data(as_text=True)
    assert 'name="approved:SJZY:section_chief"' in editor and "现有实职" in editor and "未核定" in editor
    reader = signed_in(site, "zhouting")
    page = reader.get("/registry/headcount").get_data(as_text=True)
    assert "数据资源科" in page and 'name="approved:' not in page
    assert reader.post("/registry/headcount", data={"approved:SJZY:section_chief": "1"}).status_code == 403
    assert signed_in(site, "lihua").get("/registry/headcount").status_code == 403
    assert approved(site) == {}


def test_an_edit_is_saved_and_a_bad_cell_is_named_with_nothing_saved(site):
    client = signed_in(site, "wangmin")
    response = client.post("/registry/headcount", data={
        "approved:SJZY:section_chief": "1", "approved:BGS:section_chief": "x1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "有 1 处需要修改，未保存任何内容" in page
    assert "「办公室正科核定职数」应为 0 到 99 之间的整数" in page and 'value="x1"' in page
    assert approved(site) == {}
    response = client.post("/registry/headcount", data={"approved:SJZY:section_chief": "1",
                                                        "approved:SJZY:deputy_section_chief": "3",
                                                        "approved:BGS:section_chief": ""})
    assert response.status_code == 302
    assert approved(site) == {("SJZY", "section_chief"): 1, ("SJZY", "deputy_section_chief"): 3}
    assert "修改了 2 项核定职数" in client.get("/registry/headcount").get_data(as_text=True)


def test_a_post_without_its_csrf_token_is_refused(site):
    client = signed_in(site, "wangmin")
    site.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/registry/headcount", data={"approved:SJZY:section_chief": "1"}).status_code == 400
    assert approved(site) == {}
    page = client.get("/registry/headcount").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/registry/headcount", data={"approved:SJZY:section_chief": "1", "csrf_token": token})
    assert response.status_code == 302 and approved(site) == {("SJZY", "section_chief"): 1}
    with site.extensions["cadreflow.sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.type == "registry.headcount_changed")) == 1


def test_the_structure_dashboard_shows_vacancies_per_section_and_level(site):
    client = signed_in(site, "wangmin")
    client.post("/registry/headcount", data={"approved:SJZY:deputy_section_chief": "3",
                                             "approved:BGS:section_chief": "0", "approved:WLAQ:section_chief": "1"})
    page = client.get("/registry/structure").get_data(as_text=True)
    table = page[page.index('id="vacancy-table"'):]
    rows = {"|".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S))
            for row in re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")], re.S)}
    assert "数据资源科|副科|3|2|1" in rows  # one vacancy
    assert "办公室|正科|0|1|超职数 1 名" in rows  # over the approved number, not -1
    assert "网络安全科|正科|1|1|无空缺" in rows
    assert "数据资源科|正科|—|1|未核定" in rows


@pytest.fixture
def bureau(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return Bureau(sessions, clock, ["cadre_selection.bpmn"])


def analysis_page(app, run) -> str:
    task = next(row for row in run.open_tasks() if row.bpmn_id == "analysis")
    return signed_in(app, "organiser").get(f"/tasks/{task.id}").get_data(as_text=True)


def test_the_analysis_page_shows_the_table_or_asks_when_it_has_no_entry(app, bureau):
    run = steps.start(bureau)
    page = analysis_page(app, run)
    assert "数据资源科正科：职数表中没有核定职数" in page and 'name="vacancy_exists"' in page
    with bureau.sessions.begin() as session:
        headcount.save_table(session, bureau.people["organiser"], bureau.clock.now(), {("SJZY", "section_chief"): 1})
        assert session.scalar(select(func.count()).select_from(PostHeadcount)) == 1
    page = analysis_page(app, run)
    facts = page[page.index('id="headcount-facts"'):page.index("</section>", page.index('id="headcount-facts"'))]
    assert "<dd>1</dd>" in facts and "无职数空缺：提交后本案件终止" in facts
    assert 'name="vacancy_exists"' not in page  # the table decides: no choice offered
