"""Hardened XML loading and the static checks a BPMN or DMN file must pass before it is parsed."""

import re

from lxml import etree

from workflows.engine import expression_rewrite
from workflows.engine import expressions
from workflows.errors import DeployError
from workflows.processes.model_elements import located
from workflows.processes.model_elements import refused as located_refusal
from workflows.text import t

MAX_FILE_BYTES = 2 * 1024 * 1024

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20180521/MODEL/",
)

# A timer written as a bare ISO 8601 value: SpiffWorkflow evaluates it as Python and fails later.
_BARE_ISO = re.compile(r"^(R\d*/)?(P(\d|T)|\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def parse_xml(data: bytes, file: str) -> etree._Element:
    """Parse untrusted XML: size cap, no DTD, no entities, no network."""
    if len(data) > MAX_FILE_BYTES:
        raise DeployError(t("文件过大（{size} 字节，上限 {limit} 字节）", size=len(data), limit=MAX_FILE_BYTES), file)
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise DeployError(t("不允许 DOCTYPE 或实体声明（DTD/ENTITY）"), file)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise DeployError(t("XML 格式错误（第 {line} 行）：{error}", line=error.lineno, error=error.msg),
                          file) from None


def _element_id(node: etree._Element) -> str:
    """The id of the element a modeler selects for ``node`` (its event, flow or task), for error messages."""
    element = located(node)
    return element.get("id") if element is not None else "?"


def _check_code(source: str | None, mode: str, file: str, node: etree._Element, what: str,
                count: bool = False) -> None:
    """Refuse ``source`` outside the allow-list (and, for a ``count`` of instances, a number beyond the limit)."""
    if source is None or not source.strip():
        return
    try:
        expressions.check(source, mode)
        problem = expression_rewrite.loop_problem(source) if count else None
        if problem:
            raise expressions.ExpressionRefused(problem)
    except expressions.ExpressionRefused as refused:
        message = t("{what}不被允许：{refused}（{source}）", what=what, refused=refused.args[0],
                    source=source.strip()[:80])
        raise located_refusal(message, file, node) from None


def check_bpmn(root: etree._Element, file: str) -> None:
    """Refuse dangling flows, unquoted timers and any expression outside the allow-list."""
    for process in root.iterfind(".//bpmn:process", NS):
        ids = {el.get("id") for el in process.iter() if el.get("id")}
        for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
            for end in ("sourceRef", "targetRef"):
                if flow.get(end) not in ids:
                    raise located_refusal(t("连线的 {end} 指向不存在的元素 {target}", end=end,
                                            target=repr(flow.get(end))), file, flow)
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        _check_code(node.text, "eval", file, node, t("条件表达式"))
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            text = (node.text or "").strip()
            if _BARE_ISO.match(text):
                raise located_refusal(t("定时器表达式必须加引号，例如 \"{text}\"（表达式按 Python 求值）", text=text),
                                      file, node)
            _check_code(text, "eval", file, node, t("定时器表达式"))
    for node in root.iterfind(".//bpmn:loopCardinality", NS):
        _check_code(node.text, "eval", file, node, t("多实例数量表达式"), count=True)
    for tag in ("completionCondition", "condition"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            _check_code(node.text, "eval", file, node, t("表达式"))
    for node in root.iterfind(".//bpmn:script", NS):
        _check_code(node.text, "exec", file, node, t("脚本"))
    for tag in ("preScript", "postScript"):
        for node in root.iterfind(f".//spiffworkflow:{tag}", NS):
            _check_code(node.text, "exec", file, node, t("脚本"))


def check_dmn(root: etree._Element, file: str) -> None:
    """Refuse DMN cells and input expressions outside the allow-list."""
    namespace = root.tag.split("}")[0].strip("{")
    if namespace not in DMN_NAMESPACES:
        raise DeployError(t("不是 DMN 文件（命名空间 {namespace}）", namespace=namespace), file)
    ns = {"dmn": namespace}
    for node in root.iterfind(".//dmn:inputExpression/dmn:text", ns):
        _check_code(node.text, "eval", file, node, t("DMN 输入表达式"))
    for node in root.iterfind(".//dmn:outputEntry/dmn:text", ns):
        _check_code(node.text, "eval", file, node, t("DMN 输出单元格"))
    for node in root.iterfind(".//dmn:inputEntry/dmn:text", ns):
        text = (node.text or "").strip()
        if text in ("", "-"):
            continue
        # A unary test such as ">= 10" is checked as the comparison it becomes.
        candidate = text.replace("?", "dmninputexpr")
        try:
            expressions.check(candidate)
        except expressions.ExpressionRefused:
            _check_code(f"dmninputexpr {candidate}", "eval", file, node, t("DMN 输入单元格"))
