"""What a new case concerns — a cadre or a post of the registry — which gives its subject and default title.

A process says how it starts with the property ``startFrom`` on its start event: ``cadre`` (rotation,
second line: the case is about one cadre, whose record the registry effects change) or ``post``
(selection: the start form names the post with ``post_section_code`` and ``post_title``).
"""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from storage.models import ProcessSpec
from storage.models import Section
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.registry import cadre_records
from workflows.text import t

PROPERTY = "startFrom"
KINDS = ("cadre", "post")


def start_event(spec: ProcessSpec) -> tuple[str | None, dict]:
    """(BPMN id, deploy-time facts) of a process's start event: lane, ``start_from``."""
    return next(((bpmn_id, info) for bpmn_id, info in spec.task_info.items() if info["kind"] == "start"),
                (None, {}))


@dataclass
class Concern:
    """The subject, the default title and the registry data a case starts with."""

    subject: str | None = None
    title: str | None = None
    cadre: Cadre | None = None
    data: dict = field(default_factory=dict)


def concern(session: Session, spec: ProcessSpec, start_from: str | None, cadre_staff_no: str | None,
            data: dict) -> Concern:
    """What the case is about; refuses a cadre process started without a cadre, naming the field."""
    if cadre_staff_no:
        try:
            cadre = cadre_records.find_cadre(session, str(cadre_staff_no))
        except NotFound:
            raise InvalidData(t("干部不存在"), {
                "cadre": t("干部编号 {staff_no} 在干部信息库中不存在", staff_no=cadre_staff_no)}) from None
        return Concern(cadre.staff_no, f"{spec.name}：{cadre.name}", cadre, {"cadre": cadre_records.snapshot(cadre)})
    if start_from == "cadre":
        raise InvalidData(t("须选择干部"), {
            "cadre": t("「{process}」须从干部信息库选择一名干部发起", process=spec.name)})
    if start_from == "post":
        section = session.scalar(select(Section).where(Section.code == data.get("post_section_code")))
        if section is not None:
            post = str(data.get("post_title") or "")
            return Concern(f"{section.code} {post}".strip(), f"{spec.name}：{section.name} {post}".strip())
    return Concern()
