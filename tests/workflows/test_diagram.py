"""The diagram renderer draws every MIWG reference model and packaged procedure, marks progress, escapes text."""

from pathlib import Path

import pytest
from lxml import etree

from workflows.diagram import Marks
from workflows.diagram import draw
from workflows.diagram import render_svg
from workflows.errors import DeployError

REPO = Path(__file__).resolve().parents[2]
# The MIWG reference models travel with the tests, so a clean clone checks them too.
MIWG = Path(__file__).resolve().parents[1] / "data" / "bpmn-miwg"
PACKAGED = REPO / "bpmn"
ARTIFACTS = REPO / "tests" / "artifacts" / "diagrams"  # git-ignored; compare by eye with the MIWG PNGs
PROCEDURES = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]

SVG = "{http://www.w3.org/2000/svg}"
MODEL = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
# A model with no files found still yields one test, so that a missing folder fails instead of skipping.
MIWG_MODELS = sorted(path.name for path in MIWG.glob("*.bpmn")) or ["(no models found)"]


def read_model(folder: Path, name: str) -> bytes:
    if not folder.is_dir():
        pytest.fail(f"the BPMN MIWG reference models are missing: expected the folder {folder}")
    path = folder / name
    if not path.is_file():
        pytest.fail(f"{name} is missing from {folder}")
    return path.read_bytes()


def drawn(svg: str) -> etree._Element:
    """The SVG parsed as XML, after checking it is a standalone SVG with a title and no script."""
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") and root.find(f"{SVG}title") is not None
    assert not list(root.iter(f"{SVG}script", "script"))
    return root


def groups(root: etree._Element, kind: str) -> list[str]:
    return [group.get("data-element") for group in root.iter(f"{SVG}g") if group.get("data-kind") == kind]


def di_ids(diagram: etree._Element, tag: str) -> list[str]:
    """What each BPMNShape or BPMNEdge draws: its bpmnElement, or its own id when it names none."""
    return [node.get("bpmnElement") or node.get("id") for node in diagram.iter(f"{BPMNDI}{tag}")]


def assert_one_group_per_di_element(svg: str, diagram: etree._Element) -> etree._Element:
    root = drawn(svg)
    assert sorted(groups(root, "shape")) == sorted(di_ids(diagram, "BPMNShape"))
    assert sorted(groups(root, "edge")) == sorted(di_ids(diagram, "BPMNEdge"))
    return root


def save(name: str, svg: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(svg, encoding="utf-8")


def test_the_miwg_reference_models_are_there():
    assert MIWG.is_dir(), f"the BPMN MIWG reference models are missing: expected the folder {MIWG}"
    assert len(MIWG_MODELS) >= 20, f"expected the MIWG reference models in {MIWG}, found {MIWG_MODELS}"


@pytest.mark.parametrize("name", MIWG_MODELS)
def test_every_diagram_of_a_miwg_model_is_drawn_with_one_group_per_shape_and_edge(name):
    data = read_model(MIWG, name)
    diagrams = list(etree.fromstring(data).iter(f"{BPMNDI}BPMNDiagram"))
    assert diagrams, f"{name} has no BPMNDiagram"
    stem = name.removesuffix(".bpmn")

    svg = render_svg({name: data})  # the first diagram when none is named
    assert_one_group_per_di_element(svg, diagrams[0])
    if len(diagrams) == 1:
        save(f"{stem}.svg", svg)
    else:
        # Named like the reference PNGs: C.4.0.1.png is the first diagram of C.4.0.
        for number, diagram in enumerate(diagrams, start=1):
            svg = render_svg({name: data}, diagram=diagram.get("id"))
            assert_one_group_per_di_element(svg, diagram)
            save(f"{stem}.{number}.svg", svg)


def test_a_model_given_as_text_is_drawn_whatever_encoding_its_declaration_names():
    data = read_model(MIWG, "A.1.0.bpmn")
    assert b'encoding="ISO-8859-1"' in data
    assert render_svg({"A.1.0.bpmn": data.decode("iso-8859-1")}) == render_svg({"A.1.0.bpmn": data})


@pytest.mark.parametrize("name", PROCEDURES)
def test_a_packaged_procedure_is_drawn_with_pools_and_lanes_behind(name):
    data = read_model(PACKAGED, name)
    diagram = next(etree.fromstring(data).iter(f"{BPMNDI}BPMNDiagram"))
    svg = render_svg({name: data, "form.json": b"{}"}, labels={"personnel_office": "人事组织部门"})
    root = assert_one_group_per_di_element(svg, diagram)
    save(name.replace(".bpmn", ".svg"), svg)

    classes = [group.get("class").split() for group in root.iter(f"{SVG}g") if group.get("data-kind")]
    behind = [index for index, names in enumerate(classes) if {"bpmn-participant", "bpmn-lane"} & set(names)]
    assert behind == list(range(len(behind)))
    if "lane_personnel_office" in groups(root, "shape"):
        assert "人事组织部门" in "".join(root.itertext())
        hover = group_of(root, "lane_personnel_office").find(f"{SVG}title")
        assert hover.text == "人事组织部门"  # the role's title, not its code


def group_of(root: etree._Element, element_id: str) -> etree._Element:
    (group,) = root.xpath("//svg:g[@data-element=$id]", namespaces={"svg": SVG[1:-1]}, id=element_id)
    return group


def test_a_case_s_progress_is_marked_on_the_diagram():
    data = read_model(PACKAGED, "cadre_selection.bpmn")
    model = etree.fromstring(data)
    first_task, second_task = [task.get("id") for task in model.iter(f"{MODEL}userTask")][:2]
    flow = next(model.iter(f"{MODEL}sequenceFlow")).get("id")
    marks = Marks(completed=frozenset({first_task}), taken_flows=frozenset({flow}),
                  open=frozenset({second_task}), counts={first_task: 3, second_task: 1})

    svg = render_svg({"cadre_selection.bpmn": data}, marks)
    root = drawn(svg)
    save("cadre_selection.marked.svg", svg)

    assert "completed" in group_of(root, first_task).get("class").split()
    assert "taken" in group_of(root, flow).get("class").split()
    assert "open" in group_of(root, second_task).get("class").split()
    assert "×3" in "".join(group_of(root, first_task).itertext())
    assert "×" not in "".join(group_of(root, second_task).itertext())  # a count of one is not shown
    unmarked = drawn(render_svg({"cadre_selection.bpmn": data}))
    states = {name for group in unmarked.iter(f"{SVG}g") for name in (group.get("class") or "").split()}
    assert not states & {"completed", "taken", "open", "count"}


def tiny_model(task_name: str = "Task", shape_target: str = "task", bounds: bool = True) -> bytes:
    """A one-task process whose names and DI a test can break."""
    bounds_xml = '<dc:Bounds x="100" y="100" width="100" height="80"/>' if bounds else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="https://example.org">
  <bpmn:process id="process" name="{task_name}">
    <bpmn:startEvent id="start" name="{task_name}"/>
    <bpmn:task id="task" name="{task_name}"/>
    <bpmn:sequenceFlow id="flow" sourceRef="start" targetRef="task" name="{task_name}"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="20" y="122" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="task_di" bpmnElement="{shape_target}">{bounds_xml}</bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_di" bpmnElement="flow"><di:waypoint x="56" y="140"/><di:waypoint x="100" y="140"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>""".encode()


def test_names_from_the_model_are_escaped():
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"  # XML-escaped in the file: <script>... & co
    svg = render_svg({"x.bpmn": tiny_model(hostile)})
    root = drawn(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; co" in svg
    assert "<script>alert(1)</script> & co" in "".join(group_of(root, "task").itertext())
    assert root.findtext(f"{SVG}title") == "<script>alert(1)</script> & co"


def test_a_shape_for_a_missing_element_or_without_bounds_is_left_out_with_a_warning_naming_it():
    # Refused the whole file before; tests/workflows/test_diagram_leniency.py holds each rule.
    dangling = draw({"broken.bpmn": tiny_model(shape_target="ghost")})
    assert "task_di" in dangling.warnings[0] and "ghost" in dangling.warnings[0] and "不存在" in dangling.warnings[0]
    assert "ghost" not in groups(drawn(dangling.svg), "shape")
    unbounded = draw({"broken.bpmn": tiny_model(bounds=False)})
    assert "task_di" in unbounded.warnings[0] and "Bounds" in unbounded.warnings[0]
    assert "task" not in groups(drawn(unbounded.svg), "shape")


def test_an_unknown_diagram_or_no_bpmn_file_is_refused():
    with pytest.raises(DeployError, match="diagram_2"):
        render_svg({"x.bpmn": tiny_model()}, diagram="diagram_2")
    with pytest.raises(DeployError, match="BPMN"):
        render_svg({"form.json": b"{}"})
    with pytest.raises(DeployError, match="XML"):
        render_svg({"x.bpmn": b"<bpmn:definitions"})
