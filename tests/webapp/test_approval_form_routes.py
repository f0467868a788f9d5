"""The 干部任免审批表 on the page, over the API and on the command line: readers only, named in Chinese, on record."""

import io
import json
import subprocess

import docx
import pytest
import requests
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from tests.papers.approval_people import dress
from tests.papers.approval_people import page_count
from tests.papers.approval_people import pdf_text
from tests.security.live_waitress import CADREFLOW
from tests.security.live_waitress import demo_env
from tests.security.live_waitress import live_demo  # noqa: F401 - the fixture, started once for this module
from tests.security.test_registry_downloads import named
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def site(app, clock):
    registry_site(app, clock)
    with app.extensions["cadreflow.sessions"].begin() as session:
        dress(session, "QP0003")
    return app


def viewed(app) -> list[dict]:
    with app.extensions["cadreflow.sessions"]() as session:
        return [{"actor": event.actor, "case": event.case_id, **json.loads(event.payload)} for event in
                session.scalars(select(AuditEvent).where(AuditEvent.type == "registry.form_viewed"))]


def test_the_office_downloads_the_pdf_and_the_docx_each_on_record(site):
    office = signed_in(site, "wangmin")
    pdf = office.get("/registry/cadres/QP0003/approval-form.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        "attachment; filename=approval-form-QP0003.pdf; filename*=UTF-8''"
        "%E5%B9%B2%E9%83%A8%E4%BB%BB%E5%85%8D%E5%AE%A1%E6%89%B9%E8%A1%A8-%E5%B4%94%E8%8B%B1.pdf")
    assert pdf.headers["Cache-Control"] == "private, no-store"
    assert page_count(pdf.data) == 2 and "崔英" in pdf_text(pdf.data) and "上海市青浦区数据局" in pdf_text(pdf.data)
    word = office.get("/registry/cadres/QP0003/approval-form.docx")
    assert word.status_code == 200 and word.mimetype == DOCX
    assert "崔英" in docx.Document(io.BytesIO(word.data)).tables[0].cell(0, 1).text
    assert viewed(site) == [{"actor": "wangmin", "case": None, "cadre": "QP0003", "what": "approval_form_pdf"},
                            {"actor": "wangmin", "case": None, "cadre": "QP0003", "what": "approval_form_docx"}]


def test_an_auditor_reads_it_a_reviewer_is_refused_an_unknown_cadre_is_404(site):
    add_user(site, "reviewer", "party_group")
    assert signed_in(site, "zhouting").get("/registry/cadres/QP0003/approval-form.pdf").status_code == 200
    assert signed_in(site, "reviewer").get("/registry/cadres/QP0003/approval-form.pdf").status_code == 403
    assert signed_in(site, "lihua").get("/registry/cadres/QP0003/approval-form.docx").status_code == 403
    office = signed_in(site, "wangmin")
    assert office.get("/registry/cadres/QP9999/approval-form.pdf").status_code == 404
    assert office.get("/registry/cadres/QP0003/approval-form.xls").status_code == 404
    assert office.get("/registry/cadres/QP0003/approval-form.pdf?case=987").status_code == 404  # no such case
    assert office.get("/registry/cadres/QP0003/approval-form.pdf?case=x").status_code == 400
    assert [event["actor"] for event in viewed(site)] == ["zhouting"]  # refusals give nothing, record no view


def test_the_cadre_page_links_the_form(site):
    with site.extensions["cadreflow.sessions"]() as session:
        cadre_id = session.scalar(select(Cadre.id).where(Cadre.staff_no == "QP0001"))
    page = signed_in(site, "wangmin").get(f"/registry/{cadre_id}").get_data(as_text=True)
    assert "/registry/cadres/QP0001/approval-form.pdf" in page and "/registry/cadres/QP0001/approval-form.docx" in page


def test_the_api_gives_the_form_to_readers(site):
    office, secretary = add_user(site, "api-office", "personnel_office"), add_user(site, "api-sec", "party_secretary")
    path = "/api/v1/cadres/QP0003/approval-form"
    client = site.test_client()
    answer = client.get(path, headers=bearer(office))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
    word = client.get(f"{path}?format=docx", headers=bearer(office))
    assert word.status_code == 200 and word.mimetype == DOCX
    assert client.get(path, headers=bearer(secretary)).status_code == 403
    assert client.get(path).status_code == 401
    missing = client.get("/api/v1/cadres/QP9999/approval-form", headers=bearer(office))
    assert missing.status_code == 404 and missing.is_json
    wrong = client.get(f"{path}?format=xls", headers=bearer(office))
    assert wrong.status_code == 422 and "format" in wrong.json["errors"]
    assert "/cadres/{staff_no}/approval-form" in client.get("/api/v1/openapi.json").json["paths"]


def test_the_command_line_writes_the_form_and_fails_clearly_for_an_unknown_staff_number(site, tmp_path):
    runner = site.test_cli_runner()
    out = tmp_path / "form.docx"
    done = runner.invoke(args=["approval-form", "QP0003", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "崔英" in docx.Document(str(out)).tables[0].cell(0, 1).text
    pdf = tmp_path / "form.pdf"
    assert runner.invoke(args=["approval-form", "QP0003", "--format", "pdf", "--out", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    failed = runner.invoke(args=["approval-form", "QP9999", "--out", str(tmp_path / "none.pdf")])
    assert failed.exit_code == 1 and "QP9999" in failed.output and not (tmp_path / "none.pdf").exists()
    assert [event["what"] for event in viewed(site)] == ["approval_form_docx", "approval_form_pdf"]


def test_the_real_server_names_the_download_in_chinese(live_demo):  # noqa: F811
    with live_demo.signed_in("organiser") as browser:
        response = browser.get(f"{live_demo.base}/registry/cadres/QP0003/approval-form.pdf", timeout=60)
    assert response.status_code == 200, live_demo.log()
    assert named(response) == ("干部任免审批表-崔英.pdf", "approval-form-QP0003.pdf")
    assert page_count(response.content) == 2
    cli = subprocess.run([CADREFLOW, "approval-form", "QP0003", "--out", str(live_demo.folder / "form.docx")],
                         env=demo_env(live_demo.folder), capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert requests.get(f"{live_demo.base}/registry/cadres/QP0003/approval-form.pdf", timeout=30,
                        allow_redirects=False).status_code == 302  # not signed in: to the sign-in page
