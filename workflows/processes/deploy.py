"""Deploy process definitions: validate BPMN, DMN and forms, then store an immutable, hashed version."""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ProcessSpec
from workflows import engine
from workflows.actors import Actor
from workflows.engine.parser import ModelError
from workflows.engine.parser import new_parser
from workflows.errors import DeployError
from workflows.forms import form_checks
from workflows.processes import case_outcome
from workflows.processes import case_subject
from workflows.processes.deploy_messages import model_error
from workflows.processes.deploy_messages import no_executable_process
from workflows.processes.xml_checks import check_bpmn
from workflows.processes.xml_checks import check_dmn
from workflows.processes.xml_checks import parse_xml
from workflows.record import audit
from workflows.record.canonical import digest
from workflows.text import joined
from workflows.text import t

FORM_PROPERTY = "formJsonSchemaFilename"
ASSIGNEE_PROPERTY = "assigneeVariable"
EFFECT_PROPERTY = "registryEffect"
DUE_PROPERTY = "dueWorkingDays"  # a user task's deadline in working days from the day after it opens
# The registry changes a model may ask for (workflows.registry_effects); checked here so that a typo is
# refused at deploy time, not discovered when a case reaches the element.
KNOWN_EFFECTS = ("rotation.completed", "rotation.demoted", "second_line.exit", "appointment.made",
                 "probation.confirmed", "probation.failed")


@dataclass
class Bundle:
    """The files of one deployment: {name: bytes} for BPMN, DMN and the forms they name."""

    files: dict[str, bytes]


def bundle_from_paths(paths: list[Path]) -> Bundle:
    """Read BPMN/DMN files and every form file their user tasks name (resolved beside the BPMN)."""
    files: dict[str, bytes] = {}
    for path in paths:
        if not path.is_file():
            raise DeployError(t("文件不存在"), str(path))
        data = path.read_bytes()
        files[path.name] = data
        if path.suffix == ".bpmn":
            root = parse_xml(data, path.name)
            for name in _form_names(root):
                form_path = path.parent / name
                if not form_path.is_file():
                    raise DeployError(t("表单文件 {name} 不存在（应在 {path}）", name=name, path=str(form_path)),
                                      path.name)
                files[name] = form_path.read_bytes()
    return Bundle(files)


def _form_names(root) -> set[str]:
    xpath = f".//{{*}}property[@name='{FORM_PROPERTY}']"
    return {node.get("value") for node in root.iterfind(xpath) if node.get("value")}


def _load_forms(bundle: Bundle) -> dict[str, dict]:
    forms = {}
    for name, data in bundle.files.items():
        if name.endswith(".json"):
            try:
                schema = json.loads(data.decode("utf-8"))
                _check_schema(data)
            except (UnicodeDecodeError, ValueError) as error:
                raise DeployError(t("表单不是合法的 JSON：{error}", error=str(error)), name) from None
            except SchemaError as error:
                raise DeployError(t("表单不是合法的 JSON Schema：{error}", error=error.message), name) from None
            problems = form_checks.schema_problems(schema)
            if problems:
                raise DeployError(t("表单的校验规则有误：{problems}", problems=joined(problems)), name)
            forms[name] = schema
    return forms


@lru_cache(maxsize=256)
def _check_schema(data: bytes) -> None:
    """Raise SchemaError unless the form file ``data`` is a JSON Schema; a file that passed once is not checked again.

    The check against the metaschema costs ~3 ms a form, 0.18 s for the bundled models' 56 forms: most of a
    deploy, and a deploy of unchanged files sends the same forms again (a refusal is not kept: it raises).
    """
    Draft202012Validator.check_schema(json.loads(data))


def parse(bundle: Bundle) -> tuple[object, list[str]]:
    parser = new_parser()
    process_ids: list[str] = []
    roots = {}
    for name, data in bundle.files.items():
        if name.endswith(".json"):
            continue
        root = roots[name] = parse_xml(data, name)
        try:
            if name.endswith(".dmn"):
                check_dmn(root, name)
                parser.add_dmn_xml(root, name)
            elif name.endswith(".bpmn"):
                check_bpmn(root, name)
                parser.add_bpmn_xml(root, name)
                process_ids += [p.get("id") for p in root.iterfind("{*}process")
                                if p.get("isExecutable", "true") != "false"]
            else:
                raise DeployError(t("只接受 .bpmn、.dmn 和表单 .json 文件"), name)
        except ModelError as error:
            raise model_error(error, name, roots) from None
    if not process_ids:
        raise no_executable_process(roots)
    return parser, process_ids


def _model_error(error: ModelError, parser, process_id: str, bundle: Bundle) -> DeployError:
    """A refusal while SpiffWorkflow reads the elements of ``process_id``, in cadreflow's words."""
    roots = {name: parse_xml(data, name) for name, data in bundle.files.items() if not name.endswith(".json")}
    process_parser = parser.process_parsers.get(process_id)
    file = getattr(process_parser, "filename", None) or next(name for name in roots if name.endswith(".bpmn"))
    return model_error(error, file, roots)


def _task_tables(spec, subprocess_specs, forms: dict[str, dict], file: str):
    task_forms, task_info = {}, {}
    for task_spec in [*spec.task_specs.values(),
                      *(task for sub in subprocess_specs.values() for task in sub.task_specs.values())]:
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        form_name = properties.get(FORM_PROPERTY)
        if getattr(task_spec, "manual", False) and not form_name:
            raise DeployError(t("用户任务必须用扩展属性 {property} 指定表单", property=FORM_PROPERTY), file,
                              task_spec.bpmn_id, task_spec.bpmn_name)
        if form_name:
            if form_name not in forms:
                raise DeployError(t("表单文件 {name} 不在部署包中", name=form_name), file, task_spec.bpmn_id,
                                  task_spec.bpmn_name)
            task_forms[task_spec.bpmn_id] = forms[form_name]
        info = _task_info(task_spec, properties, file)
        if info:
            task_info[task_spec.bpmn_id] = info
    return task_forms, task_info


def _task_info(task_spec, properties: dict, file: str) -> dict | None:
    """What the inbox and the registry effects need of one element (None when they need nothing)."""
    kind = ("start" if type(task_spec).__name__ == "StartEvent"
            else "user" if getattr(task_spec, "manual", False) else "element")
    effect = properties.get(EFFECT_PROPERTY)
    if effect is not None and effect not in KNOWN_EFFECTS:
        raise DeployError(t("未知的 {property}：{effect}（可用：{known}）", property=EFFECT_PROPERTY, effect=effect,
                            known=joined(KNOWN_EFFECTS, "、")), file, task_spec.bpmn_id, task_spec.bpmn_name)
    outcome = properties.get(case_outcome.PROPERTY)
    if outcome is not None and (type(task_spec).__name__ != "EndEvent" or outcome not in case_outcome.OUTCOMES):
        raise DeployError(t("{property} 只能用在结束事件上，取值 {known}，收到 {value}", property=case_outcome.PROPERTY,
                            known=joined(case_outcome.OUTCOMES, "、"), value=repr(outcome)), file, task_spec.bpmn_id,
                          task_spec.bpmn_name)
    if kind == "element" and effect is None:
        return None
    info = {"name": task_spec.bpmn_name or task_spec.bpmn_id, "lane": task_spec.lane, "kind": kind,
            "assignee_variable": properties.get(ASSIGNEE_PROPERTY)}
    due = properties.get(DUE_PROPERTY)
    if due is not None:
        if kind != "user" or not due.isdigit() or not 1 <= int(due) <= 60:
            raise DeployError(t("{property} 只能用在用户任务上，取值 1 到 60 的工作日数，收到 {value}",
                                property=DUE_PROPERTY, value=repr(due)), file, task_spec.bpmn_id,
                              task_spec.bpmn_name)
        info["due_working_days"] = int(due)
    start_from = properties.get(case_subject.PROPERTY)
    if start_from is not None:
        if kind != "start" or start_from not in case_subject.KINDS:
            raise DeployError(t("{property} 只能用在开始事件上，取值 {known}", property=case_subject.PROPERTY,
                                known=joined(case_subject.KINDS, "、")), file, task_spec.bpmn_id,
                              task_spec.bpmn_name)
        info["start_from"] = start_from
    if effect is not None:
        info["registry_effect"] = effect
    return info


def deploy(session: Session, bundle: Bundle, actor: Actor, at: datetime) -> list[ProcessSpec]:
    """Validate ``bundle`` and store a new version of each of its processes (unchanged ones are kept).

    Raises :class:`DeployError` naming the file and element; nothing is stored then.
    """
    forms = _load_forms(bundle)
    parser, process_ids = parse(bundle)
    sha = digest({name: data.decode("utf-8", "replace") for name, data in bundle.files.items()})
    stored = []
    for process_id in process_ids:
        try:
            spec = parser.get_spec(process_id)
            subs = parser.get_subprocess_specs(process_id)
        except ModelError as error:
            raise _model_error(error, parser, process_id, bundle) from None
        task_forms, task_info = _task_tables(spec, subs, forms, spec.file or process_id)
        existing = session.scalar(select(ProcessSpec).where(
            ProcessSpec.process_id == process_id, ProcessSpec.sha256 == sha))
        if existing:
            stored.append(existing)
            continue
        last = session.scalar(select(func.max(ProcessSpec.version))
                              .where(ProcessSpec.process_id == process_id)) or 0
        row = ProcessSpec(
            process_id=process_id, name=spec.description or process_id, version=last + 1,
            sha256=sha, sources={n: d.decode("utf-8") for n, d in bundle.files.items()},
            forms=task_forms, task_info=task_info, spec_json=engine.spec_to_json(spec, subs),
            serializer_version=engine.serializer().VERSION, deployed_by_id=actor.user_id,
            deployed_at=at)
        session.add(row)
        session.flush()
        audit.append(session, type_="spec.deployed", actor=actor, at=at, payload={
            "process": process_id, "version": row.version, "sha256": sha,
            "files": sorted(bundle.files)})
        stored.append(row)
    return stored


def latest_spec(session: Session, process_id: str) -> ProcessSpec | None:
    """The newest deployed version of a process."""
    return session.scalar(select(ProcessSpec).where(ProcessSpec.process_id == process_id)
                          .order_by(ProcessSpec.version.desc()).limit(1))
