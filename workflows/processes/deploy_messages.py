"""SpiffWorkflow's refusals of a model as cadreflow's own messages: the file, the element's id and name, the value."""

import re
from dataclasses import dataclass

from workflows.engine.parser import ModelError
from workflows.errors import DeployError
from workflows.processes.model_elements import at_line
from workflows.processes.model_elements import by_id
from workflows.processes.model_elements import cleaned
from workflows.processes.model_elements import label
from workflows.processes.model_elements import local_name
from workflows.processes.model_elements import refused
from workflows.processes.model_elements import short_tag
from workflows.processes.schema_messages import schema_error
from workflows.text import joined
from workflows.text import t

EVENT_REFERENCES = ("messageRef", "signalRef", "errorRef", "escalationRef")
DEFINED_BY_ID = {"Message": "message", "Signal": "signal", "Error": "error", "Escalation": "escalation",
                 "Correlation": "correlationProperty", "Data Store": "dataStore"}


@dataclass
class Where:
    """What an error is about: the file's root, the element SpiffWorkflow named (if any) and the whole bundle."""

    root: object
    node: object
    roots: dict


def _on_element(explain):
    """``explain`` needs the element SpiffWorkflow named; without one the message passes through instead."""
    def explained(match, at: Where):
        return None if at.node is None else explain(match, at)
    return explained


def _children(node, name: str) -> list:
    return [child for child in node.iter() if child is not node and local_name(child) == name]


@_on_element
def _multiple_outgoing(match, at: Where):
    flows = [flow.get("id") for flow in at.root.iter("{*}sequenceFlow") if flow.get("sourceRef") == at.node.get("id")]
    return t("{kind} 只能有一条流出连线，这里有 {count} 条（{flows}）：请在它后面加一个网关来分出多条路径",
             kind=short_tag(at.node.tag), count=len(flows), flows=joined(flows, "、"))


@_on_element
def _timer_without_time(match, at: Where):
    definitions = _children(at.node, "timerEventDefinition")
    written = " ".join("".join(definitions[0].itertext()).split()) if definitions else ""
    if written:
        return t("定时器的时间 {value} 没有写在 timeDate、timeDuration 或 timeCycle 中：请把它放进其中之一",
                 value=repr(written))
    return t("定时器没有写时间：请在定时器定义中写 timeDate、timeDuration 或 timeCycle 之一")


def _resolves(root, reference: str) -> bool:
    """SpiffWorkflow reads a data association only through a data object reference to a data object."""
    target = by_id(root, reference)
    return (target is not None and local_name(target) == "dataObjectReference"
            and by_id(root, target.get("dataObjectRef")) is not None)


@_on_element
def _data_association(match, at: Where):
    end = "sourceRef" if match[1] == "Input" else "targetRef"
    association = t("数据输入关联") if match[1] == "Input" else t("数据输出关联")
    references = [ref.text.strip() for ref in _children(at.node, end) if ref.text and ref.text.strip()
                  and local_name(ref.getparent()) == f"data{match[1]}Association"]
    if not references:
        return None
    reference = next((ref for ref in references if not _resolves(at.root, ref)), references[0])
    target = by_id(at.root, reference)
    if target is None:
        return t("{association}引用的 {reference} 在文件中不存在", association=association, reference=reference)
    return t("{association}引用的 {reference}（{kind}）不能读写：cadreflow 只接受指向本流程"
             "数据对象引用（dataObjectReference）的数据关联", association=association, reference=label(target),
             kind=short_tag(target.tag))


def _data_store(match, at: Where):
    stores = list(at.root.iter("{*}dataStore"))
    at.node = next((store for store in stores if " ".join((store.get("name") or "").split()) == match[1]),
                   stores[0] if stores else None)
    return t("cadreflow 不支持数据存储（dataStore）：请删去它和引用它的数据存储引用、数据关联，数据改用流程变量保存")


@_on_element
def _unlabelled_flow(match, at: Where):
    gateway = by_id(at.root, at.node.get("sourceRef"))
    return t("这条连线从排他网关 {gateway} 流出，既没有条件也不是默认连线："
             "请给它写条件表达式，或把它设为网关的默认连线",
             gateway=label(gateway) if gateway is not None else at.node.get("sourceRef"))


@_on_element
def _dangling_event_reference(match, at: Where):
    for definition in at.node.iter():
        for attribute in EVENT_REFERENCES:
            reference = definition.get(attribute)
            if reference and by_id(at.root, reference) is None:
                return t("事件定义的 {attribute} 指向不存在的 {reference}", attribute=attribute, reference=reference)
    return None


def _not_identified(match, at: Where):
    at.node = next((node for node in at.root.iter(f"{{*}}{DEFINED_BY_ID[match[1]]}") if not node.get("id")), None)
    return t("{kind} 缺少 id", kind="bpmn:" + DEFINED_BY_ID[match[1]])


def _called_process_missing(match, at: Where):
    calls = [node for root in at.roots.values() for node in root.iter("{*}callActivity")
             if node.get("calledElement") == match[1]]
    at.node = calls[0] if calls else at.node
    return t("找不到调用活动要调用的流程 {process}（部署包中的流程：{known}）", process=match[1], known=match[2])


@_on_element
def _loop_reference(match, at: Where):
    reference = "loopDataInputRef" if match[1] == "input" else "loopDataOutputRef"
    values = [node.text.strip() for node in _children(at.node, reference) if node.text]
    return t("多实例的 {reference} 指向 {value}，但任务的输入输出定义（ioSpecification）中没有它",
             reference=reference, value=values[0] if values else "")


# (SpiffWorkflow's message, the cadreflow message or a function making it from the match and the element); the
# function may move ``at.node`` to the element the message is about, and return None when it cannot explain.
RULES = [
    (r"Multiple outgoing flows are not supported for tasks of type", _multiple_outgoing),
    (r"Time Specification Error\. Unknown Time Specification", _timer_without_time),
    (r"Cannot resolve data(Input|Output)Association", _data_association),
    (r"Data Store with name (.*) has no implementation", _data_store),
    (r"Non-default exclusive outgoing sequence flow without condition", _unlabelled_flow),
    (r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
     lambda match, at: t("子流程中须恰有一个开始事件，现有 {count} 个", count=int(match[1]))),
    (r"A SubWorkflow Must contain an End event", lambda match, at: t("子流程中须有结束事件")),
    (r'No "calledElement" attribute', lambda match, at: t("调用活动缺少 calledElement：请写上它要调用的流程的 id")),
    (r"Invalid Script Task\. +No Script Provided", lambda match, at: t("脚本任务没有脚本（bpmn:script）")),
    (r"Duplicate process ID: (.*)", lambda match, at: t("流程 id {process} 重复：部署包中已有这个 id 的流程",
                                                         process=match[1])),
    (r"The process '([^']*)' was not found\. Did you mean one of the following: (.*?)\??$", _called_process_missing),
    (r"No start event found", lambda match, at: t("这个流程没有开始事件")),
    (r"There is no support implemented for this task type", _on_element(
        lambda match, at: t("cadreflow 不支持 {kind} 这类元素", kind=short_tag(at.node.tag)))),
    (r"Process (.+) is not executable", lambda match, at: t(
        "流程 {process} 标为不可执行：被调用的流程须设置 isExecutable=\"true\"", process=match[1])),
    (r"Conditional event definition with missing condition", lambda match, at: t(
        "条件事件缺少条件表达式（bpmn:condition）")),
    (r"Expected an? (Message|Signal|Error|Escalation|error) node", _dangling_event_reference),
    (r"TypeError\(.*raise_validation_exception\(\) got an unexpected keyword argument", _dangling_event_reference),
    (r"Could not find messageRef from message event definition", lambda match, at: t(
        "消息开始事件没有指定消息（messageRef）")),
    (r"(Message|Signal|Error|Escalation|Correlation|Data Store) identifier is missing from bpmn xml", _not_identified),
    (r"Data Store name is missing", lambda match, at: t("数据存储（dataStore）缺少名称")),
    (r"Correlation is missing correlation property retrieval expressions", lambda match, at: t(
        "关联属性缺少取值表达式（correlationPropertyRetrievalExpression）")),
    (r"Message identifier is missing from correlation property", lambda match, at: t(
        "关联属性的取值表达式缺少 messageRef")),
    (r"A loopMaximum or loopCondition must be specified", lambda match, at: t(
        "标准循环须指定 loopMaximum 或 loopCondition")),
    (r"A multiinstance task must specify a cardinality or a loop input", lambda match, at: t(
        "多实例须指定实例数（loopCardinality）或输入集合（loopDataInputRef）")),
    (r"A multiinstance task must specify exactly one of", lambda match, at: t(
        "多实例只能指定实例数（loopCardinality）和输入集合（loopDataInputRef）其中之一")),
    (r"The loop (input|output) data reference is missing from the IO specification", _loop_reference),
    (r"Cancel Events may only be used with transactions", lambda match, at: t(
        "取消事件只能用在事务子流程（transaction）中")),
    (r"Sequential ordering for ad hoc subprocesses not supported", lambda match, at: t(
        "不支持按顺序执行的自由子流程（ordering=\"Sequential\"）")),
    (r"Ad hoc subprocesses may not contain start or end events", lambda match, at: t(
        "自由子流程中不能有开始事件或结束事件")),
    (r"When looking for a task spec, we found two items, .*\((.*)\)", lambda match, at: t(
        "连线指向的 {target} 不是本流程中的流程节点", target=match[1])),
    (r"A Service Task must have an operator", lambda match, at: t(
        "服务任务须指定操作（spiffworkflow:serviceTaskOperator）")),
    (r"No decisions found", lambda match, at: t("DMN 文件中没有决策（decision）")),
    (r"Multiple decision tables are not current supported", lambda match, at: t("一个 DMN 文件只能有一个决策")),
    (r"Unknown type in decision table: '(.*)'", lambda match, at: t(
        "决策表中有不认识的元素 {tag}", tag=short_tag(match[1]))),
    (r"Malformed Output Expression '(.*?)'\. (.*)", lambda match, at: t(
        "决策表的输出表达式 {value} 有误：{detail}", value=match[1], detail=cleaned(match[2]))),
    (r'No DMN Diagram available with id "([^"]*)", Available DMN ids are: (.*)', lambda match, at: t(
        "找不到业务规则任务要用的决策 {decision}（可用的决策：{known}）", decision=match[1], known=match[2])),
]


def model_error(error: ModelError, file: str, roots: dict) -> DeployError:
    """``error`` in cadreflow's words, naming the file and the element (id and name) it is about.

    ``roots`` maps each file of the bundle to its parsed XML. A message not known here passes through, cleaned of
    Python reprs, with its element located.
    """
    file = error.file_name if error.file_name in roots else file
    root = roots.get(file)
    text = " ".join(str(error.args[0] if error.args else error).split())
    if text.startswith("Element '") and root is not None:  # the BPMN schema's objection, through SpiffWorkflow
        found = schema_error(root, file)
        if found is not None:
            return found
    node = by_id(root, error.id) if error.id else at_line(root, error.line_number)
    for pattern, explain in RULES:
        match = re.match(pattern, text)
        at = Where(root, node, roots)
        if match and (root is not None or explain is _called_process_missing):  # the others read the file
            message = explain(match, at)
            if message is not None:
                return refused(message, _file_of(at.node, roots, file), at.node)
    if error.line_number and node is None:
        message = t("模型校验失败（第 {line} 行）：{error}", line=error.line_number, error=cleaned(text))
    else:
        message = t("模型校验失败：{error}", error=cleaned(text))
    return refused(message, file, node)


def _file_of(node, roots: dict, file: str) -> str:
    if node is None:
        return file
    root = node.getroottree().getroot()
    return next((name for name, each in roots.items() if each is root), file)


def no_executable_process(roots: dict) -> DeployError:
    """No process of the bundle may run: name the files, what to do, and the processes they have."""
    files = [name for name in roots if name.endswith(".bpmn")]
    processes = [process.get("id") or "?" for name in files for process in roots[name].iter("{*}process")]
    if not files:
        message = t("没有可执行的流程：部署包中没有 .bpmn 文件")
    elif not processes:
        message = t("没有可执行的流程：文件中没有 bpmn:process（只有协作图或图形）")
    else:
        message = t("没有可执行的流程：文件中的流程 {processes} 都标为不可执行；"
                    "请在要运行的流程上设置 isExecutable=\"true\"",
                    processes=joined(processes, "、"))
    return DeployError(message, "、".join(files or roots) or None)
