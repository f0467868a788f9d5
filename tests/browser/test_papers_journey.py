"""The office's papers of a finished selection, in Chromium: the 审批表 downloaded, the 公示 issued with its number
(a double click takes one) and downloaded with the sha256 the page shows, the 备案 package built and opened."""

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.browser.conftest import sign_in
from tests.papers.appointment import walk_to_appointment
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.engine.clock import FixedClock


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A selection walked to its appointment (⑮ done, probation running), served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("papers_journey")
    clock = FixedClock(START)
    app = make_app(f"sqlite:///{folder / 'site.sqlite'}", clock)
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])
    run = walk_to_appointment(bureau)
    with serving(app) as base:
        yield base, run.id
    app.extensions["cadreflow.engine"].dispose()


def downloaded(page, click) -> tuple[str, bytes]:
    with page.expect_download() as info:
        click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def pdf_words(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def test_the_office_files_the_papers_of_a_finished_selection(site, page):
    base, case_id = site
    page.on("dialog", lambda dialog: dialog.accept())  # the issue button asks first
    sign_in(page, base, "organiser")
    page.goto(f"{base}/cases?status=running")
    page.click(f"a[href='/cases/{case_id}']")
    papers = page.locator("#papers")
    papers.scroll_into_view_if_needed()
    screenshot(page, "papers_01_offered")

    # The 审批表 of the appointee, from the registry's route (which records who read it).
    name, form = downloaded(page, lambda: papers.locator("tr[data-kind=approval_form] a.preview-pdf").click())
    assert name == "干部任免审批表-崔英.pdf" and form.startswith(b"%PDF")
    assert "干部任免审批表" in pdf_words(form) and "崔英" in pdf_words(form)

    # The 公示, issued with a double click: one number, one file.
    with page.expect_navigation():
        papers.locator("tr[data-kind=publicity] form.issue-paper button").dblclick()
    page.wait_for_load_state("networkidle")
    issued = page.locator("table.papers-issued tbody tr")
    assert issued.count() == 1
    assert issued.locator(".number").inner_text() == "青数〔2026〕1号"
    assert page.locator("tr[data-kind=publicity] form").count() == 0  # no second issue while the number stands
    shown = issued.locator("code.sha256").inner_text().replace("\u200b", "").strip()
    name, notice = downloaded(page, lambda: issued.locator("a.issued-file").click())
    assert name == "任前公示-青数〔2026〕1号.pdf"
    assert hashlib.sha256(notice).hexdigest() == shown
    assert "青数〔2026〕1号" in pdf_words(notice)
    screenshot(page, "papers_02_issued")

    # The 备案 package: every file in the manifest with its sha256, the 公示 as issued.
    name, package = downloaded(page, lambda: page.click("form.filing-package button"))
    assert name == f"备案材料-案件{case_id}.zip"
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        listed = [entry["name"] for entry in manifest["files"]]
        assert sorted(listed + ["manifest.json"]) == sorted(archive.namelist())
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"], entry["name"]
        publicity = next(entry for entry in manifest["files"] if entry["kind"] == "publicity")
        assert (publicity["number"], publicity["sha256"]) == ("青数〔2026〕1号", shown)
    assert [entry["kind"] for entry in manifest["files"]] == [
        "report", "approval_form", "inspection_material", "recommendation", "meeting_minutes", "publicity",
        "publicity_outcome", "appointment_notice", "record_bundle"]
    page.reload()  # the record shows the paper issued and the package built, with their sha256
    timeline = page.locator("ol.timeline > li")
    assert timeline.filter(has_text="出具文书").filter(has_text=shown).count() == 1
    assert timeline.filter(has_text="生成备案材料包").count() == 1
    screenshot(page, "papers_03_filed")


def test_a_reviewer_sees_no_papers(site, page):
    base, case_id = site
    sign_in(page, base, "member1")
    page.goto(f"{base}/cases/{case_id}")
    assert page.locator("ol.timeline").count() == 1  # the case itself is readable
    assert page.locator("#papers").count() == 0
    answer = page.request.get(f"{base}/cases/{case_id}/papers/publicity.pdf")
    assert answer.status == 403
