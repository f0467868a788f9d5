"""bpmn-js (from npm, tests/browser/bpmnjs/) imports each packaged model in Chromium without a warning, and its
rendering of each is kept as tests/artifacts/bpmnjs-<model>.png to compare with cadreflow's own drawing."""

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.procedures.driver import PACKAGED

DIST = Path(__file__).resolve().parent / "bpmnjs" / "node_modules" / "bpmn-js" / "dist"
PROCEDURES = ["cadre_selection", "rotation_approval", "second_line_approval"]
MARGIN = 40  # px around the drawing in the screenshot

# Import the model; answer the warnings and the drawing's extent.
IMPORT = """async (xml) => {
    window.viewer = new BpmnJS({container: '#canvas'});
    const {warnings} = await window.viewer.importXML(xml);
    const box = window.viewer.get('canvas').viewbox().inner;
    return {warnings: warnings.map((warning) => warning.message), box};
}"""

# Size the canvas to the drawing and show it at 100 %.
AT_FULL_SIZE = """([box, margin]) => {
    const canvas = document.querySelector('#canvas');
    canvas.style.width = `${box.width + 2 * margin}px`;
    canvas.style.height = `${box.height + 2 * margin}px`;
    window.viewer.get('canvas').resized();
    window.viewer.get('canvas').viewbox({x: box.x - margin, y: box.y - margin,
                                         width: box.width + 2 * margin, height: box.height + 2 * margin});
}"""


@pytest.fixture
def viewer_page(page):
    """A blank page holding bpmn-js's viewer script and styles, read from disk (the page fetches nothing)."""
    if not (DIST / "bpmn-viewer.production.min.js").exists():
        pytest.fail(f"bpmn-js is not installed in {DIST.parents[2]}: run `make browser` (npm ci)")
    page.route("**/*", lambda route: route.abort())
    page.set_content('<!doctype html><html><body style="margin:0">'
                     '<div id="canvas" style="width:1200px;height:800px"></div></body></html>')
    for sheet in ("diagram-js.css", "bpmn-js.css"):
        page.add_style_tag(path=str(DIST / "assets" / sheet))
    page.add_script_tag(path=str(DIST / "bpmn-viewer.production.min.js"))
    return page


@pytest.mark.parametrize("model", PROCEDURES)
def test_bpmn_js_imports_the_packaged_model_without_warnings(viewer_page, model):
    xml = (PACKAGED / f"{model}.bpmn").read_text(encoding="utf-8")
    imported = viewer_page.evaluate(IMPORT, xml)
    assert imported["warnings"] == [], f"{model}.bpmn: " + "; ".join(imported["warnings"])
    box = imported["box"]
    width, height = round(box["width"]) + 2 * MARGIN, round(box["height"]) + 2 * MARGIN
    viewer_page.set_viewport_size({"width": width, "height": height})
    viewer_page.evaluate(AT_FULL_SIZE, [box, MARGIN])
    ARTIFACTS.mkdir(exist_ok=True)
    viewer_page.locator("#canvas").screenshot(path=str(ARTIFACTS / f"bpmnjs-{model}.png"))
