"""The .lrmx pages in Chromium against a real `cadreflow serve`: the organiser downloads a cadre's file, imports
files through the preview, and makes the clerk's mistakes (a workbook, the same file twice, a double click, the
confirmation sent again from the back button)."""

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text

from tests.browser.conftest import screenshot
from tests.browser.conftest import sign_in
from tests.papers.lrmx_fixtures import FIXTURE
from tests.papers.lrmx_fixtures import edited
from tests.security.live_waitress import DEMO_PASSWORD
from tests.security.live_waitress import demo_server
from workflows.papers import lrmx


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """`cadreflow serve` on the seeded demo, uploads staged in a folder of the test's own."""
    folder = tmp_path_factory.mktemp("lrmx-live")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CADREFLOW_STAGING_DIR", str(folder / "staging"))
        with demo_server(folder) as base:
            yield base, folder


def imports(folder: Path) -> list[dict]:
    """The registry.lrmx_imported events the server recorded, read from its database."""
    engine = create_engine(f"sqlite:///{folder / 'demo.sqlite'}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT payload FROM audit_event WHERE type = 'registry.lrmx_imported' "
                                       "ORDER BY seq")).scalars().all()
    engine.dispose()
    return [json.loads(row) for row in rows]


def organiser(page, base):
    sign_in(page, base, "organiser", DEMO_PASSWORD)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm form asks first


def choose(page, base, *paths: Path):
    page.goto(f"{base}/registry")
    page.click("a[href='/registry/lrmx-import']")
    page.set_input_files("input[name=files]", [str(path) for path in paths])
    page.click("main button[type=submit]")


def test_the_organiser_downloads_edits_and_imports_with_a_preview(page, live, tmp_path):
    base, folder = live
    organiser(page, base)
    page.goto(f"{base}/registry?q=QP0003")
    page.locator("table.tasks tbody tr td a").first.click()
    with page.expect_download() as download:
        page.click("a#lrmx-export")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".lrmx"
    form = lrmx.read(saved.read_bytes(), saved.name)
    assert saved.stem == form.name and len(form.identity_no) == 18
    changed = tmp_path / f"{form.name}-改.lrmx"
    changed.write_bytes(edited(saved.read_bytes(), JiGuan="浙江嘉兴"))
    choose(page, base, FIXTURE, changed)
    page.wait_for_url(f"{base}/registry/lrmx-import/preview")
    main = page.inner_text("main")
    assert "QP0081" in main and "张伟" in main and "QP0003" in main and "浙江嘉兴" in main
    assert page.locator("table.lrmx-changes").count() == 2
    screenshot(page, "lrmx_import_preview")
    page.dblclick("main form[data-confirm] button[type=submit]")  # a double click sends once
    page.wait_for_url(f"{base}/registry")
    assert "QP0081" in page.inner_text("main")
    assert [record["created"] + record["updated"] for record in imports(folder)] == [["QP0081", "QP0003"]]
    # The back button to the preview, and its confirmation sent again: told so, nothing imported twice.
    page.go_back()
    page.wait_for_url(f"{base}/registry/lrmx-import/preview")
    if page.locator("main form[data-confirm] button[type=submit]").count():  # a cached copy of the preview
        page.click("main form[data-confirm] button[type=submit]")
        page.wait_for_url(f"{base}/registry")
    assert len(imports(folder)) == 1
    screenshot(page, "lrmx_import_done")


def test_the_clerks_mistakes_are_named_and_nothing_is_written(page, live, tmp_path):
    base, folder = live
    organiser(page, base)
    before = len(imports(folder))
    workbook = tmp_path / "干部名册.xlsx"
    workbook.write_bytes(b"PK\x03\x04 a workbook")
    choose(page, base, workbook)
    assert "干部名册.xlsx" in page.inner_text("#import-errors")
    twice = tmp_path / "张伟(1).lrmx"
    twice.write_bytes(FIXTURE.read_bytes())
    broken = tmp_path / "坏.lrmx"
    broken.write_bytes(edited(FIXTURE.read_bytes(), ChuShengNianYue="1985-13", ShenFenZheng="110101199003070011"))
    choose(page, base, FIXTURE, twice, broken)
    page.wait_for_url(f"{base}/registry/lrmx-import/preview")
    errors = page.inner_text("#import-errors")
    assert "张伟(1).lrmx：与 zhang_wei_every_field.lrmx 是同一个文件（重复上传）" in errors
    assert "坏.lrmx：元素 <ChuShengNianYue> 的值「1985-13」不是年月（yyyyMM）" in errors
    assert page.locator("main form[data-confirm]").count() == 0
    screenshot(page, "lrmx_import_errors")
    assert len(imports(folder)) == before
