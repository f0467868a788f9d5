"""Task names as Chromium draws them (issue 16): inside their task, clear of the type icon and the markers, and as
wide as the font table predicts (the widths are measured, not estimated). Screenshots of each packaged model go to
tests/artifacts/diagram-labels-<model>.jpg."""

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from workflows.diagram import render_svg
from workflows.diagram.text_layout import text_width

PACKAGED = Path(__file__).resolve().parents[2] / "bpmn"
MODELS = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]
TASK_KINDS = ["task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
              "receiveTask", "callActivity", "subProcess"]
TOLERANCE = 0.08  # how far Chromium's width of a line may be from the table's prediction

# Each task's box, icon and markers, and each line of its name with its box and Chromium's width, in page px.
MEASURE = """kinds => {
  // On the page (the drawing is at 100 %): getBBox() would give the icon in its own translated coordinates.
  const box = element => { const b = element.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const selector = kinds.map(kind => `g.bpmn-${kind}[data-kind=shape]`).join(",");
  return [...document.querySelectorAll(selector)].map(group => {
    const text = group.querySelector(":scope > text");
    const icon = group.querySelector("g.icon"), markers = group.querySelector("g.markers");
    return {
      id: group.dataset.element,
      expanded: text !== null && text.getAttribute("text-anchor") === "start",
      task: box(group.querySelector(":scope > rect")),
      icon: icon && box(icon),
      markers: markers && box(markers),
      size: text && parseFloat(text.getAttribute("font-size")),
      lines: text ? [...text.querySelectorAll("tspan")].map(span => ({
        text: span.textContent, box: box(span), width: span.getComputedTextLength()})) : [],
    };
  });
}"""
# Every line of every name in the drawing (lanes, events, flows too), with the font size of its text.
EVERY_LINE = """() => [...document.querySelectorAll("svg.bpmn-diagram tspan")].map(span => ({
  text: span.textContent, width: span.getComputedTextLength(),
  size: parseFloat(span.closest("text").getAttribute("font-size"))}))"""


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize("model", MODELS)
def test_task_names_lie_inside_their_task_clear_of_the_icon_and_as_wide_as_predicted(page, model):
    # The lanes keep their role codes (Latin letters, underscores), two get mixed titles (kerned "WAVY"): measured too.
    titles = {"party_group": "Party group 党组 (No. 1)", "discipline": "Discipline inspection, WAVY text"}
    svg = render_svg({model: (PACKAGED / model).read_bytes()}, labels=titles)
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    tasks = page.evaluate(MEASURE, TASK_KINDS)
    every_line = page.evaluate(EVERY_LINE)
    screenshot(page, f"diagram-labels-{model.removesuffix('.bpmn')}")

    assert len(tasks) >= 10 and sum(len(task["lines"]) for task in tasks) >= 10
    problems, worst = [], (0.0, "")
    for line in every_line:
        predicted = text_width(line["text"], line["size"])
        error = abs(line["width"] - predicted) / predicted
        worst = max(worst, (error, line["text"]))
        if error > TOLERANCE:
            problems.append((line["text"], "width", round(line["width"], 2), round(predicted, 2)))
    for task in tasks:
        for line in task["lines"]:
            if not inside(line["box"], task["task"]):
                problems.append((task["id"], line["text"], "outside the task", line["box"], task["task"]))
            if task["icon"] and overlaps(line["box"], task["icon"]):
                problems.append((task["id"], line["text"], "over the icon", line["box"], task["icon"]))
            if task["markers"] and overlaps(line["box"], task["markers"]):
                problems.append((task["id"], line["text"], "over the markers", line["box"], task["markers"]))
            if not task["expanded"] and line["width"] > task["task"][2] - task["task"][0] - 16 + 0.5:
                problems.append((task["id"], line["text"], "inside the 8 px padding", line["width"]))
    print(f"{model}: {len(tasks)} tasks, {len(every_line)} lines, largest width error {worst[0]:.3%} ({worst[1]})")
    assert problems == []
