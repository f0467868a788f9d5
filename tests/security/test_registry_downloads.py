"""Downloads named in Chinese through the real server (waitress): the registry's exports and the auditor's record."""

import csv
import hashlib
import io
import re
import subprocess
from urllib.parse import unquote

import pytest
import requests
from openpyxl import load_workbook

from tests.security.live_waitress import CADREFLOW
from tests.security.live_waitress import demo_env
from tests.security.live_waitress import live_demo  # noqa: F401 - the fixture, started once for this module

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANALYSIS = {"vacancy_exists": "1", "headcount_note": "核定 1 名，空缺 1 名", "analysis": "原科长轮岗后空缺，需选拔"}
PDF = b"%PDF-1.7\n" + "干部职数核定表".encode() * 50
REGISTRY_DOWNLOADS = [("/registry/export.csv", "干部信息.csv", "cadre-registry.csv", "text/csv"),
                      ("/registry/export.xlsx", "干部信息.xlsx", "cadre-registry.xlsx", XLSX),
                      ("/registry/template.xlsx", "干部信息导入模板.xlsx", "cadre-registry-import-template.xlsx", XLSX)]


def named(response: requests.Response) -> tuple[str, str]:
    """The download's Chinese name (RFC 5987 ``filename*``) and its ASCII fallback, as a browser reads them."""
    kind, *parameters = response.headers["Content-Disposition"].split(";")
    assert kind == "attachment"
    options = dict(parameter.strip().split("=", 1) for parameter in parameters)
    charset, _language, quoted = options["filename*"].split("'", 2)
    assert charset.upper() == "UTF-8" and options["filename"].isascii()
    return unquote(quoted, encoding="utf-8", errors="strict"), options["filename"].strip('"')


def assert_real_file(body: bytes, mimetype: str) -> None:
    if mimetype == XLSX:
        book = load_workbook(io.BytesIO(body), read_only=True)
        assert "干部" in book.sheetnames
        book.close()
    else:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0][:3] == ["干部编号", "姓名", "性别"] and len(rows) > 80


@pytest.mark.parametrize(("path", "name", "ascii_name", "mimetype"), REGISTRY_DOWNLOADS)
def test_registry_downloads_named_in_chinese_answer_200(live_demo, path, name, ascii_name, mimetype):  # noqa: F811
    with live_demo.signed_in("organiser") as browser:
        response = browser.get(live_demo.base + path, timeout=60)
    assert response.status_code == 200, live_demo.log()
    assert response.headers["Content-Type"].startswith(mimetype)
    assert named(response) == (name, ascii_name)
    assert response.headers["Cache-Control"] == "private, no-store"  # a registry of people stays out of caches
    assert_real_file(response.content, mimetype)


def test_a_case_record_and_a_task_file_download_named_in_chinese(live_demo):  # noqa: F811
    token = subprocess.run([CADREFLOW, "create-token", "organiser"], env=demo_env(live_demo.folder),
                           capture_output=True, text=True, timeout=120, check=True).stdout.split()[-1]
    started = requests.post(f"{live_demo.base}/api/v1/cases", timeout=60, headers={"Authorization": f"Bearer {token}"},
                            json={"process": "cadre_selection", "title": "科长人选", "data": {
                                "post_section_code": "BGS", "post_title": "科长", "post_level": "section_chief"}})
    assert started.status_code == 201, started.text
    case_id, task_id = started.json()["id"], started.json()["open_tasks"][0]["id"]
    with live_demo.signed_in("organiser") as browser:
        form = browser.get(f"{live_demo.base}/tasks/{task_id}", timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        done = browser.post(f"{live_demo.base}/tasks/{task_id}", timeout=60, data={**ANALYSIS, "csrf_token": token},
                            files={"attachments": ("职数核定表.pdf", PDF, "application/pdf")})
        assert done.status_code == 200, live_demo.log()
        task_file = browser.get(f"{live_demo.base}/cases/{case_id}/attachments/{hashlib.sha256(PDF).hexdigest()}",
                                timeout=30)
    assert task_file.status_code == 200 and task_file.content == PDF, live_demo.log()
    assert named(task_file)[0] == "职数核定表.pdf"
    with live_demo.signed_in("auditor") as browser:
        pdf = browser.get(f"{live_demo.base}/audit/cases/{case_id}/record.pdf", timeout=60)
        bundle = browser.get(f"{live_demo.base}/audit/cases/{case_id}/bundle.json", timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), live_demo.log()
    assert named(pdf) == (f"案件{case_id}纪实表.pdf", f"case-{case_id}-record.pdf")
    assert bundle.status_code == 200 and bundle.json()
    assert named(bundle) == (f"案件{case_id}纪实数据包.json", f"case-{case_id}-bundle.json")
