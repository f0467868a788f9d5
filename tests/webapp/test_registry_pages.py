"""The registry pages through the test client: roles, search, edits with inline errors, import, export."""

import io
import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from tests.conftest import DATA
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows.registry.demo import seed_registry


@pytest.fixture
def site(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF itself is covered in test_pages
    with app.extensions["cadreflow.sessions"].begin() as session:
        seed_registry(session, clock.now().date())
    for username, role in (("wangmin", "personnel_office"), ("zhouting", "auditor"), ("lihua", "party_secretary")):
        add_user(app, username, role)
    return app




def cadre(app, staff_no) -> Cadre:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(Cadre).where(Cadre.staff_no == staff_no))


def events(app, kind) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.type == kind))


def test_registry_is_for_the_personnel_office_admin_and_auditors(site):
    assert signed_in(site, "wangmin").get("/registry").status_code == 200
    assert signed_in(site, "zhouting").get("/registry").status_code == 200
    refused = signed_in(site, "lihua").get("/registry")
    assert refused.status_code == 403 and "无权" in refused.get_data(as_text=True)
    assert events(site, "access.denied") == 1
    assert site.test_client().get("/registry").status_code == 302  # to the sign-in page


def test_search_by_name_and_filter_by_level(site):
    client = signed_in(site, "wangmin")
    first = cadre(site, "QP0001")
    page = client.get("/registry", query_string={"q": first.name}).get_data(as_text=True)
    assert first.name in page and "QP0001" in page
    chiefs = client.get("/registry", query_string={"level": "section_chief"}).get_data(as_text=True)
    assert chiefs.count("<td>正科</td>") == 10


def test_cadre_page_shows_posts_assessments_and_sanctions(site):
    client = signed_in(site, "wangmin")
    page = client.get(f"/registry/{cadre(site, 'QP0037').id}").get_data(as_text=True)
    assert "任职经历" in page and "年度考核" in page and "党内警告" in page


def test_edit_with_bad_values_shows_each_error_and_changes_nothing(site):
    client = signed_in(site, "wangmin")
    target = cadre(site, "QP0002")
    response = client.post(f"/registry/{target.id}/edit", data={
        "name": "", "gender": "unknown", "birth_date": "1985-13-01", "ethnicity": "汉族"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「出生日期」应为日期" in page
    response = client.post(f"/registry/{target.id}/edit", data={
        "name": "", "gender": "unknown", "birth_date": "1985-01-01", "ethnicity": "汉族",
        "political_affiliation": "cpc_member", "staff_category": "civil_servant", "retirement_category": "male"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "「姓名」为必填项" in page and "「性别」只能是" in page
    assert cadre(site, "QP0002").name == target.name
    assert events(site, "registry.updated") == 0


def test_edit_saves_and_goes_on_record(site):
    client = signed_in(site, "wangmin")
    target = cadre(site, "QP0002")
    response = client.post(f"/registry/{target.id}/edit", data={
        "name": "测试改名", "gender": target.gender, "birth_date": target.birth_date.isoformat(),
        "ethnicity": "汉族", "political_affiliation": target.political_affiliation,
        "staff_category": target.staff_category, "retirement_category": target.retirement_category,
        "ft_education_level": target.ft_education_level or ""})
    assert response.status_code == 302
    assert cadre(site, "QP0002").name == "测试改名"
    assert events(site, "registry.updated") == 1


def test_an_auditor_reads_but_cannot_edit(site):
    client = signed_in(site, "zhouting")
    target = cadre(site, "QP0002")
    assert "编辑基本信息" not in client.get(f"/registry/{target.id}").get_data(as_text=True)
    assert client.post(f"/registry/{target.id}/assessments", data={"year": "2025"}).status_code == 403


def test_adding_an_assessment_with_a_bad_grade_is_refused_inline(site):
    client = signed_in(site, "wangmin")
    target = cadre(site, "QP0003")
    bad = client.post(f"/registry/{target.id}/assessments", data={"year": "2025", "grade": "great",
                                                                   "scheme": "civil_servant"})
    assert bad.status_code == 422 and "「等次」只能是" in bad.get_data(as_text=True)
    good = client.post(f"/registry/{target.id}/assessments", data={"year": "2025", "grade": "excellent",
                                                                    "scheme": "civil_servant"})
    assert good.status_code == 302 and events(site, "registry.assessed") == 1


def registry_list(client) -> str:
    """The registry list page without its CSRF tokens, which carry the second they were made."""
    page = client.get("/registry", query_string={"active": "all"}).get_data(as_text=True)
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]*"', 'name="csrf_token"', page)


def test_import_of_a_bad_file_lists_every_error_and_writes_nothing(site):
    client = signed_in(site, "wangmin")
    before = registry_list(client)
    csv = "干部编号,姓名,性别,出生日期,民族,政治面貌,人员类别\nQP9001,新人甲,男,1990-02-30,汉族,中共党员,公务员\n" \
          "QP9002,新人乙,未知,1991-01-01,汉族,中共党员,公务员\n"
    response = client.post("/registry/import", data={"file": (io.BytesIO(csv.encode("utf-8-sig")), "new.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 2 行「出生日期」" in page and "第 3 行「性别」" in page
    assert registry_list(client) == before
    assert events(site, "registry.imported") == 0


def test_export_reimports_and_template_downloads(site):
    client = signed_in(site, "wangmin")
    workbook = client.get("/registry/export.xlsx")
    assert workbook.status_code == 200 and "attachment" in workbook.headers["Content-Disposition"]
    assert client.get("/registry/export.csv").data.startswith("\ufeff干部编号".encode())
    assert client.get("/registry/template.xlsx").data[:2] == b"PK"
    response = client.post("/registry/import", data={"file": (io.BytesIO(workbook.data), "all.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert events(site, "registry.imported") == 1


def test_scan_and_structure_pages_render(site):
    client = signed_in(site, "wangmin")
    scan = client.get("/registry/scan").get_data(as_text=True)
    assert "交流轮岗到期" in scan and "到龄退出领导岗位" in scan and "科室考核处理" in scan
    assert "窗口" not in scan  # the formal wording: 退出领导岗位, not a "window"
    structure = client.get("/registry/structure").get_data(as_text=True)
    assert "<svg" in structure and "≥ 35%" in structure


def test_a_case_started_over_the_api_for_a_cadre_shows_on_their_record(site):
    assert site.test_cli_runner().invoke(args=["deploy", str(DATA / "two_lane.bpmn")]).exit_code == 0
    token = add_user(site, "organiser2", "personnel_office")
    started = site.test_client().post("/api/v1/cases", headers=bearer(token),
                                      json={"process": "two_lane_review", "cadre": "QP0005"})
    assert started.status_code == 201, started.json
    target = cadre(site, "QP0005")
    assert started.json["subject"] == "QP0005" and target.name in started.json["title"]
    page = signed_in(site, "wangmin").get(f"/registry/{target.id}").get_data(as_text=True)
    assert started.json["title"] in page
    unknown = site.test_client().post("/api/v1/cases", headers=bearer(token),
                                      json={"process": "two_lane_review", "cadre": "QP9999"})
    assert unknown.status_code == 422 and "QP9999" in unknown.json["errors"]["cadre"]
