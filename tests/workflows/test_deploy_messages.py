"""Every refusal of a MIWG export names the file and the element (id and name) in cadreflow's own Chinese, no reprs."""

import re
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
import SpiffWorkflow
from lxml import etree

from storage import make_engine
from storage import make_session_factory
from tests.conftest import DATA
from tests.template_db import migrate
from workflows import accounts
from workflows.errors import DeployError
from workflows.processes import deploy

MIWG_FOLDERS = [DATA / "bpmn-miwg", DATA / "bpmn-miwg-tools"]  # the second: exports of further tools, when present
FILES = sorted(path for folder in MIWG_FOLDERS if folder.is_dir() for path in folder.rglob("*.bpmn"))
REPRS = ("0x", "<Element", "object at")
# Python's own SyntaxError texts: an expression's refusal says what is wrong in the reader's language instead.
PYTHON_PHRASES = ("invalid syntax", "was never closed", "unterminated", "unexpected EOF", "invalid character",
                  "unmatched", "expected an indented block")
# What lxml's schema validation says in English; none of it may reach the modeler.
SCHEMA_PHRASES = ("This element is not expected", "is not a valid value of", "is not allowed",
                  "is required but missing", "Missing child element", "Character content other than whitespace",
                  "Element '", "{http")
# A refusal of the whole file has no element to name.
WHOLE_FILE = ("没有可执行的流程", "XML 格式错误")


def spiff_phrases() -> set[str]:
    """The fixed beginnings of SpiffWorkflow's parser messages, read from its source (three words or more)."""
    root = Path(SpiffWorkflow.__file__).parent
    call = re.compile(r"""(?:ValidationException|raise_validation_exception)\(\s*f?(['"])(.+?)\1""", re.S)
    phrases = set()
    for source in [*root.glob("bpmn/parser/*.py"), *root.glob("spiff/parser/*.py"), *root.glob("dmn/parser/*.py")]:
        for _, literal in call.findall(source.read_text(encoding="utf-8")):
            fixed = re.split(r"[{%]", literal)[0].strip(" .:'\"")
            if len(fixed.split()) >= 3:
                phrases.add(fixed)
    return phrases


SPIFF_PHRASES = spiff_phrases()


def test_the_spiffworkflow_phrases_were_found():
    assert {"Multiple outgoing flows are not supported for tasks of type", "Unknown Time Specification",
            "Non-default exclusive outgoing sequence flow without condition"} <= SPIFF_PHRASES


@pytest.fixture(scope="module")
def deployer(tmp_path_factory):
    """A migrated SQLite database and an organiser who deploys; each refusal rolls back."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('miwg') / 'test.sqlite'}")
    migrate(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        actor = accounts.actor_for(accounts.create_user(session, "modeler", ["admin"], password="password-123",
                                                        profile="fast"))
    yield sessions, actor
    engine.dispose()


def refusal(deployer, name: str, data: bytes, **others: bytes) -> DeployError | None:
    """The refusal of ``data`` deployed as ``name`` (with the files ``others``), None when it deploys."""
    sessions, actor = deployer
    with sessions() as session:  # never committed: what a file would store is thrown away
        try:
            deploy.deploy(session, deploy.Bundle({name: data, **others}), actor, datetime(2026, 3, 2, tzinfo=UTC))
        except DeployError as error:
            return error
    return None


def collapsed(text: str) -> str:
    return " ".join(text.split())


def problems(error: DeployError, name: str, data: bytes) -> list[str]:
    """What keeps a modeler from acting on ``error`` (empty when nothing does)."""
    message = str(error)
    found = []
    if name not in message or error.file is None:
        found.append("names no file")
    found += [f"repr {marker!r}" for marker in REPRS if marker in message]
    if "「」" in message:
        found.append("empty name")
    found += [f"English: {phrase!r}" for phrase in sorted(SPIFF_PHRASES | set(SCHEMA_PHRASES) | set(PYTHON_PHRASES))
              if phrase in message]
    if error.element is None:
        # A refusal of the whole file, or of an element without an id that its line number locates.
        if not any(kind in message for kind in WHOLE_FILE) and not re.search(r"第 \d+ 行", message):
            found.append("names no element")
        return found
    if error.element not in message:
        found.append(f"element id {error.element} missing")
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    names = [collapsed(element.get("name") or "") for element in root.xpath("//*[@id=$id]", id=error.element)]
    if not names:
        found.append(f"element {error.element} is not in the file")
    elif all(name and name not in message for name in names):  # (an id given twice: either element's name)
        found.append(f"element name {names[0]!r} missing")
    return found


def executable(data: bytes) -> bytes:
    """The file with every process marked executable, so that SpiffWorkflow reads the whole model."""
    return data.replace(b'isExecutable="false"', b'isExecutable="true"')


def label(path: Path) -> str:
    return str(path.relative_to(DATA))


@pytest.mark.parametrize("variant", ["as exported", "made executable"])
@pytest.mark.parametrize("path", FILES, ids=label)
def test_a_refusal_names_file_and_element_in_cadreflow_words(deployer, path, variant):
    data = path.read_bytes() if variant == "as exported" else executable(path.read_bytes())
    error = refusal(deployer, path.name, data)
    if error is None:
        return  # deployed: nothing to explain
    assert problems(error, path.name, data) == [], str(error)


def test_a_juel_condition_from_another_modeler_is_named_as_such_with_the_python_way_to_write_it(deployer):
    path = DATA / "bpmn-miwg" / "C.1.0.bpmn"  # Camunda-style conditions: ${approved}
    error = refusal(deployer, path.name, executable(path.read_bytes()))
    assert "${approved}" in error.reason and "JUEL" in error.reason and "Python" in error.reason


def test_no_executable_process_names_the_file_what_to_do_and_the_processes(deployer):
    path = DATA / "bpmn-miwg" / "A.1.0.bpmn"
    error = refusal(deployer, path.name, path.read_bytes())
    processes = etree.parse(str(path)).getroot().iterfind("{*}process")
    assert error.file == path.name
    assert 'isExecutable="true"' in error.reason
    assert all(process.get("id") in error.reason for process in processes)


TWO_LANE = (DATA / "two_lane.bpmn").read_text(encoding="utf-8")
FORMS = {f"forms/{name}": (DATA / "forms" / name).read_bytes() for name in ("prepare.json", "review.json")}
TIMER = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P5D"</bpmn:timeDuration>'
REVIEW_OUT = "<bpmn:outgoing>f_reviewed</bpmn:outgoing>"


def edit(*pairs: tuple[str, str]) -> str:
    text = TWO_LANE
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# fault: (the model, the element id and name named, what the reason must say: the offending value, what to do)
FAULTS = {
    "timer_without_time": (edit((TIMER, "")), ("publicity", "公示期"), ["定时器没有写时间", "timeDuration"]),
    "multiple_outgoing_flows": (edit((REVIEW_OUT, REVIEW_OUT + "<bpmn:outgoing>f_skip</bpmn:outgoing>"), (
        '<bpmn:sequenceFlow id="f_back"',
        '<bpmn:sequenceFlow id="f_skip" sourceRef="review" targetRef="publicity"/><bpmn:sequenceFlow id="f_back"')),
        ("review", "书记审核"), ["bpmn:userTask", "2 条", "f_skip", "网关"]),
    "flow_without_condition": (edit(('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">approved == True'
                                     '</bpmn:conditionExpression>', "")), ("f_approved", None),
                               ["decision「是否同意」", "默认连线"]),
    "data_association_to_a_task": (edit((REVIEW_OUT, REVIEW_OUT + '<bpmn:dataInputAssociation id="dia"><bpmn:sourceRef>'
                                                      'start</bpmn:sourceRef><bpmn:targetRef>review</bpmn:targetRef>'
                                                      '</bpmn:dataInputAssociation>')),
                                    ("review", "书记审核"), ["数据输入关联", "start「开始」", "bpmn:startEvent"]),
    "data_store": (edit(("<bpmn:collaboration", '<bpmn:dataStore id="ds" name="人事\n档案"/><bpmn:collaboration')),
                   ("ds", "人事 档案"), ["不支持数据存储"]),
    "missing_called_process": (edit(('<bpmn:userTask id="review" name="书记审核">',
                                     '<bpmn:callActivity id="review" name="书记审核" calledElement="ghost">'),
                                    (REVIEW_OUT + "\n    </bpmn:userTask>", REVIEW_OUT + "</bpmn:callActivity>")),
                               ("review", "书记审核"), ["ghost", "two_lane_review"]),
    "dangling_message_reference": (edit(('<bpmn:timerEventDefinition id="publicity_timer">',
                                         '<bpmn:messageEventDefinition id="m1" messageRef="nomsg"/>'
                                         '<bpmn:timerEventDefinition id="publicity_timer">')),
                                   ("publicity", "公示期"), ["messageRef", "nomsg"]),
    "schema_text_in_timer": (edit((TIMER, "P5D")), ("publicity", "公示期"),
                             ["第 53 行", "BPMN 2.0", "bpmn:timerEventDefinition", "文字"]),
    "schema_boolean": (edit(('isExecutable="true"', 'isExecutable="yes"')), ("two_lane_review", "两级审核（测试）"),
                       ["第 9 行", "isExecutable", "'yes'", "布尔值"]),
    "schema_unknown_attribute": (edit(('<bpmn:userTask id="review"', '<bpmn:userTask foo="1" id="review"')),
                                 ("review", "书记审核"), ["第 36 行", "foo"]),
    "schema_duplicate_id": (edit(('<bpmn:lane id="lane_secretary"', '<bpmn:lane id="lane_office"')),
                            ("lane_office", "party_secretary"), ["第 15 行", "lane_office", "重复"]),
    "schema_unexpected_element": (edit((REVIEW_OUT, REVIEW_OUT + '<geometry x="1"/>')), ("review", "书记审核"),
                                  ["geometry", "bpmn:extensionElements"]),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_spiffworkflow_and_schema_refusals_become_cadreflow_messages(deployer, fault):
    text, (element, name), said = FAULTS[fault]
    error = refusal(deployer, "two_lane.bpmn", text.encode(), **FORMS)
    assert (error.file, error.element, error.element_name) == ("two_lane.bpmn", element, name), str(error)
    assert [part for part in said if part not in error.reason] == [], str(error)
    assert problems(error, "two_lane.bpmn", text.encode()) == [], str(error)


def test_an_unknown_message_passes_through_without_reprs_and_with_its_element():
    from workflows.engine.parser import ModelError
    from workflows.processes.deploy_messages import model_error

    root = etree.fromstring(TWO_LANE.encode())
    error = ModelError("Something new about <Element {http://www.omg.org/spec/BPMN/20100524/MODEL}sourceRef at "
                       "0x7fc3a1> and <SpiffWorkflow.Foo object at 0x7f00>", node=root.find(".//{*}userTask"))
    refused = model_error(error, "two_lane.bpmn", {"two_lane.bpmn": root})
    assert (refused.element, refused.element_name) == ("prepare", "拟定人选")
    assert refused.reason == "模型校验失败：Something new about bpmn:sourceRef and Foo"


def test_a_bundle_without_a_process_says_so_naming_the_file(deployer):
    diagram_only = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"/>'
    error = refusal(deployer, "empty.bpmn", diagram_only)
    assert (error.file, error.element) == ("empty.bpmn", None) and "没有 bpmn:process" in error.reason
