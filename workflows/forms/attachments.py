"""Files people attach to a task: size and type limits, the sha256 the record keeps, and who may download them."""

import hashlib
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Attachment
from workflows import access
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.forms import file_content
from workflows.text import joined
from workflows.text import t

MAX_BYTES = 10 * 1024 * 1024
# Documents and scans the bureau files; nothing a browser would run.
TYPES = {".pdf": "application/pdf", ".ofd": "application/ofd", ".doc": "application/msword",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xls": "application/vnd.ms-excel",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".wps": "application/vnd.ms-works", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
         ".txt": "text/plain"}


def is_attachment_list(prop: dict) -> bool:
    """Whether a form field holds attachments: a list of objects with a sha256."""
    items = prop.get("items") or {}
    return prop.get("type") == "array" and "sha256" in (items.get("properties") or {})


def check(field: str, title: str, name: str, data: bytes) -> str:
    """The content type of an acceptable upload; :class:`InvalidData` naming the field otherwise."""
    suffix = PurePath(name).suffix.lower()
    problem = None
    if not name or len(name) > 200:
        problem = t("文件名须为 1 到 200 个字符")
    elif suffix not in TYPES:
        problem = t("文件 {name} 的类型不允许（可上传：{types}）", name=name, types=joined(sorted(TYPES), "、"))
    elif not data:
        problem = t("文件 {name} 是空文件", name=name)
    elif len(data) > MAX_BYTES:
        problem = t("文件 {name} 过大（{size} KB，上限 {limit} MB）", name=name, size=len(data) // 1024,
                    limit=MAX_BYTES // 1024 // 1024)
    else:
        # The extension alone is a claim: a page named .txt or .pdf would be served as one of ours.
        problem = file_content.problem(name, suffix, data)
    if problem:
        raise InvalidData(t("「{title}」有误：{problem}", title=title, problem=problem),
                          {field: t("「{title}」：{problem}", title=title, problem=problem)})
    return TYPES[suffix]


def store(session: Session, actor: Actor, at: datetime, case_id: int, task_id: str | None, field: str, title: str,
          name: str, data: bytes) -> dict:
    """Keep an upload with the case; returns what the form records of it (name, sha256, size)."""
    name = PurePath(name.replace("\\", "/")).name  # a browser may send its folders ("C:\\…", "../"): keep the name
    content_type = check(field, title, name, data)
    digest = hashlib.sha256(data).hexdigest()
    session.add(Attachment(case_id=case_id, task_id=task_id, field=field, name=name, content_type=content_type,
                           size=len(data), sha256=digest, content=data, uploaded_by_id=actor.user_id,
                           uploaded_at=at))
    return {"name": name, "sha256": digest, "size": len(data)}


def fetch(session: Session, actor: Actor, case_id: int, sha256: str) -> Attachment:
    """A case's file by its sha256, for someone who may read the case."""
    access.readable_case(session, actor, case_id)
    found = session.scalar(select(Attachment).where(Attachment.case_id == case_id, Attachment.sha256 == sha256)
                           .limit(1))
    if found is None:
        raise NotFound(t("案件 {case_id} 没有摘要为 {digest}… 的附件", case_id=case_id, digest=sha256[:12]))
    return found
