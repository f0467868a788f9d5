"""Diagram labels are broken like Chinese text and fit their boxes, measured with the diagram font's own widths."""

import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from workflows.diagram import font_metrics
from workflows.diagram import render_svg
from workflows.diagram.text_layout import text_width
from workflows.diagram.text_layout import wrap

REPO = Path(__file__).resolve().parents[2]
PACKAGED = REPO / "bpmn"
PROCEDURES = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]
SVG = "{http://www.w3.org/2000/svg}"
MODEL = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"

PADDING = 8  # inner padding of a task's name, left and right
ICON = 27  # the task type icons reach 27 px right and down from the task's corner, stroke included (glyphs.py)
MARKERS = 19  # loop and multi-instance markers: 14 px high, 5 px above the task's bottom edge
OUTER_WIDTH = 90  # a name outside its shape without label bounds of its own
CLOSING = set("，。、：；！？）》」』】〉〕”’,.;:!?)]}%…")
PUNCTUATION = CLOSING | set("（《「『【〈〔“‘([{") | {" "}
ICON_KINDS = {"userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask"}
TASKS = ICON_KINDS | {"task", "subProcess", "callActivity"}


def measured(text: str, size: float) -> float:
    """The width of ``text`` in the diagram font, from the advance widths read from the font file."""
    units = 0
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        units += font_metrics.ADVANCES.get(ord(char), font_metrics.IDEOGRAPH if wide else 0.6 * 2048)
    return units / font_metrics.UNITS_PER_EM * size


def is_orphan(line: str) -> bool:
    """A line holding one CJK character, alone or with punctuation."""
    rest = [char for char in line if char not in PUNCTUATION]
    return len(rest) == 1 and unicodedata.east_asian_width(rest[0]) in ("W", "F")


@dataclass
class Label:
    element: str
    kind: str
    name: str
    box: tuple[float, float, float, float]  # the task's bounds, or the label's, or (0, 0, 0, 0)
    markers: bool
    expanded: bool  # an expanded sub-process: its name at the top left, no icon
    size: float
    lines: list[tuple[float, float, str]]  # x, baseline y, text


def bounds(node: etree._Element | None) -> tuple[float, float, float, float]:
    found = node.find(f"{DC}Bounds") if node is not None else None
    if found is None:
        return 0, 0, 0, 0
    return tuple(float(found.get(key)) for key in ("x", "y", "width", "height"))


def labels(name: str) -> list[Label]:
    """Every name the renderer writes for a task, event, gateway or flow of a packaged model, as drawn."""
    data = (PACKAGED / name).read_bytes()
    model = etree.fromstring(data)
    elements = {node.get("id"): node for node in model.iter() if isinstance(node.tag, str) and node.get("id")}
    drawn = etree.fromstring(render_svg({name: data}).encode("utf-8"))
    found = []
    for node in [*model.iter(f"{BPMNDI}BPMNShape"), *model.iter(f"{BPMNDI}BPMNEdge")]:
        element = elements[node.get("bpmnElement")]
        kind = etree.QName(element).localname
        if kind in ("lane", "participant") or not (element.get("name") or "").strip():
            continue
        box = bounds(node) if kind in TASKS else bounds(node.find(f"{BPMNDI}BPMNLabel"))
        markers = any(element.find(f"{MODEL}{loop}") is not None
                      for loop in ("multiInstanceLoopCharacteristics", "standardLoopCharacteristics"))
        (group,) = [g for g in drawn.iter(f"{SVG}g") if g.get("data-element") == element.get("id")]
        texts = [text for text in group.iter(f"{SVG}text") if text.getparent().get("class") != "count"]
        assert len(texts) == 1, f"{element.get('id')}: {len(texts)} texts"
        lines = [(float(span.get("x")), float(span.get("y")), span.text) for span in texts[0].iter(f"{SVG}tspan")]
        expanded = texts[0].get("text-anchor") == "start"
        found.append(Label(element.get("id"), kind, element.get("name"), box, markers, expanded,
                           float(texts[0].get("font-size")), lines))
    return found


ALL = {name: labels(name) for name in PROCEDURES}


def test_the_packaged_models_name_their_tasks():
    tasks = [label for found in ALL.values() for label in found if label.kind in TASKS]
    assert len(tasks) >= 70


@pytest.mark.parametrize("name", PROCEDURES)
def test_no_line_of_a_name_is_a_single_orphan_character(name):
    orphans = [(label.name, [line for *_, line in label.lines]) for label in ALL[name]
               if len(label.lines) > 1 and any(is_orphan(line) for *_, line in label.lines)]
    assert orphans == [], f"{len(orphans)} names with an orphan line"


@pytest.mark.parametrize("name", PROCEDURES)
def test_no_line_starts_with_closing_punctuation(name):
    bad = [(label.name, line) for label in ALL[name] for *_, line in label.lines if line[0] in CLOSING]
    assert bad == []


def room(label: Label) -> float:
    """How wide a line of the label may be."""
    width = label.box[2]
    if label.expanded:
        return width - 20
    if label.kind in TASKS:
        return width - 2 * PADDING
    # The renderer's rule for a name outside its shape: a little wider than the modeller's bounds.
    return max(width * 1.2 + 6, 40) if width > 1 else OUTER_WIDTH


@pytest.mark.parametrize("name", PROCEDURES)
def test_every_line_fits_its_box_inside_the_padding(name):
    too_wide = []
    for label in ALL[name]:
        too_wide += [(label.name, line, round(measured(line, label.size), 1), room(label))
                     for *_, line in label.lines if measured(line, label.size) > room(label) + 0.01]
    assert too_wide == [], f"{len(too_wide)} lines wider than their room"


def jieba_words(text: str) -> list[str]:
    """The words of jieba's dictionary segmentation (no HMM), independent of the renderer's own tokenizer."""
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(logging.CRITICAL)
    return jieba.lcut(text, HMM=False)


def words_cut(label: Label) -> list[tuple[str, str]]:
    """The (line, word) pairs where a line of the drawn name ends inside a word that would fit on a line."""
    lines = [text for *_, text in label.lines]
    ends, position = set(), 0
    for line in lines[:-1]:
        position = label.name.index(line, position) + len(line)
        ends.add(position)
    cut, start = [], 0
    for word in jieba_words(label.name):
        inside = ends & set(range(start + 1, start + len(word)))
        if inside and measured(word, label.size) <= room(label):
            cut.append(("/".join(lines), word))
        start += len(word)
    return cut


@pytest.mark.parametrize("name", PROCEDURES)
def test_no_line_break_falls_inside_a_word_that_fits_on_a_line(name):
    cut = [pair for label in ALL[name] if len(label.lines) > 1 for pair in words_cut(label)]
    assert cut == [], f"{len(cut)} words split over two lines"


def test_task_names_break_between_words():
    assert wrap("⑤酝酿形成工作方案", 84, 12) == ["⑤酝酿形成", "工作方案"]
    assert wrap("⑪个人有关事项查核", 84, 12) in (["⑪个人有关", "事项查核"], ["⑪个人", "有关事项查核"])
    assert wrap("区委组织部审批暂缓", 84, 12) == ["区委组织部", "审批暂缓"]
    lines = wrap("党组会议研究退出领导岗位建议：出席与回避", 104, 12)
    assert lines == ["党组会议研究退出", "领导岗位建议：", "出席与回避"]
    # A word wider than the whole line is still cut, where it must be.
    lines = wrap("中华人民共和国全国人民代表大会", 40, 12)
    assert "".join(lines) == "中华人民共和国全国人民代表大会" and all(text_width(line, 12) <= 40 for line in lines)


def line_box(label: Label, line: tuple[float, float, str]) -> tuple[float, float, float, float]:
    """left, top, right, bottom of a centred line as a browser boxes it (the font's ascent and descent)."""
    x, baseline, text = line
    width = measured(text, label.size)
    scale = label.size / font_metrics.UNITS_PER_EM
    return (x - width / 2, baseline - font_metrics.ASCENT * scale, x + width / 2,
            baseline + font_metrics.DESCENT * scale)


@pytest.mark.parametrize("name", PROCEDURES)
def test_task_names_keep_clear_of_the_icon_and_the_markers(name):
    clashes = []
    for label in ALL[name]:
        if label.kind not in TASKS or label.expanded:
            continue
        x, y, width, height = label.box
        for line in label.lines:
            left, top, right, bottom = line_box(label, line)
            if left < x + PADDING - 0.01 or right > x + width - PADDING + 0.01 or top < y or bottom > y + height:
                clashes.append((label.name, line[2], "outside the padding"))
            if label.kind in ICON_KINDS and left < x + ICON and top < y + ICON:
                clashes.append((label.name, line[2], "over the icon"))
            if label.markers and bottom > y + height - MARKERS:
                clashes.append((label.name, line[2], "over the markers"))
    assert clashes == [], f"{len(clashes)} lines over the icon, the markers or the padding"


def test_the_table_holds_what_the_font_file_says():
    """The shipped table is the generator's output for the installed font (skipped where either is missing)."""
    pytest.importorskip("fontTools")
    generator = pytest.importorskip("tools.font_metrics")
    if not Path(generator.FONT_FILE).is_file():
        pytest.skip(f"{generator.FONT_FILE} is not installed (Debian package fonts-wqy-microhei)")
    shipped = (REPO / "workflows" / "diagram" / "font_metrics.py").read_text(encoding="utf-8")
    assert generator.module_text(generator.FONT_FILE, generator.FAMILY) == shipped, "run `make font-metrics`"
    assert measured("党组", 12) == 24 and 0.25 * 12 < measured("i", 12) < measured("W", 12) < 12
