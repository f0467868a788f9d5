"""The registry in a real browser: the structure dashboard with the seed's targets, the scans, the list."""

import re
from datetime import UTC
from datetime import datetime

import pytest

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
    add_user(app, "lihua", "party_secretary")
    with serving(app) as base:
        yield base
    app.extensions["cadreflow.engine"].dispose()


def test_structure_dashboard_shows_each_target_beside_the_demo_value(page, demo_site):
    sign_in(page, demo_site, "wangmin")
    page.click("text=干部信息库")
    page.click("text=结构分析")
    chart = page.locator("#structure-chart")
    assert chart.is_visible()
    assert page.locator("#structure-chart rect.metric-bar").count() >= 5
    assert page.locator("#structure-chart line.metric-target").count() == 5  # the five numbered targets
    rows = page.locator("#structure-table tbody tr")
    assert rows.count() == 7
    table = page.inner_text("#structure-table")
    for target in ("≥ 35%", "≥ 89%", "≥ 43%", "≥ 52%", "≥ 25%"):
        assert target in table
    assert "一定比例" in table
    values = re.findall(r"(\d+\.\d)%\s+(\d+)/(\d+)", table)
    assert values and all(int(den) > 0 for _value, _num, den in values[:5])
    assert "差距" in table  # the demo bureau misses at least one target
    box = chart.bounding_box()
    assert box["width"] > 500 and box["height"] > 200
    screenshot(page, "registry_structure_dashboard")


def test_scan_page_lists_every_kind_with_its_grounds(page, demo_site):
    sign_in(page, demo_site, "wangmin")
    page.goto(f"{demo_site}/registry/scan")
    for kind in ("rotation", "second_line", "promotion_priority", "section_penalty"):
        assert page.locator(f"#scan-{kind} tbody tr").count() >= 1, kind
    assert "已满" in page.inner_text("#scan-rotation")
    screenshot(page, "registry_scan")


def test_registry_list_filters_and_opens_a_cadre(page, demo_site):
    sign_in(page, demo_site, "wangmin")
    page.goto(f"{demo_site}/registry")
    page.select_option("select[name=level]", "section_chief")
    page.click("form.filters button[type=submit]")
    assert page.inner_text("h1 .count") == "10"
    page.locator("table.tasks tbody tr td a").first.click()
    assert "任职经历" in page.inner_text("main")
    screenshot(page, "registry_cadre_detail")


def test_a_party_secretary_cannot_open_the_registry(page, demo_site):
    sign_in(page, demo_site, "lihua")
    response = page.goto(f"{demo_site}/registry/structure")
    assert response.status == 403
    assert "干部信息库" not in page.inner_text("header")
