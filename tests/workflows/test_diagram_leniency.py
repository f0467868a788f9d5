"""Lenient drawing: what the renderer skips or repairs in a tool's diagram interchange; the main diagram it picks."""

import pytest
from lxml import etree

from workflows import diagram
from workflows.diagram import render_svg
from workflows.errors import DeployError

SVG = "{http://www.w3.org/2000/svg}"
START = '<bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="20" y="122" width="36" height="36"/>'
TASK = '<bpmndi:BPMNShape id="task_di" bpmnElement="task"><dc:Bounds x="100" y="100" width="100" height="80"/>'
END = '<bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="260" y="122" width="36" height="36"/>'
FLOW_IN = ('<bpmndi:BPMNEdge id="flow_in_di" bpmnElement="flow_in"><di:waypoint x="56" y="140"/>'
           '<di:waypoint x="100" y="140"/>')
FLOW_OUT = ('<bpmndi:BPMNEdge id="flow_out_di" bpmnElement="flow_out"><di:waypoint x="200" y="140"/>'
            '<di:waypoint x="260" y="140"/>')


def model(*, start=START, task=TASK, end=END, flow_in=FLOW_IN, flow_out=FLOW_OUT, extra_plane="",
          more_diagrams="") -> bytes:
    """A start, a task and an end joined by two flows; each DI element (without its closing tag) can be replaced."""
    shapes = "".join(f"{part}</bpmndi:BPMNShape>" for part in (start, task, end) if part)
    edges = "".join(f"{part}</bpmndi:BPMNEdge>" for part in (flow_in, flow_out) if part)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="https://example.org">
  <bpmn:process id="process" name="流程" isExecutable="true">
    <bpmn:startEvent id="start" name="开始"/>
    <bpmn:task id="task" name="办理"/>
    <bpmn:endEvent id="end" name="结束"/>
    <bpmn:sequenceFlow id="flow_in" sourceRef="start" targetRef="task"/>
    <bpmn:sequenceFlow id="flow_out" sourceRef="task" targetRef="end" name="办完"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram" name="主图">
    <bpmndi:BPMNPlane id="plane" bpmnElement="process">{shapes}{edges}</bpmndi:BPMNPlane>{extra_plane}
  </bpmndi:BPMNDiagram>{more_diagrams}
</bpmn:definitions>""".encode()


def drawn_ids(svg: str, kind: str | None = None) -> list[str]:
    root = etree.fromstring(svg.encode("utf-8"))
    return [group.get("data-element") for group in root.iter(f"{SVG}g")
            if group.get("data-kind") and (kind is None or group.get("data-kind") == kind)]


def test_a_well_formed_model_draws_without_warnings():
    drawing = diagram.draw({"x.bpmn": model()})
    assert drawing.warnings == ()
    assert sorted(drawn_ids(drawing.svg)) == ["end", "flow_in", "flow_out", "start", "task"]
    assert drawing.diagram_id == "diagram"
    assert [(choice.id, choice.title, choice.shapes) for choice in drawing.diagrams] == [("diagram", "主图", 3)]
    assert drawing.__html__() == drawing.svg == render_svg({"x.bpmn": model()})


def test_a_di_element_naming_a_missing_model_element_is_skipped_with_a_warning():
    data = model(task=TASK.replace('bpmnElement="task"', 'bpmnElement="ghost"'))
    svg = render_svg({"x.bpmn": data})  # refused before: one dangling DI element threw the whole diagram away
    assert "ghost" not in drawn_ids(svg) and "start" in drawn_ids(svg) and "flow_in" in drawn_ids(svg)
    (warning,) = diagram.draw({"x.bpmn": data}).warnings
    assert "task_di" in warning and "ghost" in warning and "不存在" in warning


@pytest.mark.parametrize("label", ['<dc:Bounds x="-1" y="-1" width="-1" height="-1"/>',  # actiBPM
                                   '<dc:Bounds x="230" y="100" width="40"/>',  # GenMyModel: no height
                                   '<dc:Bounds x="230" y="100" width="NaN" height="14"/>'])
def test_a_bad_label_box_is_ignored_and_the_name_placed_by_default(label):
    data = model(end=END + f"<bpmndi:BPMNLabel>{label}</bpmndi:BPMNLabel>")
    svg = render_svg({"x.bpmn": data})  # refused before
    assert "end" in drawn_ids(svg) and "结束" in svg
    (warning,) = diagram.draw({"x.bpmn": data}).warnings
    assert "end_di" in warning and "标签" in warning


@pytest.mark.parametrize("waypoints", ["", '<di:waypoint x="200" y="140"/>'])
def test_an_edge_without_a_route_is_drawn_straight_between_its_shapes_with_a_warning(waypoints):
    data = model(flow_out=f'<bpmndi:BPMNEdge id="flow_out_di" bpmnElement="flow_out">{waypoints}')
    svg = render_svg({"x.bpmn": data})  # refused before (Open-BPMN writes edges without waypoints)
    root = etree.fromstring(svg.encode("utf-8"))
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("data-element") == "flow_out"]
    line = group.find(f"{SVG}polyline").get("points").split()
    assert line[0] == "200,140"  # from the task's right border towards the end event's left border
    (warning,) = diagram.draw({"x.bpmn": data}).warnings
    assert "flow_out_di" in warning and "cadreflow" in warning


def test_an_edge_without_a_route_whose_ends_are_not_drawn_is_skipped_with_a_warning():
    data = model(end="", flow_out='<bpmndi:BPMNEdge id="flow_out_di" bpmnElement="flow_out">')
    drawing = diagram.draw({"x.bpmn": data})
    assert "flow_out" not in drawn_ids(drawing.svg)
    (warning,) = drawing.warnings
    assert "flow_out_di" in warning and "未绘制" in warning


@pytest.mark.parametrize("broken", [TASK.replace('width="100"', 'width="INF"'),
                                    TASK.replace('x="100"', 'x="abc"'),
                                    TASK.replace('width="100"', 'width="-100"'),
                                    '<bpmndi:BPMNShape id="task_di" bpmnElement="task">'])  # no Bounds
def test_a_shape_with_unusable_bounds_is_skipped_with_a_warning(broken):
    data = model(task=broken)
    svg = render_svg({"x.bpmn": data})  # refused before
    assert "task" not in drawn_ids(svg) and "start" in drawn_ids(svg)
    (warning,) = diagram.draw({"x.bpmn": data}).warnings
    assert "task_di" in warning and "未绘制" in warning


def test_an_edge_with_a_non_finite_waypoint_is_skipped_with_a_warning():
    data = model(flow_in=FLOW_IN.replace('y="140"/><di:waypoint x="100"', 'y="nan"/><di:waypoint x="100"'))
    drawing = diagram.draw({"x.bpmn": data})
    assert "flow_in" not in drawn_ids(drawing.svg)
    (warning,) = drawing.warnings
    assert "flow_in_di" in warning


def test_the_elements_of_a_second_plane_are_drawn_with_a_warning():
    second = ('<bpmndi:BPMNPlane id="plane_2" bpmnElement="process">'
              '<bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="260" y="122" width="36" height="36"/>'
              '</bpmndi:BPMNShape></bpmndi:BPMNPlane>')
    data = model(end="", extra_plane=second)
    svg = render_svg({"x.bpmn": data})
    assert "end" in drawn_ids(svg)  # silently dropped before
    (warning,) = diagram.draw({"x.bpmn": data}).warnings
    assert "plane_2" in warning and "1" in warning


def test_a_file_without_a_diagram_or_with_nothing_drawable_is_refused_naming_the_file():
    without = model().split(b"<bpmndi:BPMNDiagram")[0] + b"</bpmn:definitions>"
    with pytest.raises(DeployError) as refused:
        diagram.draw({"none.bpmn": without})
    assert refused.value.file == "none.bpmn" and "BPMNDiagram" in refused.value.reason
    ghosts = model(start="", end="", flow_in="", flow_out="",
                   task=TASK.replace('bpmnElement="task"', 'bpmnElement="ghost"'))
    with pytest.raises(DeployError) as refused:
        diagram.draw({"ghosts.bpmn": ghosts})
    assert refused.value.file == "ghosts.bpmn" and "无法绘制" in str(refused.value)
    assert "task_di" in str(refused.value)  # the reason says what was skipped


SUB_DIAGRAM = """
  <bpmndi:BPMNDiagram id="{id}" name="{name}">
    <bpmndi:BPMNPlane id="{id}_plane" bpmnElement="{element}">{shapes}</bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>"""


def other_diagram(diagram_id: str, element: str, shapes: int, name: str = "") -> str:
    boxes = "".join(f'<bpmndi:BPMNShape id="{diagram_id}_{n}" bpmnElement="task">'
                    f'<dc:Bounds x="{n * 120}" y="0" width="100" height="80"/></bpmndi:BPMNShape>'
                    for n in range(shapes))
    return SUB_DIAGRAM.format(id=diagram_id, element=element, shapes=boxes, name=name)


def test_the_main_diagram_is_the_process_s_not_a_sub_diagram_listed_first():
    first = other_diagram("sub", "task", 5, "子图")
    data = model().replace(b"<bpmndi:BPMNDiagram id=\"diagram\"",
                           first.encode() + b"<bpmndi:BPMNDiagram id=\"diagram\"", 1)
    drawing = diagram.draw({"x.bpmn": data})
    assert drawing.diagram_id == "diagram"
    assert [(choice.id, choice.shapes) for choice in drawing.diagrams] == [("sub", 5), ("diagram", 3)]
    assert diagram.draw({"x.bpmn": data}, diagram="sub").diagram_id == "sub"  # still drawn when asked for


def test_the_collaboration_s_diagram_comes_before_the_executable_process_s():
    collaboration = ('<bpmn:collaboration id="collab"><bpmn:participant id="pool" processRef="process"/>'
                     '</bpmn:collaboration>')
    data = model(more_diagrams=other_diagram("collab_diagram", "collab", 1))
    data = data.replace(b"<bpmn:process ", collaboration.encode() + b"<bpmn:process ", 1)
    assert diagram.draw({"x.bpmn": data}).diagram_id == "collab_diagram"


def test_without_a_process_plane_the_largest_diagram_is_the_main_one():
    data = model(more_diagrams=other_diagram("big", "task", 4)).replace(b'bpmnElement="process"',
                                                                       b'bpmnElement="task"')
    assert diagram.draw({"x.bpmn": data}).diagram_id == "big"


def test_warnings_are_put_through_translate():
    data = model(task=TASK.replace('bpmnElement="task"', 'bpmnElement="ghost"'))
    (warning,) = diagram.draw({"x.bpmn": data}, translate=lambda text: f"<{getattr(text, 'msgid', text)}>").warnings
    assert warning.startswith("<") and "{di_id}" in warning
