"""A tiny BPMN for the expression-size tests: a form, then a script, a gateway condition or a multi-instance task."""

import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from xml.sax.saxutils import escape

from tests.conftest import DATA
from workflows import commands
from workflows.processes import deploy

PROCESS = "size_probe"
PREPARED = {"candidate": "张三", "years_in_post": 3}
PEAK_BYTES = 50 * 1024 * 1024

_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="defs_size_probe" targetNamespace="http://cadreflow.test/bpmn">
  <bpmn:process id="size_probe" name="求值上限（测试）" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_office" name="personnel_office">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>prepare</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>tidy</bpmn:flowNodeRef><bpmn:flowNodeRef>decide</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>again</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="prepare" name="拟定人选">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="forms/prepare.json"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_prepared</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:scriptTask id="tidy" name="整理数据">
      <bpmn:incoming>f_prepared</bpmn:incoming><bpmn:outgoing>f_tidied</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="decide" name="是否再填" default="f_done">
      <bpmn:incoming>f_tidied</bpmn:incoming>
      <bpmn:outgoing>f_again</bpmn:outgoing><bpmn:outgoing>f_done</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:userTask id="again" name="逐人填写">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="forms/prepare.json"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f_again</bpmn:incoming><bpmn:outgoing>f_filled</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="结束">
      <bpmn:incoming>f_done</bpmn:incoming><bpmn:incoming>f_filled</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f_prepared" sourceRef="prepare" targetRef="tidy"/>
    <bpmn:sequenceFlow id="f_tidied" sourceRef="tidy" targetRef="decide"/>
    <bpmn:sequenceFlow id="f_again" name="需要逐人填写" sourceRef="decide" targetRef="again">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_done" sourceRef="decide" targetRef="end"/>
    <bpmn:sequenceFlow id="f_filled" sourceRef="again" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def bundle(script: str = "tidied = True", condition: str = "False", cardinality: str = "2") -> deploy.Bundle:
    """The probe model with these expressions (XML-escaped here), and the form it names."""
    text = _MODEL.format(script=escape(script), condition=escape(condition), cardinality=escape(cardinality))
    return deploy.Bundle({"size_probe.bpmn": text.encode("utf-8"),
                          "forms/prepare.json": (DATA / "forms/prepare.json").read_bytes()})


def deployed(sessions, actor, at, **expressions) -> str:
    """Deploy the probe model through the deploy command; return its process id."""
    with sessions.begin() as session:
        return deploy.deploy(session, bundle(**expressions), actor, at)[0].process_id


def started(sessions, actor, at, process: str) -> tuple[int, str]:
    """A new case of ``process`` and the id of its open ``prepare`` task."""
    with sessions.begin() as session:
        case = commands.start_case(session, actor, at, process, "求值上限")
    return case["id"], case["open_tasks"][0]["id"]


@contextmanager
def peak_memory() -> Callable[[], int]:
    """Trace Python allocations in the body; the yielded function gives the peak in bytes."""
    tracemalloc.start()
    peak = [0]
    try:
        yield lambda: peak[0]
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
