"""The BPMN 2.0 schema's (XSD's) objection to a file as a cadreflow message: line, element and value."""

import re
import threading

from lxml import etree

from workflows.engine.parser import new_parser
from workflows.errors import DeployError
from workflows.processes.model_elements import at_line
from workflows.processes.model_elements import cleaned
from workflows.processes.model_elements import refused
from workflows.processes.model_elements import short_tag
from workflows.text import joined
from workflows.text import t

# The schema the deploy parser validates with; shared by every parser, it keeps only the log of its last run.
SCHEMA = new_parser().validator.validator
_VALIDATING = threading.Lock()
_HEAD = re.compile(r"Element '(?P<tag>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<text>.*)", re.S)
_NAME = re.compile(r"[A-Za-z_][\w.-]*")  # an NCName: what an xs:ID must look like


def _kind_of(type_name: str) -> str:
    kinds = {"xs:ID": t("标识（ID）"), "xs:IDREF": t("对另一元素 id 的引用"),
             "xs:QName": t("限定名（QName，如 前缀:名称）"), "xs:boolean": t("布尔值（true 或 false）"),
             "xs:integer": t("整数"), "xs:int": t("整数"),
             "xs:double": t("数"), "xs:float": t("数"), "xs:decimal": t("数"), "xs:anyURI": t("URI")}
    return kinds.get(type_name, type_name)


def _tags(listed: str) -> str:
    """``( {ns}a, {ns}b )`` of libxml2 as ``bpmn:a、bpmn:b``; a wildcard as 'extension elements'."""
    names = [t("其他命名空间的扩展元素") if name.startswith("##other") else short_tag(name)
             for name in (part.strip() for part in listed.strip(" ()").split(",")) if name]
    return joined(names, "、")


def _problem(tag: str, attribute: str | None, text: str):
    """The cadreflow sentence for libxml2's ``text`` about ``tag`` (and ``attribute``)."""
    if match := re.match(r"This element is not expected\.(?: Expected is (?:one of )?(\(.*\)))?", text):
        if ":" not in tag:  # another tool's own element, outside its extensionElements
            return t("此处不应出现 {tag}：不属于 BPMN 的内容须放在 bpmn:extensionElements 中", tag=tag)
        if match[1]:
            return t("此处不应出现 {tag}（这里可以出现：{expected}）", tag=tag, expected=_tags(match[1]))
        return t("此处不应出现 {tag}（它应在其他元素之前或根本不属于这里）", tag=tag)
    if match := re.match(r"Missing child element\(s\)\. Expected is (?:one of )?(\(.*\))", text):
        return t("{tag} 缺少子元素（应有：{expected}）", tag=tag, expected=_tags(match[1]))
    if match := re.match(r"The attribute '([^']+)' is not allowed", text):
        return t("{tag} 不能有属性 {attribute}", tag=tag, attribute=match[1])
    if match := re.match(r"The attribute '([^']+)' is required but missing", text):
        return t("{tag} 缺少必需的属性 {attribute}", tag=tag, attribute=match[1])
    if match := re.match(r"'(.*)' is not a valid value of the (?:local )?(?:atomic|list|union) type '([^']+)'", text):
        value, kind = match[1], match[2]
        if attribute == "id" and kind == "xs:ID":
            if _NAME.fullmatch(value):
                return t("id {value} 重复：文件中另有元素用了这个 id，请改成唯一的", value=value)
            return t("id {value} 不合法：须以字母或下划线开头，不能有空格或冒号", value=repr(value))
        if attribute:
            return t("{tag} 的属性 {attribute} 的值 {value} 不是合法的{kind}", tag=tag, attribute=attribute,
                     value=repr(value), kind=_kind_of(kind))
        return t("{tag} 的内容 {value} 不是合法的{kind}", tag=tag, value=repr(value), kind=_kind_of(kind))
    if match := re.match(r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set \{(.*)\}", text):
        return t("{tag} 的 {attribute} 取值 {value} 不在允许的值之中（{allowed}）", tag=tag,
                 attribute=attribute or tag, value=repr(match[1]), allowed=match[2].replace("'", ""))
    if text.startswith("Character content other than whitespace is not allowed"):
        return t("{tag} 中不能直接写文字，只能有子元素", tag=tag)
    if text.startswith("Element content is not allowed"):
        return t("{tag} 中只能写文字，不能有子元素", tag=tag)
    if text.startswith("No matching global declaration available for the validation root"):
        return t("根元素 {tag} 不是 BPMN 2.0 的 definitions（命名空间应为 {namespace}）", tag=tag,
                 namespace="http://www.omg.org/spec/BPMN/20100524/MODEL")
    return t("{tag}：{detail}", tag=tag, detail=cleaned(text))  # an objection not seen yet: libxml2's own words


def _at_path(root, path: str | None):
    """The element libxml2's XPath ``path`` names (its prefixes are the file's own), or None."""
    namespaces = {prefix: uri for node in root.iter() if isinstance(node.tag, str)
                  for prefix, uri in node.nsmap.items() if prefix}
    try:
        found = root.getroottree().xpath(path, namespaces=namespaces) if path else []
    except (etree.XPathError, TypeError, ValueError):
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


def schema_error(root, file: str) -> DeployError | None:
    """The first objection of the BPMN schema to ``root``, or None when the file is valid."""
    with _VALIDATING:
        if SCHEMA.validate(root):
            return None
        entry = SCHEMA.error_log[0]
    match = _HEAD.fullmatch(entry.message.strip())
    if match is None:
        return DeployError(t("第 {line} 行不符合 BPMN 2.0 规范：{problem}", line=entry.line,
                             problem=cleaned(entry.message)), file)
    node = _at_path(root, entry.path)
    if node is None:
        node = at_line(root, entry.line, match["tag"])
    problem = _problem(short_tag(match["tag"]), match["attribute"], " ".join(match["text"].split()))
    return refused(t("第 {line} 行不符合 BPMN 2.0 规范：{problem}", line=entry.line, problem=problem), file, node)
