"""Shared pieces of the .lrmx tests: the hand-written fixture, a demo cadre's file, edits of a file, row counts."""

import io
import re
from pathlib import Path

from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import CadrePhoto
from storage.models import FamilyMember
from storage.models import ResumeEntry
from workflows.papers import lrmx
from workflows.papers.approval_registry import collect
from workflows.registry.cadre_records import find_cadre

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "lrmx" / "zhang_wei_every_field.lrmx"
TABLES = (Cadre, FamilyMember, ResumeEntry, CadrePhoto, AuditEvent)


def jpeg(width: int = 90, height: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (80, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def exported(session, staff_no: str, today) -> bytes:
    """The .lrmx file of a registry cadre, as the export writes it."""
    return lrmx.write(collect(session, find_cadre(session, staff_no), at=today))


def edited(data: bytes, **elements: str) -> bytes:
    """``data`` with the text of each named element replaced."""
    text = data.decode("utf-8")
    for element, value in elements.items():
        text, count = re.subn(rf"<{element}>[^<]*</{element}>|<{element}/>", f"<{element}>{value}</{element}>",
                              text, count=1)
        assert count == 1, element
    return text.encode("utf-8")


def counts(sessions) -> dict[str, int]:
    """Rows of each table an import writes to (the record included)."""
    with sessions() as session:
        return {table.__name__: session.scalar(select(func.count()).select_from(table)) for table in TABLES}
