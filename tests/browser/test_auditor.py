"""An auditor in Chromium finds a finished selection, steps through its record, verifies it and downloads it."""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.browser.conftest import sign_in
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from tests.procedures.test_selection import appointed_and_confirmed
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.engine.clock import FixedClock
from workflows.record import checkpoints


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The served app, its database holding a selection appointed and confirmed through the command layer."""
    folder = tmp_path_factory.mktemp("auditor")
    clock = FixedClock(beijing("2026-09-01 09:00"))
    app = make_app(f"sqlite:///{folder / 'auditor.sqlite'}", clock)
    app.extensions["cadreflow.signer"] = checkpoints.generate_key(folder / "signing.pem")
    run = appointed_and_confirmed(Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"]))
    add_user(app, "zhouting", "auditor")
    with serving(app) as base:
        yield base, run.id
    app.extensions["cadreflow.engine"].dispose()


def test_an_auditor_finds_replays_verifies_and_downloads_a_case(page, site):
    base, case_id = site
    sign_in(page, base, "zhouting")
    page.click("nav >> text=纪实查阅")
    page.fill("input[name=cadre]", "QP0003")
    page.select_option("select[name=status]", "completed")
    page.fill("input[name=step]", "⑯党组决定是否正式任职")
    page.click("form.filters button[type=submit]")
    page.click(f"table.tasks a[href='/audit/cases/{case_id}']")

    assert "重放状态与记录一致" in page.inner_text("p.verdict")
    last = page.url
    page.click("nav.stepper a:text-is('上一条')")
    assert page.url != last and "seq=" in page.url
    previous = page.inner_text("nav.stepper .position")
    page.click("nav.stepper a:text-is('下一条')")
    assert page.inner_text("nav.stepper .position") != previous
    page.click("nav.stepper a:text-is('第一条')")
    assert "发起案件" in page.inner_text("section[aria-label='本条记录'] h2")
    # Jump to the second recommendation meeting: the first fell short of two thirds.
    page.locator("ol.events a:text-is('⑥会议推荐')").nth(1).click()
    assert "重放状态与记录一致" in page.inner_text("p.verdict")
    assert page.locator("ol.events li[aria-current=step] a").inner_text() == "⑥会议推荐"
    assert page.locator("table.data tr.changed, table.data tr.added").count() > 0
    assert page.locator("svg.bpmn-diagram g[data-element='meeting_recommendation']").count() == 1
    screenshot(page, "auditor_replay")

    page.click("nav.tabs a:text-is('校验本案记录')")
    assert page.inner_text("p.verdict") == "完好"
    with page.expect_download() as download_info:
        page.click("p.downloads a:text-is('下载纪实表（PDF）')")
    download = download_info.value
    assert download.suggested_filename == f"案件{case_id}纪实表.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    screenshot(page, "auditor_verified")
    assert re.search(r"/audit/cases/\d+/verify$", page.url)
