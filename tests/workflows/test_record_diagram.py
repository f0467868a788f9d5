"""The 全程纪实表 ends with the case's marked diagram: landscape A4, Chinese labels, never under 6 pt, tiled if wide."""

import io
import re
import subprocess
from html import unescape
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Frame
from reportlab.platypus import PageTemplate
from reportlab.platypus import Paragraph

from tests.workflows import recorded_case
from tests.workflows.test_record_sheet import render
from workflows import diagram
from workflows.record import record_diagram

recorded = recorded_case.recorded
SELECTION = Path(__file__).parents[2] / "bpmn" / "cadre_selection.bpmn"


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of each page, as pdfinfo reads them."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def words(path: Path, first: int, last: int) -> list[tuple[str, float]]:
    """Each word pdftotext finds on pages ``first``..``last`` with the height of its box (about its font size)."""
    read = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(unescape(text), float(y_max) - float(y_min)) for y_min, y_max, text in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', read)]


def text_of(path: Path, first: int, last: int) -> str:
    read = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", read)


def diagram_pages(recorded, case_id: int, folder: Path) -> tuple[Path, list[int], list[tuple[float, float]]]:
    """The record's PDF written to ``folder``, the numbers of its landscape pages, and every page's size."""
    path = folder / f"record-{case_id}.pdf"
    path.write_bytes(render(recorded, case_id, recorded.trusted)[0])
    sizes = page_sizes(path)
    return path, [number for number, (w, h) in enumerate(sizes, start=1) if w > h], sizes


def test_a_finished_selection_prints_its_diagram_on_landscape_pages_after_the_portrait_record(recorded, tmp_path):
    path, landscape, sizes = diagram_pages(recorded, recorded.case_id, tmp_path)
    assert landscape, "no landscape page"
    # The record's own pages stay portrait A4; the diagram's pages come after them, landscape A4.
    assert landscape == list(range(landscape[0], len(sizes) + 1)) and landscape[0] > 1
    assert all(round(w) == 595 and round(h) == 842 for w, h in sizes[:landscape[0] - 1])
    assert all(round(w) == 842 and round(h) == 595 for w, h in sizes[landscape[0] - 1:])
    text = text_of(path, landscape[0], landscape[-1])
    # Task names in the built-in Chinese font (a missing font would print nothing or boxes), the circled step
    # numbers written out as the rest of the record writes them.
    for name in ("(1)分析研判", "书记最后表态", "(7)确定考察对象", "(15)发文任职", "笔试、面试"):
        assert name in text, name
    assert not re.search("[\u2460-\u2473]", text)
    # The caption names the process and the marks; a drawing wider than a page at 6 pt goes over several pages.
    assert "科级干部选拔任用（十六步工作法）" in text
    for mark in ("已完成", "已流经", "待办", "×n"):
        assert mark in text, mark
    count = len(landscape)
    assert count > 1 and all(f"第{n}/{count}页" in text for n in range(1, count + 1))
    # Past the first column each tile names the lanes at its left edge.
    assert "人事组织部门" in text_of(path, landscape[1], landscape[1])
    # No word on the diagram's pages is printed smaller than 6 pt.
    heights = [height for word, height in words(path, landscape[0], landscape[-1]) if word.strip()]
    assert heights and min(heights) >= 6, min(heights)
    # The footer counts the landscape pages with the others.
    assert f"第{len(sizes)}页/共{len(sizes)}页" in text


def open_colour_pixels(path: Path, pages: list[int], folder: Path) -> int:
    """How many pixels of the drawing (below the caption and legend) are in the open task's outline colour."""
    found = 0
    for page in pages:
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                        str(folder / "page")], check=True)
        image = Image.open(folder / "page.png").convert("RGB")
        drawing = image.crop((0, image.height * 15 // 100, image.width, image.height))
        found += sum(count for count, (r, g, b) in drawing.getcolors(1 << 20)
                     if abs(r - 0xe8) < 40 and abs(g - 0x71) < 40 and b < 80)
    return found


def test_the_open_task_of_a_running_case_is_marked_and_a_finished_case_has_none(recorded, tmp_path):
    path, landscape, _ = diagram_pages(recorded, recorded.running_id, tmp_path)
    assert landscape and open_colour_pixels(path, landscape, tmp_path) > 20
    path, landscape, _ = diagram_pages(recorded, recorded.case_id, tmp_path)
    assert open_colour_pixels(path, landscape, tmp_path) == 0


def test_a_drawing_that_fits_keeps_one_page_at_no_more_than_its_natural_size():
    plan = record_diagram.plan(600, 300, smallest_text=11)
    assert (plan.columns, plan.rows) == (1, 1) and plan.scale == record_diagram.NATURAL


def test_a_wide_drawing_splits_into_pages_and_keeps_its_labels_at_6_pt_or_more():
    svg = diagram.render_svg({SELECTION.name: SELECTION.read_text(encoding="utf-8")})
    width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())
    squeezed = record_diagram.FRAME[0] / width  # one page wide, its 11 px labels would be about 1 pt
    assert 11 * squeezed < 6
    plan = record_diagram.plan(width, height, smallest_text=11)
    assert plan.columns > 1 and 11 * plan.scale >= 6
    # The tiles cover the drawing, overlapping a little where they meet.
    frame_width, frame_height = record_diagram.TILE
    assert plan.columns * frame_width - (plan.columns - 1) * record_diagram.OVERLAP >= width * plan.scale - 0.01
    assert plan.rows * frame_height - (plan.rows - 1) * record_diagram.OVERLAP >= height * plan.scale - 0.01
    # Not more pages than the 6 pt labels need.
    assert (plan.columns - 1) * (frame_width - record_diagram.OVERLAP) < width * 6 / 11


def test_a_tall_drawing_splits_into_rows():
    plan = record_diagram.plan(500, 3000, smallest_text=12)
    assert plan.columns == 1 and plan.rows > 1 and 12 * plan.scale >= 6


def test_record_of_a_case_without_a_drawable_diagram_still_prints(recorded, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise record_diagram.DeployError("没有图形", "broken.bpmn")

    monkeypatch.setattr(record_diagram.diagram, "render_svg", refuse)
    path, landscape, _ = diagram_pages(recorded, recorded.case_id, tmp_path)
    assert landscape == [] and "流程图无法绘制" in text_of(path, 1, 9999)



def row_model(tasks: int) -> str:
    """A process of ``tasks`` tasks in one row, 150 px apart, with its diagram: as wide as ``tasks`` makes it."""
    ids = [f"task_{number}" for number in range(tasks)]
    flows = "".join(f'<sequenceFlow id="flow_{n}" sourceRef="{a}" targetRef="{b}"/>'
                    for n, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    shapes = "".join(f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{20 + 150 * n}" y="100" '
                     f'width="100" height="80"/></bpmndi:BPMNShape>' for n, i in enumerate(ids))
    edges = "".join(f'<bpmndi:BPMNEdge id="flow_{n}_di" bpmnElement="flow_{n}"><di:waypoint x="{120 + 150 * n}" '
                    f'y="140"/><di:waypoint x="{170 + 150 * n}" y="140"/></bpmndi:BPMNEdge>' for n in range(tasks - 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs">
  <process id="row" name="一排任务" isExecutable="true">
    {"".join(f'<task id="{i}" name="第{n + 1}项审核⑫"/>' for n, i in enumerate(ids))}{flows}
  </process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="row">{shapes}{edges}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"""


def printed(tasks: int, folder: Path) -> Path:
    """A portrait page, then the crafted model's diagram pages, as the record sheet puts them together."""
    svg = diagram.render_svg({"row.bpmn": row_model(tasks)})
    out = io.BytesIO()
    document = BaseDocTemplate(out, pagesize=A4, invariant=True)
    portrait = Frame(document.leftMargin, document.bottomMargin, document.width, document.height)
    document.addPageTemplates([PageTemplate("portrait", [portrait], pagesize=A4), record_diagram.page_template()])
    document.build([Paragraph("record"), *record_diagram.pages_of(svg, "一排任务")])
    path = folder / f"row-{tasks}.pdf"
    path.write_bytes(out.getvalue())
    return path


def test_a_small_model_fits_one_landscape_page_and_a_wide_one_is_tiled(tmp_path):
    small = printed(3, tmp_path)
    assert [round(w) for w, _ in page_sizes(small)] == [595, 842]
    text = text_of(small, 2, 2)
    assert "流程图：一排任务" in text and "第3项审核(12)" in text and "/1页" not in text
    wide = printed(80, tmp_path)
    sizes = page_sizes(wide)
    assert len(sizes) > 3 and all(round(w) == 842 for w, _ in sizes[1:])
    text = text_of(wide, 2, len(sizes))
    assert all(f"第{n}项审核(12)" in text for n in range(1, 81))
    assert min(height for _, height in words(wide, 2, len(sizes))) >= 6
