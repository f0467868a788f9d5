"""A cadre's 2-inch photo for the 干部任免审批表: JPEG or PNG, at most 2 MB, decoded to check it really is one.

One photo per cadre (a new one replaces it), stored with its sha256; setting and removing it go on record
(``registry.photo_set`` / ``registry.photo_removed``) with the hash, never the bytes.
"""

import io
import warnings
from datetime import datetime

from PIL import Image
from sqlalchemy.orm import Session

from storage.models import CadrePhoto
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.record.canonical import sha256_hex
from workflows.registry.cadre_records import get_cadre
from workflows.registry.personal_edit import require_editor
from workflows.text import t

MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 60, 6000  # pixels: a thumbnail is too small to print, more than 6000 is not a 2-inch photo
KINDS = {b"\xff\xd8\xff": ("image/jpeg", "JPEG"), b"\x89PNG\r\n\x1a\n": ("image/png", "PNG")}


def media_type(data: bytes) -> str | None:
    """image/jpeg or image/png by the file's first bytes; None for anything else."""
    return next((kind for magic, (kind, _format) in KINDS.items() if data.startswith(magic)), None)


def problem(data: bytes) -> str | None:
    """Why ``data`` is not a photo the form can print (in Chinese), or None."""
    if not data:
        return t("请选择照片文件")
    if len(data) > MAX_BYTES:
        # Rounded up, so that a file just over the limit is never shown as the limit itself.
        return t("照片文件大小为 {size} KB，超过上限 {limit} KB", size=-(-len(data) // 1024),
                 limit=MAX_BYTES // 1024)
    kind = next((kinds for magic, kinds in KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        return t("照片只能是 JPEG 或 PNG 格式的图片")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind[1]]) as image:
                width, height = image.size
                if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                    return t("照片尺寸为 {width}×{height} 像素，宽和高都应在 {low} 到 {high} 像素之间",
                             width=width, height=height, low=MIN_SIDE, high=MAX_SIDE)
                image.load()  # the whole image must decode, not only its header
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return t("照片文件已损坏或不是有效的 {format} 图片", format=kind[1])
    return None


def set_photo(session: Session, actor: Actor, at: datetime, cadre_id: int, data: bytes) -> CadrePhoto:
    """Store ``data`` as the cadre's photo in place of the one stored; :class:`InvalidData` says why it is not."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    why = problem(data)
    if why:
        raise InvalidData(t("照片有误：{problem}", problem=why), {"photo": why})
    digest = sha256_hex(data)
    stored = session.get(CadrePhoto, cadre.id)
    previous = stored.sha256 if stored else None
    if previous == digest:
        return stored
    if stored is None:
        stored = CadrePhoto(cadre_id=cadre.id)
        session.add(stored)
    stored.media_type, stored.size, stored.sha256, stored.content = media_type(data), len(data), digest, data
    stored.uploaded_by_id, stored.uploaded_at = actor.user_id, at
    session.flush()
    audit.append(session, type_="registry.photo_set", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "sha256": digest, "size": len(data), "media_type": stored.media_type,
        "previous_sha256": previous})
    return stored


def remove_photo(session: Session, actor: Actor, at: datetime, cadre_id: int) -> None:
    """Remove the cadre's photo (nothing happens when there is none)."""
    require_editor(actor)
    cadre = get_cadre(session, cadre_id)
    stored = session.get(CadrePhoto, cadre.id)
    if stored is None:
        return
    digest = stored.sha256
    session.delete(stored)
    audit.append(session, type_="registry.photo_removed", actor=actor, at=at, payload={
        "cadre": cadre.staff_no, "sha256": digest})
