"""Deployed process versions with the cases on each, and deployment bundles built from uploaded files."""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import PurePosixPath

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import ProcessSpec
from storage.models import User
from workflows.actors import Actor
from workflows.errors import DeployError
from workflows.processes import deploy
from workflows.processes.xml_checks import MAX_FILE_BYTES
from workflows.processes.xml_checks import _element_id
from workflows.processes.xml_checks import parse_xml
from workflows.text import t

MAX_FILES = 50
SUFFIXES = (".bpmn", ".dmn", ".json")
CASE_STATUSES = ("running", "completed", "cancelled")


@dataclass
class Version:
    """One deployed version and how many cases are running, completed and cancelled on it."""

    id: int
    version: int
    name: str
    sha256: str
    deployed_at: datetime
    deployed_by: str | None
    cases: dict[str, int] = field(default_factory=dict)


@dataclass
class Process:
    """A process and its versions, newest first."""

    process_id: str
    name: str
    versions: list[Version]


def processes(session: Session) -> list[Process]:
    """Every deployed process with its versions and the case counts on each version."""
    counts: dict[int, dict[str, int]] = {}
    for spec_id, status, number in session.execute(
            select(Case.spec_id, Case.status, func.count()).group_by(Case.spec_id, Case.status)):
        counts.setdefault(spec_id, {})[status] = number
    rows = session.execute(
        select(ProcessSpec.id, ProcessSpec.process_id, ProcessSpec.name, ProcessSpec.version, ProcessSpec.sha256,
               ProcessSpec.deployed_at, User.username, User.display_name)
        .outerjoin(User, User.id == ProcessSpec.deployed_by_id)
        .order_by(ProcessSpec.process_id, ProcessSpec.version.desc()))
    found: dict[str, Process] = {}
    for row in rows:
        version = Version(row.id, row.version, row.name, row.sha256, row.deployed_at,
                          f"{row.display_name}（{row.username}）" if row.username else None,
                          {status: counts.get(row.id, {}).get(status, 0) for status in CASE_STATUSES})
        found.setdefault(row.process_id, Process(row.process_id, row.name, [])).versions.append(version)
    return list(found.values())


def bundle_from_uploads(uploads: list[tuple[str, bytes]]) -> tuple[deploy.Bundle, list[str]]:
    """A deployment bundle from uploaded files, and the names of uploaded forms no model names (left out).

    Forms are keyed as the BPMN names them (``forms/x.json`` for an uploaded ``x.json``), as
    :func:`workflows.deploy.bundle_from_paths` finds them beside a BPMN file. Limits: at most
    ``MAX_FILES`` files of at most ``MAX_FILE_BYTES`` each, only .bpmn, .dmn and .json.
    """
    if not uploads:
        raise DeployError(t("请选择要上传的文件（一个 .bpmn 文件及其表单 .json 文件）"))
    if len(uploads) > MAX_FILES:
        raise DeployError(t("一次最多上传 {limit} 个文件，收到 {count} 个", limit=MAX_FILES, count=len(uploads)))
    models: dict[str, bytes] = {}
    forms: dict[str, bytes] = {}
    for raw_name, data in uploads:
        name = raw_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not name.endswith(SUFFIXES):
            raise DeployError(t("只接受 .bpmn、.dmn 和表单 .json 文件"), name or t("（无文件名）"))
        if len(data) > MAX_FILE_BYTES:
            raise DeployError(t("文件过大：每个文件最多 {limit} MiB", limit=MAX_FILE_BYTES // (1024 * 1024)), name)
        if name in models or name in forms:
            raise DeployError(t("同名文件上传了两次"), name)
        (forms if name.endswith(".json") else models)[name] = data
    if not any(name.endswith(".bpmn") for name in models):
        raise DeployError(t("缺少 .bpmn 流程文件"))
    files = dict(models)
    for bpmn_name, data in models.items():
        if not bpmn_name.endswith(".bpmn"):
            continue
        for form_name, element in _form_references(parse_xml(data, bpmn_name)).items():
            base = PurePosixPath(form_name).name
            if base not in forms:
                raise DeployError(t("缺少表单文件 {name}（流程中写作 {reference}），请一并上传", name=base,
                                    reference=form_name), bpmn_name, element)
            files[form_name] = forms[base]
    used = {PurePosixPath(name).name for name in files if name.endswith(".json")}
    return deploy.Bundle(files), sorted(set(forms) - used)


def deploy_bundle(session: Session, bundle: deploy.Bundle, actor: Actor,
                  at: datetime) -> list[tuple[ProcessSpec, bool]]:
    """Deploy ``bundle`` (see :func:`workflows.deploy.deploy`): each process's version and whether it is new."""
    known = set(session.scalars(select(ProcessSpec.id)))
    return [(spec, spec.id not in known) for spec in deploy.deploy(session, bundle, actor, at)]


def _form_references(root) -> dict[str, str]:
    """{form file name: id of the first element naming it} of a parsed BPMN file."""
    references: dict[str, str] = {}
    for node in root.iterfind(f".//{{*}}property[@name='{deploy.FORM_PROPERTY}']"):
        if node.get("value"):
            references.setdefault(node.get("value"), _element_id(node))
    return references
