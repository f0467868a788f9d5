"""The form's personal fields in a real browser, as the office's clerk walked them: typing slips in the identity
number, a month 2024.13 in the family table, two open 简历 periods; the photo shown on the cadre page."""

import io
from datetime import UTC
from datetime import datetime

import pytest
from PIL import Image

from tests.browser.conftest import screenshot
from tests.browser.conftest import sign_in
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.engine.clock import FixedClock
from workflows.registry.demo import seed_registry


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The app on SQLite with the demo registry, served on 127.0.0.1, and an organiser account."""
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}", clock)
    with app.extensions["cadreflow.sessions"].begin() as session:
        seed_registry(session, clock.now().date())
    add_user(app, "wangmin", "personnel_office")
    with serving(app) as base:
        yield base
    app.extensions["cadreflow.engine"].dispose()


def alerts(page) -> str:
    return " ".join(page.eval_on_selector_all("[role=alert]", "els => els.map(e => e.innerText)"))


def open_cadre(page, base: str, staff_no: str) -> str:
    """The cadre page's URL, reached through the registry's search."""
    page.goto(f"{base}/registry?q={staff_no}")
    page.click(f"main tr:has-text('{staff_no}') a[href^='/registry/']")
    page.wait_for_selector("#personal")
    return page.url.split("#")[0]


def test_the_clerk_s_slips_are_named_on_the_page_and_corrected(page, demo_site):
    sign_in(page, demo_site, "wangmin")
    cadre = open_cadre(page, demo_site, "QP0003")
    page.click("#personal a[href$='/personal']")  # the link's text is a page text: Chinese or English
    good = page.input_value("#identity_no")
    page.fill("#identity_no", good[:-1] + ("0" if good[-1] != "0" else "1"))
    page.fill("#pt_school", "复旦大学")
    page.click("main button[type=submit]")
    assert "公民身份号码校验位不符：应为" in alerts(page) and page.input_value("#pt_school") == "复旦大学"
    page.fill("#identity_no", good)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{cadre}#personal")
    assert "复旦大学" in page.inner_text("#personal-fields")

    page.goto(f"{cadre}/family")
    page.fill("input[name=family-5-relation]", "母亲")
    page.fill("input[name=family-5-name]", "王丽")
    page.fill("input[name=family-5-birth]", "2024.13")
    page.click("main button[type=submit]:not([name=more])")
    assert "第 5 行「出生年月」：“2024.13”的月份应在 01 到 12 之间" in alerts(page)
    assert page.input_value("input[name=family-5-birth]") == "2024.13"
    screenshot(page, "registry_family_bad_month")
    page.click("main button[name=more]")  # five more rows, nothing saved, what was typed kept
    assert page.locator("input[name$=-name]").count() == 15
    page.fill("input[name=family-5-birth]", "1956.08")
    page.click("main button[type=submit]:not([name=more])")
    page.wait_for_url(f"{cadre}#family")
    assert "王丽" in page.inner_text("#personal") and "1956.08" in page.inner_text("#personal")

    page.goto(f"{cadre}/resume")
    page.fill("#resume", "2007.07--  上海市青浦区统计局科员\n2026.03--  上海市青浦区数据局办公室副科长")
    page.click("main form:first-of-type button[type=submit]")
    assert "第 1 行没有终止年月，但只有最后一段经历可以写到“至今”" in alerts(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/resume/generate'] button")
    page.wait_for_url(f"{cadre}/resume")
    assert "上海市青浦区数据局办公室副科长" in page.input_value("#resume")


def test_an_uploaded_photo_shows_on_the_cadre_page(page, demo_site):
    sign_in(page, demo_site, "wangmin")
    cadre = open_cadre(page, demo_site, "QP0004")
    page.goto(f"{cadre}/photo/edit")
    page.set_input_files("#photo", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"not a jpeg"}])
    page.click("main form:first-of-type button[type=submit]")
    assert "照片只能是 JPEG 或 PNG 格式的图片" in alerts(page)
    out = io.BytesIO()
    Image.new("RGB", (295, 413), (120, 150, 200)).save(out, "JPEG")
    page.set_input_files("#photo", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}])
    page.click("main form:first-of-type button[type=submit]")
    page.wait_for_url(f"{cadre}#photo")
    assert page.locator("#photo img").evaluate("image => image.complete && image.naturalWidth") == 295
    screenshot(page, "registry_cadre_personal")
