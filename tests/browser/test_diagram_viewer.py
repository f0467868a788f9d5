"""The case diagram in Chromium (issue 16): readable at 100 %, zoomed by buttons, Ctrl+wheel and keys, panned by
dragging, fitted to the width, shown full screen, lane names kept in view, a legend; without JavaScript the plain
SVG at its own size, scrollable both ways. Screenshots of each packaged model at 100 % and fitted go to
tests/artifacts/case-page-<model>-{100,fit}.png."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.conftest import sign_in
from tests.procedures import rotation_steps
from tests.procedures import second_line_steps
from tests.procedures import selection_steps
from tests.procedures.driver import Bureau
from tests.procedures.driver import beijing
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.diagram import BADGE
from workflows.diagram import COMPLETED
from workflows.diagram import OPEN
from workflows.diagram import TAKEN
from workflows.engine.clock import FixedClock

MODELS = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]
VIEWER = "figure.diagram-viewer"
SCROLL = f"{VIEWER} .diagram-scroll"
SVG = "svg.bpmn-diagram"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A case of each packaged model; the selection walked to its candidates (finished, taken, open, ×2 marks)."""
    folder = tmp_path_factory.mktemp("diagram_viewer")
    clock = FixedClock(beijing("2026-09-01 09:00"))
    app = make_app(f"sqlite:///{folder / 'site.sqlite'}", clock)
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, MODELS)
    selection = selection_steps.start(bureau)
    selection_steps.to_work_plan(selection)
    selection_steps.to_candidates(selection, attended_first=15)  # short of two thirds: ⑥ is held twice
    rotation = rotation_steps.start(bureau, "QP0001")
    second_line = second_line_steps.start(bureau, second_line_steps.place_in_window(bureau, "QP0025"))
    add_user(app, "zhouting", "auditor")
    cases = {"cadre_selection": selection.id, "rotation_approval": rotation.id, "second_line_approval": second_line.id}
    with serving(app) as base:
        yield base, cases
    app.extensions["cadreflow.engine"].dispose()


@pytest.fixture
def case_page(site, page):
    """The organiser on the selection's case page; any script or CSP error in the console fails the test."""
    base, cases = site
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "favicon" not in message.location.get("url", "") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "organiser")
    page.goto(f"{base}/cases/{cases['cadre_selection']}")
    yield page
    assert errors == []


def label_size(page) -> float:
    """The on-screen font size, in CSS px, of the first task's name (its font size times the drawing's scale)."""
    return page.eval_on_selector(f"{SVG} g.bpmn-userTask text",
                                 "text => text.getScreenCTM().a * parseFloat(text.getAttribute('font-size'))")


def scale(page) -> float:
    """How many CSS px one unit of the model's coordinates takes on screen."""
    return page.eval_on_selector(SVG, "svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width")


def scroll_position(page) -> tuple[float, float]:
    return tuple(page.eval_on_selector(SCROLL, "box => [box.scrollLeft, box.scrollTop]"))


def centre_of(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_task_label_is_readable_at_100_percent(case_page):
    shown_scale, size = scale(case_page), label_size(case_page)
    print(f"cadre_selection on the case page: scale {shown_scale:.2f}, a 12 px task label shows at {size:.1f} px")
    assert size >= 11
    assert shown_scale == pytest.approx(1)


def test_the_buttons_zoom_fit_and_reset(case_page):
    toolbar = case_page.locator(f"{VIEWER} .diagram-toolbar")
    assert toolbar.is_visible()
    toolbar.locator("button[data-zoom=in]").click()
    assert scale(case_page) == pytest.approx(1.25)
    assert toolbar.locator(".diagram-zoom-level").inner_text() == "125 %"
    toolbar.locator("button[data-zoom=out]").click()
    toolbar.locator("button[data-zoom=out]").click()
    assert scale(case_page) == pytest.approx(0.8)
    toolbar.locator("button[data-zoom=fit]").click()
    width, viewer_width = case_page.eval_on_selector(
        SCROLL, "box => [box.querySelector('svg').getBoundingClientRect().width, box.clientWidth]")
    print(f"fit to width: scale {scale(case_page):.3f}, diagram {width:.1f} px in a viewer {viewer_width} px wide")
    assert width == pytest.approx(viewer_width, abs=1)
    toolbar.locator("button[data-zoom=reset]").click()
    assert scale(case_page) == pytest.approx(1)
    for button in toolbar.locator("button").all():
        assert button.get_attribute("aria-label")


def test_ctrl_wheel_zooms_and_the_plain_wheel_scrolls(case_page):
    x, y = centre_of(case_page, SCROLL)
    case_page.mouse.move(x, y)
    case_page.mouse.wheel(0, 300)  # a plain wheel scrolls the diagram (then the page), it does not zoom
    case_page.wait_for_function(f"() => document.querySelector('{SCROLL}').scrollTop > 0")
    assert scale(case_page) == pytest.approx(1)
    case_page.keyboard.down("Control")
    case_page.mouse.wheel(0, -200)
    case_page.keyboard.up("Control")
    assert scale(case_page) > 1.1
    zoomed = scale(case_page)
    case_page.keyboard.down("Control")
    case_page.mouse.wheel(0, 400)
    case_page.keyboard.up("Control")
    assert scale(case_page) < zoomed


def test_dragging_pans_and_the_lane_names_stay_in_view(case_page):
    lanes = case_page.locator(f"{VIEWER} .diagram-lanes")
    assert not lanes.is_visible()  # the lane names of the drawing itself show
    x, y = centre_of(case_page, SCROLL)
    case_page.mouse.move(x, y)
    case_page.mouse.down()
    case_page.mouse.move(x - 150, y - 40, steps=5)
    case_page.mouse.move(x - 300, y - 80, steps=5)
    case_page.mouse.up()
    left, top = scroll_position(case_page)
    assert left == pytest.approx(300, abs=2) and top == pytest.approx(80, abs=2)

    drawn = case_page.eval_on_selector_all(f"{SVG} g.bpmn-lane > text", "texts => texts.map(t => t.textContent)")
    shown = lanes.locator(".diagram-lane").all_text_contents()
    assert {re.sub(r"\s", "", name) for name in drawn} <= {re.sub(r"\s", "", name) for name in shown}
    assert lanes.is_visible()
    viewer = case_page.locator(SCROLL).bounding_box()
    boxes = [lane.bounding_box() for lane in lanes.locator(".diagram-lane").all() if lane.is_visible()]
    for box in boxes:  # at the viewer's left edge, inside it
        assert viewer["x"] <= box["x"] < viewer["x"] + 60
        assert viewer["y"] - 1 <= box["y"] and box["y"] + box["height"] <= viewer["y"] + viewer["height"] + 1
    # Beside the middle of the viewer: the pool's name and the name of the lane there.
    assert len([box for box in boxes if box["y"] <= y <= box["y"] + box["height"]]) == 2


def test_the_keys_zoom_and_pan_the_focused_viewer(case_page):
    case_page.focus(SCROLL)
    case_page.keyboard.press("+")
    assert scale(case_page) == pytest.approx(1.25)
    case_page.keyboard.press("-")
    case_page.keyboard.press("-")
    assert scale(case_page) == pytest.approx(0.8)
    case_page.keyboard.press("0")
    assert scale(case_page) == pytest.approx(1)
    case_page.keyboard.press("ArrowRight")
    case_page.keyboard.press("ArrowDown")
    left, top = scroll_position(case_page)
    assert left > 0 and top > 0


def test_full_screen_and_back(case_page):
    case_page.click(f"{VIEWER} button[data-zoom=fullscreen]")
    case_page.wait_for_function("() => document.fullscreenElement !== null || "
                                "document.querySelector('figure.diagram-viewer.is-fullscreen') !== null")
    height = case_page.eval_on_selector(SCROLL, "box => box.clientHeight")
    assert height > 700  # the viewer takes the screen (900 px high) bar the toolbar and the legend
    assert case_page.get_attribute(f"{VIEWER} button[data-zoom=fullscreen]", "aria-pressed") == "true"
    case_page.keyboard.press("Escape")
    # The browser leaves full screen first and tells the page a frame later (fullscreenchange): wait for both.
    case_page.wait_for_function("() => document.fullscreenElement === null && "
                                "document.querySelector('figure.diagram-viewer.is-fullscreen') === null && "
                                "document.querySelector('figure.diagram-viewer button[data-zoom=fullscreen]')"
                                ".getAttribute('aria-pressed') === 'false'")


def legend_colours(page) -> dict[str, list[str]]:
    return page.eval_on_selector_all(
        f"{VIEWER} ul.diagram-legend li",
        "items => Object.fromEntries(items.map(li => [li.dataset.mark, [...li.querySelectorAll('svg *')]"
        ".flatMap(e => [e.getAttribute('stroke'), e.getAttribute('fill')]).filter(c => c && c !== 'none')]))")


def test_the_legend_uses_the_drawing_colours(case_page):
    colours = legend_colours(case_page)
    assert set(colours) == {"completed", "taken", "open", "repeated"}
    assert {COMPLETED.stroke, COMPLETED.fill} <= set(colours["completed"])
    assert {OPEN.stroke, OPEN.fill} <= set(colours["open"])
    assert TAKEN.stroke in colours["taken"] and BADGE in colours["repeated"]
    # The same colours are on the case's marked elements.
    drawn = case_page.eval_on_selector(
        SVG, "svg => [svg.querySelector('g.completed rect, g.completed circle').getAttribute('stroke'),"
             "svg.querySelector('g.open rect').getAttribute('stroke'),"
             "svg.querySelector('g.taken polyline').getAttribute('stroke'),"
             "svg.querySelector('g.count rect').getAttribute('fill')]")
    assert drawn == [COMPLETED.stroke, OPEN.stroke, TAKEN.stroke, BADGE]


def test_without_javascript_the_svg_is_at_its_own_size_and_scrolls(site, browser):
    base, cases = site
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, base, "organiser")
        page.goto(f"{base}/cases/{cases['cadre_selection']}")
        assert label_size(page) == pytest.approx(12)
        natural, shown = page.eval_on_selector(
            SVG, "svg => [svg.viewBox.baseVal.width, svg.getBoundingClientRect().width]")
        assert shown == pytest.approx(natural)
        overflow = page.eval_on_selector(SCROLL, "box => [box.scrollWidth > box.clientWidth,"
                                                 "box.scrollHeight > box.clientHeight]")
        assert overflow == [True, True]
        assert not page.locator(f"{VIEWER} .diagram-toolbar").is_visible()
        assert page.locator(f"{VIEWER} ul.diagram-legend li").count() == 4
        page.eval_on_selector(SCROLL, "box => box.scrollBy(500, 300)")
        assert scroll_position(page) == (500, 300)
    finally:
        context.close()


def test_the_auditor_replays_with_the_same_viewer(site, page):
    base, cases = site
    sign_in(page, base, "zhouting")
    page.goto(f"{base}/audit/cases/{cases['cadre_selection']}")
    assert label_size(page) >= 11
    page.click(f"{VIEWER} button[data-zoom=fit]")
    width, viewer_width = page.eval_on_selector(
        SCROLL, "box => [box.querySelector('svg').getBoundingClientRect().width, box.clientWidth]")
    assert width == pytest.approx(viewer_width, abs=1)
    assert page.locator(f"{VIEWER} ul.diagram-legend li").count() == 4


@pytest.mark.parametrize("model", ["cadre_selection", "rotation_approval", "second_line_approval"])
def test_screenshots_of_each_model_at_100_percent_and_fitted(site, page, model):
    base, cases = site
    sign_in(page, base, "organiser")
    page.goto(f"{base}/cases/{cases[model]}")
    ARTIFACTS.mkdir(exist_ok=True)
    viewer = page.locator(VIEWER)
    assert label_size(page) >= 11
    viewer.screenshot(path=str(ARTIFACTS / f"case-page-{model}-100.png"))
    page.click(f"{VIEWER} button[data-zoom=fit]")
    print(f"{model}: fitted at {scale(page):.2f}, task labels {label_size(page):.1f} px")
    viewer.screenshot(path=str(ARTIFACTS / f"case-page-{model}-fit.png"))
