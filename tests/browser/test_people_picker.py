"""Picking people by name in Chromium: the cadre picker's filter box, then the name (not the code) in the record."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.conftest import sign_in
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.engine.clock import FixedClock
from workflows.registry import cadre_records


@pytest.fixture
def site(tmp_path):
    clock = FixedClock(beijing("2026-09-01 09:00"))
    app = make_app(f"sqlite:///{tmp_path / 'picker.sqlite'}", clock)
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])
    with serving(app) as base:
        yield base, bureau
    app.extensions["cadreflow.engine"].dispose()


def test_a_cadre_picked_by_name_shows_by_name_in_the_record(page, site):
    base, bureau = site
    run = steps.start(bureau)
    steps.to_work_plan(run)
    run.do("work_plan", steps.WORK_PLAN)
    with bureau.sessions() as session:
        picked = cadre_records.find_cadre(session, "QP0003")
        shown = f"{picked.name}（{picked.current_post.section.name} {picked.current_post.title}）"
    sign_in(page, base, "organiser")
    page.goto(f"{base}/inbox")
    page.click("table.tasks a:text-is('④发布职位与资格审查')")
    page.fill("#announced_on", "2026-09-02")
    page.fill("#announcement", "公布数据资源科科长职位及条件")
    # The filter box (there only with scripts) narrows the long list to the name typed.
    box = page.locator("input.picker-filter[data-for=roster]")
    box.fill(picked.name)
    visible = page.locator("#roster label:visible")
    assert visible.count() == 1 and shown[:-1] in visible.inner_text()
    visible.locator("input").check()
    box.fill("")
    screenshot(page, "people_picker_filtered")
    with page.expect_navigation():
        page.click("section.form form.grid button[type=submit]")
    assert run.data()["roster"] == ["QP0003"]  # the value stays the staff number
    page.goto(f"{base}/cases/{run.id}")
    record = page.inner_text("ol.timeline")
    assert shown in record and "QP0003" not in record
    assert re.search("拟任职位所在科室\\s*数据资源科", record)
    screenshot(page, "people_picker_record")
