"""Starting cases from the pages: a procedure and the cadre or post from the registry, or a scan row."""

from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Case
from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from workflows.actors import SYSTEM
from workflows.processes import deploy
from workflows.registry import scans
from workflows.registry.demo import seed_registry

PACKAGED = Path(__file__).resolve().parents[2] / "bpmn"
PROCEDURES = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]


@pytest.fixture
def site(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF itself is covered in test_pages
    with app.extensions["cadreflow.sessions"].begin() as session:
        seed_registry(session, clock.now().date())
        for name in PROCEDURES:
            deploy.deploy(session, deploy.bundle_from_paths([PACKAGED / name]), SYSTEM, clock.now())
    add_user(app, "wangmin", "personnel_office")
    add_user(app, "zhouting", "auditor")
    return app


def cases(app) -> list[Case]:
    with app.extensions["cadreflow.sessions"]() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def first_row(app, clock, kind):
    with app.extensions["cadreflow.sessions"]() as session:
        return scans.scan(session, clock.now().date()).rows[kind][0]


def test_the_start_page_offers_each_procedure_and_its_first_form(site):
    client = signed_in(site, "wangmin")
    listing = client.get("/cases/new").get_data(as_text=True)
    assert "科级干部选拔任用" in listing and "rotation_approval" in listing
    page = client.get("/cases/new?process=rotation_approval&cadre=QP0001").get_data(as_text=True)
    assert 'name="cadre"' in page and 'value="QP0001"' in page and "发起事由" in page
    selection = client.get("/cases/new?process=cadre_selection").get_data(as_text=True)
    assert 'name="cadre"' not in selection and "拟任职位所在科室" in selection and "数据资源科" in selection
    assert client.get("/cases/new?process=nope").status_code == 404


def test_a_cadre_procedure_without_a_cadre_starts_nothing_and_says_so(site):
    client = signed_in(site, "wangmin")
    response = client.post("/cases/new", data={"confirm": "1", "process": "rotation_approval",
                                               "trigger_reason": "unsuitable",
                                               "trigger_note": "不适应现职位"})
    assert response.status_code == 422
    assert "须从干部信息库选择一名干部发起" in response.get_data(as_text=True)
    response = client.post("/cases/new", data={"confirm": "1", "process": "rotation_approval", "cadre": "QP9999",
                                               "trigger_reason": "unsuitable", "trigger_note": "不适应现职位"})
    assert response.status_code == 422 and "QP9999" in response.get_data(as_text=True)
    assert cases(site) == []


def test_a_selection_starts_from_a_post_with_its_title_from_the_registry(site):
    client = signed_in(site, "wangmin")
    response = client.post("/cases/new", data={"confirm": "1", "process": "cadre_selection",
                                               "post_section_code": "SJZY",
                                               "post_title": "副科长", "post_level": "deputy_section_chief"})
    assert response.status_code == 302
    (case,) = cases(site)
    assert (case.title, case.subject, case.started_by_id is not None) == (
        "科级干部选拔任用（十六步工作法）：数据资源科 副科长", "SJZY 副科长", True)
    bad = client.post("/cases/new", data={"confirm": "1", "process": "cadre_selection", "post_section_code": "SJZY"})
    assert bad.status_code == 422 and "「拟任职位名称」为必填项" in bad.get_data(as_text=True)
    assert len(cases(site)) == 1


@pytest.mark.parametrize(("kind", "process"), [("rotation", "rotation_approval"),
                                               ("second_line", "second_line_approval")])
def test_a_scan_row_starts_its_procedure_for_that_cadre(site, clock, kind, process):
    row = first_row(site, clock, kind)
    client = signed_in(site, "wangmin")
    scan_page = client.get("/registry/scan").get_data(as_text=True)
    assert f'name="cadre" value="{row.subject}"' in scan_page
    response = client.post("/cases/from-scan", data={"confirm": "1", "kind": kind, "cadre": row.subject,
                                                     "reason": row.reason,
                                                      "on": clock.now().date().isoformat()})
    assert response.status_code == 302
    (case,) = cases(site)
    assert (case.spec.process_id, case.subject, case.title) == (process, row.subject, f"{case.spec.name}：{row.name}")


def test_only_the_personnel_office_starts_cases(site, clock):
    client = signed_in(site, "zhouting")
    assert client.get("/cases/new").status_code == 403
    row = first_row(site, clock, "rotation")
    assert client.post("/cases/from-scan", data={"kind": "rotation", "cadre": row.subject}).status_code == 403
    assert "发起轮岗审批" not in client.get("/registry/scan").get_data(as_text=True)
    assert cases(site) == []
