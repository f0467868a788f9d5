"""Find the element of a BPMN/DMN file an error is about; write its id, name and tag as a modeler reads them."""

import re

from lxml import etree

from workflows.errors import DeployError

PREFIXES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow",
}
# Parts of an element that a modeler does not select on their own: an error in one is shown on its element.
INNER = {"conditionExpression", "formalExpression", "expression", "timeDate", "timeDuration", "timeCycle", "script",
         "loopCardinality", "completionCondition", "condition", "multiInstanceLoopCharacteristics",
         "standardLoopCharacteristics", "ioSpecification", "inputSet", "outputSet", "dataInput", "dataOutput",
         "extensionElements", "documentation", "incoming", "outgoing", "sourceRef", "targetRef"}
_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")
_LXML_REPR = re.compile(r"<Element (\{[^}]*\}[\w.-]+|[\w.:-]+) at 0x[0-9a-fA-F]+>")
_OBJECT_REPR = re.compile(r"<(?:[\w.]+\.)?([\w]+) object at 0x[0-9a-fA-F]+>")


def local_name(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def short_tag(tag: str) -> str:
    """``{BPMN model namespace}task`` as ``bpmn:task``; an element of another namespace by its local name."""
    match = _CLARK.fullmatch(tag)
    if not match:
        return tag
    prefix = PREFIXES.get(match[1])
    return f"{prefix}:{match[2]}" if prefix else match[2]


def cleaned(text: str) -> str:
    """``text`` on one line, without Python reprs and memory addresses, namespaces shortened."""
    text = _LXML_REPR.sub(lambda match: short_tag(match[1]), text)
    text = _OBJECT_REPR.sub(lambda match: match[1], text)
    text = re.sub(r"\s*\bat 0x[0-9a-fA-F]+", "", text)
    text = _CLARK.sub(lambda match: short_tag(match[0]), text)
    return " ".join(text.split()).strip(" .")


def located(node):
    """The element a modeler would select for ``node``: itself or the nearest enclosing element with an id."""
    while node is not None:
        name = local_name(node)
        if node.get("id") and name not in INNER and not name.endswith("EventDefinition"):
            return node
        node = node.getparent()
    return None


def by_id(root, element_id: str | None):
    """The element of ``root`` whose id is ``element_id`` (None when there is none)."""
    if root is None or not element_id:
        return None
    return next(iter(root.xpath("//*[@id=$id]", id=element_id)), None)


def at_line(root, line, tag: str | None = None):
    """The innermost element starting on ``line`` (of tag ``tag`` when given)."""
    if root is None or not str(line or "").isdigit():
        return None
    found = [node for node in root.iter() if isinstance(node.tag, str) and node.sourceline == int(line)
             and (tag is None or node.tag == tag)]
    return found[-1] if found else None


def label(node) -> str:
    """``id「name」`` (or the id alone) of an element a message refers to besides its own."""
    name = " ".join((node.get("name") or "").split())
    return f"{node.get('id')}「{name}」" if name else node.get("id") or short_tag(node.tag)


def refused(message: str, file: str | None, node) -> DeployError:
    """The refusal ``message`` for ``file``, naming the element ``node`` belongs to (id and name)."""
    element = located(node) if node is not None else None
    if element is None:
        return DeployError(message, file)
    return DeployError(message, file, element.get("id"), element.get("name"))
