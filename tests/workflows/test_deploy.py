"""Deploy refuses unsafe or broken models naming file and element, stores nothing then, and versions."""

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import ProcessSpec
from tests.conftest import DATA
from workflows import commands
from workflows.commands import triggers
from workflows.engine.expressions import ExpressionRefused
from workflows.engine.expressions import RestrictedEnvironment
from workflows.errors import DeployError
from workflows.processes import deploy
from workflows.processes.xml_checks import MAX_FILE_BYTES

SOURCE = (DATA / "two_lane.bpmn").read_text(encoding="utf-8")
BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each (old, new) replaced; every ``old`` must occur exactly once."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def with_script(script: str) -> str:
    """The fixture with a script task ``tidy`` running ``script`` between prepare and review."""
    task = (f'<bpmn:scriptTask id="tidy" name="整理">\n'
            f'      <bpmn:incoming>f_prepared</bpmn:incoming>\n'
            f'      <bpmn:outgoing>f_tidied</bpmn:outgoing>\n'
            f'      <bpmn:script>{script}</bpmn:script>\n'
            f'    </bpmn:scriptTask>\n    <bpmn:userTask id="review"')
    return edit(
        SOURCE,
        ('<bpmn:flowNodeRef>prepare</bpmn:flowNodeRef>',
         '<bpmn:flowNodeRef>prepare</bpmn:flowNodeRef><bpmn:flowNodeRef>tidy</bpmn:flowNodeRef>'),
        ('<bpmn:userTask id="review"', task),
        ('<bpmn:incoming>f_prepared</bpmn:incoming>\n      <bpmn:outgoing>f_reviewed',
         '<bpmn:incoming>f_tidied</bpmn:incoming>\n      <bpmn:outgoing>f_reviewed'),
        ('targetRef="review"/>',
         'targetRef="tidy"/>\n    <bpmn:sequenceFlow id="f_tidied" sourceRef="tidy" '
         'targetRef="review"/>'))


def write_model(tmp_path, text: str = SOURCE, forms: dict[str, str] | None = None):
    """Write ``text`` as two_lane.bpmn beside a copy of the fixture forms; return its path."""
    shutil.copytree(DATA / "forms", tmp_path / "forms", dirs_exist_ok=True)
    for name, content in (forms or {}).items():
        (tmp_path / "forms" / name).write_text(content, encoding="utf-8")
    path = tmp_path / "two_lane.bpmn"
    path.write_text(text, encoding="utf-8")
    return path


def deploy_paths(sessions, actor, at, *paths) -> list[tuple[int, int]]:
    with sessions.begin() as session:
        stored = deploy.deploy(session, deploy.bundle_from_paths(list(paths)), actor, at)
        return [(row.id, row.version) for row in stored]


def stored_counts(sessions) -> tuple[int, int]:
    with sessions() as session:
        return (session.scalar(select(func.count(ProcessSpec.id))),
                session.scalar(select(func.count(AuditEvent.seq))))


ELEMENT_FAULTS = {
    "import_in_condition": (edit(SOURCE, ("approved == True", "__import__('os') == 0")),
                            "f_approved"),
    "dunder_attribute_in_script_task": (with_script("y = x.__class__"), "tidy"),
    "lambda_in_prescript": (edit(SOURCE, ("approved = None", "approved = (lambda: None)()")),
                            "prepare"),
    "dangling_target_ref": (edit(SOURCE, ('targetRef="review"', 'targetRef="nowhere"')),
                            "f_prepared"),
    # The timer definition is not drawn on its own: the modeler selects its event.
    "unquoted_timer": (edit(SOURCE, ('"P5D"', "PT5S")), "publicity"),
    "user_task_without_form": (edit(SOURCE, (
        '<spiffworkflow:property name="formJsonSchemaFilename" value="forms/review.json"/>', "")),
        "review"),
}


@pytest.mark.parametrize("fault", sorted(ELEMENT_FAULTS))
def test_deploy_refusal_names_file_and_element_and_stores_nothing(sessions, people, clock,
                                                                  tmp_path, fault):
    text, element = ELEMENT_FAULTS[fault]
    path = write_model(tmp_path, text)
    with pytest.raises(DeployError) as caught:
        deploy_paths(sessions, people["organiser"], clock.now(), path)
    assert (caught.value.file, caught.value.element) == ("two_lane.bpmn", element)
    assert stored_counts(sessions) == (0, 0)


FILE_FAULTS = {
    "doctype_entities": ("two_lane.bpmn", edit(SOURCE, (XML_DECLARATION,
                                                        XML_DECLARATION + BILLION_LAUGHS)), {}),
    "over_two_mebibytes": ("two_lane.bpmn", SOURCE + "<!--" + "x" * MAX_FILE_BYTES + "-->\n", {}),
    "form_not_json_schema": ("forms/review.json", SOURCE, {"review.json": '{"type": "objekt"}'}),
    "form_not_json": ("forms/review.json", SOURCE, {"review.json": '{"type": "object",'}),
}


@pytest.mark.parametrize("fault", sorted(FILE_FAULTS))
def test_deploy_refusal_of_a_whole_file_names_it_and_stores_nothing(sessions, people, clock,
                                                                    tmp_path, fault):
    file, text, forms = FILE_FAULTS[fault]
    path = write_model(tmp_path, text, forms)
    with pytest.raises(DeployError) as caught:
        deploy_paths(sessions, people["organiser"], clock.now(), path)
    # These faults belong to the file as a whole, so there is no element to name.
    assert (caught.value.file, caught.value.element) == (file, None)
    assert stored_counts(sessions) == (0, 0)


def test_a_form_refused_once_is_refused_again_and_a_good_one_deploys_after_it(sessions, people, clock, tmp_path):
    # Forms that passed are not checked twice in a process (deploy._check_schema); a refusal is never kept.
    bad = write_model(tmp_path / "bad", forms={"review.json": '{"type": "objekt"}'})
    for _ in range(2):
        with pytest.raises(DeployError, match="JSON Schema"):
            deploy_paths(sessions, people["organiser"], clock.now(), bad)
    good = write_model(tmp_path / "good")
    assert deploy_paths(sessions, people["organiser"], clock.now(), good) == [(1, 1)]
    assert deploy._check_schema.cache_info().hits > 0


def test_deploy_refuses_a_doctype_in_a_bundle_built_in_memory(sessions, people, clock):
    files = {"two_lane.bpmn": (XML_DECLARATION + BILLION_LAUGHS + SOURCE[len(XML_DECLARATION):])
             .encode("utf-8"),
             "forms/prepare.json": (DATA / "forms/prepare.json").read_bytes(),
             "forms/review.json": (DATA / "forms/review.json").read_bytes()}
    with pytest.raises(DeployError) as caught, sessions.begin() as session:
        deploy.deploy(session, deploy.Bundle(files), people["organiser"], clock.now())
    assert caught.value.file == "two_lane.bpmn"
    assert stored_counts(sessions) == (0, 0)


def test_script_task_variant_deploys_when_its_script_is_plain(sessions, people, clock, tmp_path):
    path = write_model(tmp_path, with_script("tidied = True"))
    assert [version for _, version in deploy_paths(sessions, people["organiser"], clock.now(),
                                                   path)] == [1]


def test_deploy_stores_no_process_of_a_bundle_when_a_later_one_is_refused(sessions, people,
                                                                          clock, tmp_path):
    broken = write_model(tmp_path, edit(SOURCE, (
        '<spiffworkflow:property name="formJsonSchemaFilename" value="forms/review.json"/>', "")))
    good = tmp_path / "message_wait.bpmn"
    shutil.copy(DATA / "message_wait.bpmn", good)
    with pytest.raises(DeployError, match="review"):
        deploy_paths(sessions, people["organiser"], clock.now(), good, broken)
    assert stored_counts(sessions) == (0, 0)


def test_deploying_the_same_files_twice_keeps_one_version(sessions, people, clock, tmp_path):
    path = write_model(tmp_path)
    first = deploy_paths(sessions, people["organiser"], clock.now(), path)
    clock.advance(hours=1)
    again = deploy_paths(sessions, people["organiser"], clock.now(), path)
    assert first == again and first[0][1] == 1
    assert stored_counts(sessions) == (1, 1)


def spec_snapshot(sessions, spec_id) -> tuple:
    with sessions() as session:
        row = session.get(ProcessSpec, spec_id)
        return (row.version, row.sha256, row.sources, row.forms, row.task_info, row.spec_json)


def test_changed_file_gets_version_two_and_a_running_case_stays_on_version_one(
        sessions, people, clock, tmp_path):
    organiser, secretary = people["organiser"], people["secretary"]
    path = write_model(tmp_path)
    [(v1_id, _)] = deploy_paths(sessions, organiser, clock.now(), path)
    with sessions.begin() as session:
        old_case = commands.start_case(session, organiser, clock.now(), "two_lane_review", "旧")
    before = spec_snapshot(sessions, v1_id)
    path.write_text(edit(SOURCE, ('"P5D"', '"P3D"'), ("书记审核", "书记复核")), encoding="utf-8")
    clock.advance(hours=1)
    [(v2_id, version)] = deploy_paths(sessions, organiser, clock.now(), path)
    assert (version, spec_snapshot(sessions, v1_id)) == (2, before)
    with sessions.begin() as session:
        new_case = commands.start_case(session, organiser, clock.now(), "two_lane_review", "新")
        prepare = commands.open_tasks(session, old_case["id"])[0].id
        answer = commands.complete_task(session, organiser, clock.now(), prepare,
                                        {"candidate": "Zhang San", "years_in_post": 3})
    assert (new_case["process_version"], answer["process_version"]) == (2, 1)
    assert [task["name"] for task in answer["open_tasks"]] == ["书记审核"]
    approved_at = clock.now()
    with sessions.begin() as session:
        commands.complete_task(session, secretary, approved_at, answer["open_tasks"][0]["id"],
                               {"approved": True, "opinion": "同意"})
        # v1's five-day timer, not v2's three days.
        assert triggers.due_case_ids(session, approved_at + timedelta(days=3, hours=1)) == []
        assert triggers.due_case_ids(session, approved_at + timedelta(days=5, seconds=1)) == [
            old_case["id"]]


@pytest.mark.parametrize(("source", "run"), [
    ("__import__('os')", lambda env, src: env.evaluate(src, {})),
    ("x.__class__", lambda env, src: env.evaluate(src, {"x": 1})),
    ("y = (lambda: 1)()", lambda env, src: env.execute(src, {})),
])
def test_restricted_environment_refuses_code_outside_the_allow_list_at_run_time(sessions, source,
                                                                               run):
    with pytest.raises(ExpressionRefused):
        run(RestrictedEnvironment(), source)


def test_restricted_environment_evaluates_allowed_expressions(sessions):
    assert RestrictedEnvironment().evaluate("approved == True and len(name) > 1",
                                            {"approved": True, "name": "Li"}) is True
