"""A generated BPMN model of N user tasks in a row, alternating two lanes, for the command-path benchmark."""

FORM = "forms/prepare.json"  # every step uses the two-lane model's first form (tests/data/forms)
EXTENSION = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
             f'name="formJsonSchemaFilename" value="{FORM}"/></spiffworkflow:properties></bpmn:extensionElements>')

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="defs_{pid}" targetNamespace="http://cadreflow.test/bpmn">
  <bpmn:collaboration id="collab_{pid}">
    <bpmn:participant id="pool_{pid}" name="{n} 步顺序流程" processRef="{pid}"/>
  </bpmn:collaboration>
  <bpmn:process id="{pid}" name="{n} 步顺序流程（基准）" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_office" name="personnel_office">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
{office}
      </bpmn:lane>
      <bpmn:lane id="lane_secretary" name="party_secretary">
{secretary}
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f_0</bpmn:outgoing></bpmn:startEvent>
"""


def process_id(steps: int) -> str:
    """The process id of the ``steps``-task model."""
    return f"linear_{steps}"


def task_id(step: int) -> str:
    """The BPMN id of user task number ``step`` (1-based)."""
    return f"step_{step:03d}"


def lane_of(step: int) -> str:
    """The lane (role) of task ``step``: the office and the secretary take turns."""
    return "personnel_office" if step % 2 else "party_secretary"


def linear_bpmn(steps: int) -> bytes:
    """start → step_001 → … → step_N → end, each step a user task with the same form (:data:`FORM`)."""
    pid = process_id(steps)
    refs = {"personnel_office": [], "party_secretary": []}
    body = []
    for step in range(1, steps + 1):
        refs[lane_of(step)].append(f"        <bpmn:flowNodeRef>{task_id(step)}</bpmn:flowNodeRef>")
        body.append(f'    <bpmn:userTask id="{task_id(step)}" name="第 {step} 步">{EXTENSION}'
                    f"<bpmn:incoming>f_{step - 1}</bpmn:incoming><bpmn:outgoing>f_{step}</bpmn:outgoing>"
                    "</bpmn:userTask>")
    body.append(f'    <bpmn:endEvent id="end" name="结束"><bpmn:incoming>f_{steps}</bpmn:incoming></bpmn:endEvent>')
    for step in range(steps + 1):
        source = "start" if step == 0 else task_id(step)
        target = "end" if step == steps else task_id(step + 1)
        body.append(f'    <bpmn:sequenceFlow id="f_{step}" sourceRef="{source}" targetRef="{target}"/>')
    head = HEADER.format(pid=pid, n=steps, office="\n".join(refs["personnel_office"]),
                         secretary="\n".join(refs["party_secretary"]))
    return (head + "\n".join(body) + "\n  </bpmn:process>\n</bpmn:definitions>\n").encode("utf-8")
