"""Importing .lrmx files into the registry: a plan first (create or update by identity number, each field's old and
new value, every bad element named), then all of it in one transaction, or nothing when any file is wrong."""

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from storage.models import Cadre
from storage.models import CadrePhoto
from storage.models import Post
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.papers import lrmx
from workflows.papers import lrmx_values
from workflows.papers.approval_form import ApprovalForm
from workflows.record import audit
from workflows.record.canonical import digest
from workflows.record.canonical import sha256_hex
from workflows.registry import family as registry_family
from workflows.registry import identity_no
from workflows.registry import photo as registry_photo
from workflows.registry import resume as registry_resume
from workflows.registry.personal_edit import masked
from workflows.registry.personal_edit import require_editor
from workflows.text import joined
from workflows.text import t

MAX_FILES = 50  # one selection's candidates, or a section's cadres: more is a bulk load for the workbook import
FALLBACK_PATTERN = ("C", 4)  # staff numbers of a registry that has none yet: C0001, C0002 …


@dataclass
class FilePlan:
    """What one file does: create or update (or nothing), the staff number, the changes, errors and warnings."""

    name: str
    sha256: str
    data: bytes = field(repr=False)
    action: str = ""  # create / update / unchanged; "" when the file has errors
    staff_no: str = ""
    person: str = ""
    changes: list = field(default_factory=list)  # lrmx_values.Change
    not_stored: list = field(default_factory=list)  # lrmx_values.Change: boxes the registry does not keep
    warnings: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # element -> message (the message names the file)
    cadre_id: int | None = None
    target: lrmx_values.Target | None = field(default=None, repr=False)


@dataclass
class ImportPlan:
    """The plan of one import; :attr:`fingerprint` changes when anything the preview shows would change."""

    files: list[FilePlan]

    @property
    def errors(self) -> dict[str, str]:
        """Every error, keyed "{file}/{element}"."""
        return {f"{plan.name}/{element}": message for plan in self.files for element, message in plan.errors.items()}

    @property
    def fingerprint(self) -> str:
        return digest([[plan.name, plan.sha256, plan.action, plan.staff_no, plan.cadre_id,
                        [dataclasses.astuple(change) for change in plan.changes], sorted(plan.errors.items())]
                       for plan in self.files])


def next_staff_numbers(session: Session, count: int) -> list[str]:
    """``count`` free staff numbers after the highest of the registry's most common pattern (QP0081 after QP0080)."""
    taken = set(session.scalars(select(Cadre.staff_no)))
    patterns, highest = Counter(), Counter()
    for number in taken:
        match = re.fullmatch(r"([A-Za-z]*)(\d+)", number)
        if match:
            patterns[match[1], len(match[2])] += 1
            highest[match[1], len(match[2])] = max(highest[match[1], len(match[2])], int(match[2]))
    prefix, width = max(patterns, key=lambda key: (patterns[key], key)) if patterns else FALLBACK_PATTERN
    numbers, serial = [], highest[prefix, width]
    while len(numbers) < count:
        serial += 1
        candidate = f"{prefix}{serial:0{width}d}"
        if candidate not in taken:
            numbers.append(candidate)
    return numbers


def plan(session: Session, files: list[tuple[str, bytes]], today: date) -> ImportPlan:
    """What importing ``files`` (name, content) would do; writes nothing."""
    if not files:
        raise InvalidData(t("请选择要导入的 .lrmx 文件"), {"files": t("请选择要导入的 .lrmx 文件")})
    if len(files) > MAX_FILES:
        message = t("一次最多导入 {limit} 个文件，收到 {count} 个", limit=MAX_FILES, count=len(files))
        raise InvalidData(message, {"files": message})
    plans = [FilePlan(name=name, sha256=sha256_hex(data), data=data) for name, data in files]
    forms: dict[int, ApprovalForm] = {}
    first_of: dict[str, str] = {}  # sha256 or identity number -> the first file that had it
    for index, file in enumerate(plans):
        if file.sha256 in first_of:
            file.errors["file"] = t("{file}：与 {other} 是同一个文件（重复上传）", file=file.name,
                                    other=first_of[file.sha256])
            continue
        first_of[file.sha256] = file.name
        try:
            form = lrmx.read(file.data, file.name)
        except InvalidData as invalid:
            file.errors.update(invalid.errors)
            continue
        file.person = form.name
        if not form.identity_no:
            file.errors["ShenFenZheng"] = t(
                "{file}：元素 <ShenFenZheng> 为空：没有公民身份号码，无法确定是新建还是更新", file=file.name)
        elif form.identity_no in first_of:
            file.errors["ShenFenZheng"] = t(
                "{file}：元素 <ShenFenZheng> 的公民身份号码与 {other} 相同，同一人只能导入一份", file=file.name,
                other=first_of[form.identity_no])
        else:
            first_of[form.identity_no] = file.name
            forms[index] = form
    new_numbers = iter(next_staff_numbers(session, len(forms)))
    for index, form in forms.items():
        _plan_file(session, plans[index], form, today, new_numbers)
    return ImportPlan(plans)


def _plan_file(session: Session, file: FilePlan, form: ApprovalForm, today: date, new_numbers) -> None:
    cadre = session.scalar(select(Cadre).where(Cadre.identity_no == form.identity_no)
                           .options(selectinload(Cadre.posts).selectinload(Post.section)))
    target = lrmx_values.target(session, form, cadre, today, file.name)
    file.target, file.changes, file.warnings, file.errors = target, target.changes, target.warnings, target.errors
    file.not_stored = [lrmx_values.Change(element, lrmx_values.LABELS[element], "", _box(form, attribute))
                       for element, attribute, _kind in lrmx.ELEMENTS
                       if element in lrmx_values.NOT_STORED and _box(form, attribute)]
    file.not_stored += [lrmx_values.Change(tag, tag, "", value if isinstance(value, str) else value["xml"])
                        for tag, value in form.extra.items() if value]
    if cadre is None:
        file.staff_no = next(new_numbers)
        file.warnings += _namesakes(session, form, file.name)
    else:
        file.staff_no, file.cadre_id = cadre.staff_no, cadre.id
        if not cadre.active:
            file.warnings.append(t("{file}：{staff_no}（{name}）已不在干部名册中（已调出）", file=file.name,
                                   staff_no=cadre.staff_no, name=cadre.name))
    if not file.errors:
        file.action = "create" if cadre is None else "update" if file.changes else "unchanged"


def _box(form: ApprovalForm, attribute: str) -> str:
    return getattr(form, attribute) or ""


def _namesakes(session: Session, form: ApprovalForm, file_name: str) -> list[str]:
    """Cadres with the file's name and birth month but another (or no) identity number: shown, never merged."""
    month = lrmx.month(form.birth.replace(".", "")) if form.birth else None
    if not form.name or month is None:
        return []
    first = date(int(month[:4]), int(month[5:7]), 1)
    rows = session.scalars(select(Cadre).where(Cadre.name == form.name)).all()
    return [t("{file}：{staff_no}（{name}）姓名与出生年月相同，但公民身份号码{state}；将新建干部，不会合并，请核对",
              file=file_name, staff_no=row.staff_no, name=row.name,
              state=t("未登记") if not row.identity_no else t("不同"))
            for row in rows if row.birth_date.replace(day=1) == first]


def apply(session: Session, actor: Actor, at: datetime, planned: ImportPlan) -> ImportPlan:
    """Write ``planned`` after planning it again: refused when the registry changed since, or when any file has an
    error (nothing is written then); the import goes on record as ``registry.lrmx_imported``."""
    require_editor(actor)
    fresh = plan(session, [(file.name, file.data) for file in planned.files], local_date(at))
    if fresh.errors:
        raise InvalidData(t("导入失败，未写入任何数据：{problems}", problems=joined(fresh.errors.values())),
                          fresh.errors)
    if fresh.fingerprint != planned.fingerprint:
        raise Conflict(t("预览之后干部信息库已有变动，请重新预览后再确认导入"))
    record = []
    for file in fresh.files:
        if file.action in ("create", "update"):
            _write(session, actor, at, file)
        record.append({"file": file.name, "sha256": file.sha256, "action": file.action, "staff_no": file.staff_no,
                       "changes": {change.element: _recorded(change) for change in file.changes}})
    audit.append(session, type_="registry.lrmx_imported", actor=actor, at=at, payload={
        "files": record, "created": [file.staff_no for file in fresh.files if file.action == "create"],
        "updated": [file.staff_no for file in fresh.files if file.action == "update"]})
    return fresh


def _recorded(change) -> list:
    """A change as the record keeps it: the identity number masked, the photo by its hash (the preview's text)."""
    if change.element == "ShenFenZheng":
        return [masked(change.old) or "", masked(identity_no.normalised(change.new))]
    return [str(change.old), str(change.new)]


def _write(session: Session, actor: Actor, at: datetime, file: FilePlan) -> None:
    target = file.target
    if file.action == "create":
        cadre = Cadre(staff_no=file.staff_no, staff_category="civil_servant", active=True, under_investigation=False,
                      **target.columns)
        session.add(cadre)
        session.flush()
    else:
        cadre = session.get(Cadre, file.cadre_id)
        for name, value in target.columns.items():
            setattr(cadre, name, value)
    if target.family is not None:
        registry_family.replace_rows(session, cadre.id, target.family)
    if target.resume is not None:
        registry_resume.store_lines(session, cadre.id, target.resume)
    if target.photo is not None:
        stored = session.get(CadrePhoto, cadre.id) or CadrePhoto(cadre_id=cadre.id)
        session.add(stored)
        stored.media_type, stored.size = registry_photo.media_type(target.photo), len(target.photo)
        stored.sha256, stored.content = sha256_hex(target.photo), target.photo
        stored.uploaded_by_id, stored.uploaded_at = actor.user_id, at
    session.flush()
