"""Giving out a cadre's .lrmx file: only to the registry's readers, and each export on record."""

from datetime import date
from datetime import datetime

from sqlalchemy.orm import Session

from workflows.actors import Actor
from workflows.papers import lrmx
from workflows.papers.approval_export import Paper
from workflows.papers.approval_export import check_reader
from workflows.papers.approval_export import filled_by
from workflows.papers.approval_registry import collect
from workflows.registry import cadre_records
from workflows.registry import personal

MEDIA_TYPE = "application/xml"


def give(session: Session, actor: Actor, at: datetime, staff_no: str, *, today: date,
         reporting_unit: str = "") -> Paper:
    """The .lrmx file of the cadre ``staff_no`` as the registry holds them on ``today``, recorded as an export."""
    check_reader(actor)
    cadre = cadre_records.find_cadre(session, staff_no)
    form = collect(session, cadre, at=today, filled_by=filled_by(session, actor), reporting_unit=reporting_unit)
    content = lrmx.write(form)
    personal.record_view(session, actor, at, cadre.staff_no, "lrmx_export")
    return Paper(content, MEDIA_TYPE, f"{cadre.name}.lrmx", f"cadre-{cadre.staff_no}.lrmx")
