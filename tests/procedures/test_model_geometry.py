"""The packaged models are laid out cleanly (issue 16): no edge through a shape, no label over a shape, a label
or a lane line, edges in horizontal and vertical runs on their shapes' borders, no empty lane, lanes in procedure
order (tests/procedures/model_geometry.py defines each rule); and the checker finds each defect it looks for."""

import pytest
from lxml import etree

from tests.procedures import model_geometry
from tests.procedures.driver import PACKAGED

MODELS: list[str] = []
PROCEDURES = ["cadre_selection.bpmn", "rotation_approval.bpmn", "second_line_approval.bpmn"]


@pytest.mark.parametrize("name", PROCEDURES)
def test_the_packaged_model_is_drawn_cleanly(name):
    problems = model_geometry.problems(PACKAGED / name)
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def _di(root, element: str):
    return root.find(f".//*[@bpmnElement='{element}']")


def _move(root, element: str, **changes):
    bounds = _di(root, element).find("{*}Bounds")
    for key, value in changes.items():
        bounds.set(key, str(value))


def _move_label(root, element: str, x: float, y: float):
    bounds = _di(root, element).find("{*}BPMNLabel/{*}Bounds")
    bounds.set("x", str(x))
    bounds.set("y", str(y))


def _waypoints(root, flow: str):
    return _di(root, flow).findall("{*}waypoint")


def _task_on_an_edge(root):
    first, second = _waypoints(root, "f_meeting_held")[:2]
    x = (float(first.get("x")) + float(second.get("x"))) / 2
    y = (float(first.get("y")) + float(second.get("y"))) / 2
    _move(root, "tally_vote", x=x - 5, y=y - 5, width=10, height=10)


def _diagonal(root):
    last = _waypoints(root, "f_meeting_held")[-1]
    last.set("y", str(float(last.get("y")) + 7))


def _off_the_border(root):
    points = _waypoints(root, "f_meeting_held")
    for point in points[-2:]:
        point.set("x" if points[-2].get("y") == points[-1].get("y") else "y", "0")


def _labels_on_each_other(root):
    bounds = _di(root, "f_meeting_quorum").find("{*}BPMNLabel/{*}Bounds")
    _move_label(root, "gw_meeting_quorum", float(bounds.get("x")), float(bounds.get("y")))


def _label_across_a_lane_line(root):
    lane = _di(root, "lane_party_secretary").find("{*}Bounds")
    label = _di(root, "gw_meeting_quorum").find("{*}BPMNLabel/{*}Bounds")
    _move_label(root, "gw_meeting_quorum", float(label.get("x")), float(lane.get("y")) - 5)


def _no_label_bounds(root):
    label = _di(root, "f_meeting_no_quorum").find("{*}BPMNLabel")
    label.getparent().remove(label)


def _lanes_swapped(root):
    first, second = (_di(root, lane).find("{*}Bounds") for lane in ("lane_personnel_office", "lane_party_secretary"))
    first_y, second_y = first.get("y"), second.get("y")
    first.set("y", second_y)
    second.set("y", first_y)


def _empty_lane(root):
    lane = root.find(".//{*}lane[@id='lane_party_group']")
    for ref in lane.findall("{*}flowNodeRef"):
        lane.remove(ref)


DEFECTS = {
    "edge through a shape": (_task_on_an_edge, "f_meeting_held: segment", "crosses tally_vote"),
    "diagonal edge": (_diagonal, "f_meeting_held: segment", "neither horizontal nor vertical"),
    "edge off its shape": (_off_the_border, "f_meeting_held: waypoint", "is not on the border of meeting_attendance"),
    "labels on each other": (_labels_on_each_other, "f_meeting_quorum: label", "the label of gw_meeting_quorum"),
    "label across a lane line": (_label_across_a_lane_line, "gw_meeting_quorum: label", "border of lane_"),
    "name without label bounds": (_no_label_bounds, "f_meeting_no_quorum: named", "has no label bounds"),
    "lanes out of order": (_lanes_swapped, "lanes drawn as lane_party_secretary, ", "order is lane_personnel_office"),
    "empty lane": (_empty_lane, "lane_party_group: lane holds no flow node", ""),
}


@pytest.mark.parametrize("defect", DEFECTS)
@pytest.mark.parametrize("name", PROCEDURES)
def test_the_checker_finds_a_defect_named_by_file_and_element(name, defect):
    alter, where, what = DEFECTS[defect]
    root = etree.parse(str(PACKAGED / name)).getroot()
    alter(root)
    found = [problem for problem in model_geometry.problems(root) if where in problem and what in problem]
    assert found and all(problem.startswith("model.bpmn: ") for problem in found)
