"""The packaged procedures are valid BPMN 2.0 with a diagram for every element, and deploy as they are."""

from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from workflows.actors import LANE_ROLES
from workflows.processes import deploy

PACKAGED = Path(__file__).resolve().parents[2] / "bpmn"
MODEL = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
WAYPOINT = "{http://www.omg.org/spec/DD/20100524/DI}waypoint"
PROCEDURES = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]
# Elements a modeler draws: every flow node, flow, lane and the pool; not definitions or data items.
DRAWN = {"startEvent", "endEvent", "userTask", "scriptTask", "serviceTask", "businessRuleTask", "task",
         "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "intermediateCatchEvent",
         "intermediateThrowEvent", "boundaryEvent", "subProcess", "callActivity", "sequenceFlow", "lane",
         "participant"}


def packaged(name: str) -> etree._Element:
    path = PACKAGED / name
    if not path.exists():
        pytest.fail(f"{name} is missing from bpmn/")
    return etree.parse(str(path)).getroot()


@pytest.mark.parametrize("name", PROCEDURES)
def test_the_model_passes_the_bpmn_schema(name):
    VALIDATOR.validate(packaged(name), name)  # raises ValidationException naming the line


@pytest.mark.parametrize("name", PROCEDURES)
def test_every_element_has_exactly_one_diagram_shape_or_edge(name):
    root = packaged(name)
    drawn = [el.get("id") for el in root.iter() if isinstance(el.tag, str)
             and el.tag.startswith(MODEL) and el.tag[len(MODEL):] in DRAWN]
    shown = [el.get("bpmnElement") for el in root.iter(f"{DI}BPMNShape", f"{DI}BPMNEdge")]
    assert sorted(set(drawn) - set(shown)) == []
    assert sorted(set(shown) - set(drawn)) == []
    assert len(shown) == len(set(shown)), "an element is drawn twice"
    for edge in root.iter(f"{DI}BPMNEdge"):
        assert len(edge.findall(WAYPOINT)) >= 2, edge.get("bpmnElement")


@pytest.mark.parametrize("name", PROCEDURES)
def test_lanes_are_roles_and_every_user_task_has_a_chinese_form(name):
    bundle = deploy.bundle_from_paths([PACKAGED / name])
    lanes = {lane.get("name") for lane in packaged(name).iter(f"{MODEL}lane")}
    assert lanes <= set(LANE_ROLES)
    forms = deploy._load_forms(bundle)
    parser, (process_id,) = deploy.parse(bundle)
    task_forms, task_info = deploy._task_tables(parser.get_spec(process_id), parser.get_subprocess_specs(process_id),
                                                forms, name)
    users = [bpmn_id for bpmn_id, info in task_info.items() if info["kind"] == "user"]
    assert users and set(users) <= set(task_forms)
    for bpmn_id in users:
        schema = task_forms[bpmn_id]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in schema["title"]), bpmn_id
        for field, prop in schema["properties"].items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in prop.get("title", "")), f"{bpmn_id}.{field}"
