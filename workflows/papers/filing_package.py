"""The 备案 package of a finished appointment: one zip for 区委组织部 with its papers, a manifest and the record bundle.

Each paper is the one issued on the case when there is one (its exact bytes, its number), generated otherwise.
Zip entries carry a fixed time and the manifest the time given, so the same case at the same time gives the same
zip. Building it goes on the case's record with the zip's and the manifest's sha256.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import exists
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import DocumentNumber
from storage.models import HumanTask
from workflows.actors import Actor
from workflows.engine.clock import iso
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.papers import case_record
from workflows.papers import catalogue
from workflows.papers import filing_report
from workflows.papers import issuing
from workflows.papers import numbers
from workflows.papers.bureau import BureauDetails
from workflows.record import audit
from workflows.record import case_bundle
from workflows.text import t
from workflows.vocabulary import Event

FORMAT = "cadreflow-filing-package/1"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SELECTION = "cadre_selection"
# The papers of papers.md §6 in the order the package files them; the report and the publicity's outcome are
# written here, the others are the case's papers (catalogue kinds), about the appointee when per person.
FILED = ("report", catalogue.APPROVAL_FORM, "inspection_material", "recommendation", "meeting_minutes", "publicity",
         "publicity_outcome", "appointment_notice")


@dataclass(frozen=True)
class Entry:
    """One file of the package."""

    name: str
    kind: str
    title: str
    content: bytes
    number: str | None = None
    source: str = "generated"  # issued: the bytes issued on the case; generated: made for the package
    staff_no: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Package:
    """The zip and what it holds."""

    content: bytes
    manifest: dict
    manifest_bytes: bytes
    file_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def appointee_of(session: Session, case: Case, data: dict | None = None) -> str:
    """The appointee of a selection whose 任职通知 step is done; InvalidData / Conflict (in Chinese) otherwise.

    ``data``: the case's current data when the caller has it (restoring the workflow again costs a few ms).
    """
    if case.spec.process_id != SELECTION:
        raise InvalidData(t("案件 {case} 不是干部选拔任用案件，没有备案材料包", case=case.id),
                          {"case": t("只有干部选拔任用案件在发文任职后报区委组织部备案")})
    notified = session.scalar(select(exists().where(HumanTask.case_id == case.id,
                                                    HumanTask.bpmn_id == "appointment_notice",
                                                    HumanTask.status == "completed")))
    appointee = (filing_report.data_of(case) if data is None else data).get("appointee")
    if not notified or not appointee:
        raise Conflict(t("案件 {case} 尚未发文任职（⑮发文任职未办理），不能生成备案材料包", case=case.id))
    return str(appointee)


def _issued_entry(session: Session, case: Case, kind: str, staff_no: str | None) -> Entry | None:
    """The paper as issued on the case (the latest, its number not void); None when none was."""
    paper = issuing.latest(session, case.id, kind, staff_no)
    if paper is None:
        return None
    number = session.get(DocumentNumber, paper.document_number_id) if paper.document_number_id else None
    if number is not None and number.status == numbers.VOID:
        return None
    return Entry(paper.file_name, kind, catalogue.kind_of(kind).title, paper.content,
                 numbers.formatted(number) if number is not None else None, "issued", staff_no)


def _case_paper(session: Session, case: Case, kind: str, appointee: str, offered: set, *, bureau: BureauDetails,
                today: date) -> Entry | None:
    """A paper of the case: issued, else generated when the case gives it; None when it gives none."""
    paper = catalogue.kinds().get(kind)
    if paper is None:
        return None
    staff_no = appointee if paper.per_candidate else None
    issued = _issued_entry(session, case, kind, staff_no)
    if issued is not None or (kind, staff_no) not in offered:
        return issued
    content = catalogue.render(session, case, kind, fmt="pdf", staff_no=staff_no, bureau=bureau, number=None,
                               today=today)
    person = issuing.person_name(session, staff_no)
    return Entry(issuing.file_name(paper.title, person, None, "pdf"), kind, paper.title, content, None,
                 "generated", staff_no)


def entries(session: Session, case: Case, *, bureau: BureauDetails, today: date) -> tuple[list[Entry], list[dict]]:
    """The papers of the package in filing order, and those the case does not give (kind and why)."""
    record = case_record.read(session, case)
    appointee = appointee_of(session, case, record.data)
    offered = {(item.kind, item.staff_no) for item in catalogue.offered(session, case, record)}
    facts = filing_report.facts(session, case, appointee, bureau=bureau)
    found, missing = [], []
    for kind in FILED:
        if kind == "report":
            entry = Entry(f"{facts.report_title}.pdf", kind, facts.report_title,
                          filing_report.report_pdf(facts, today=today))
        elif kind == "publicity_outcome":
            entry = Entry(f"{facts.outcome_title}.pdf", kind, facts.outcome_title,
                          filing_report.outcome_pdf(facts, today=today))
        else:
            entry = _case_paper(session, case, kind, appointee, offered, bureau=bureau, today=today)
        if entry is None:
            missing.append({"kind": kind, "reason": "本案件未产生该文书"})
        else:
            found.append(entry)
    return found, missing


def _numbered_names(found: list[Entry]) -> list[Entry]:
    """Each file named "01-…" in filing order (two papers of one title stay apart)."""
    return [Entry(f"{index:02d}-{entry.name}", entry.kind, entry.title, entry.content, entry.number, entry.source,
                  entry.staff_no) for index, entry in enumerate(found, start=1)]


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    """The zip of ``files`` in order, every entry dated 1980-01-01: the same files give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build(session: Session, case: Case, *, at: datetime, bureau: BureauDetails, today: date) -> Package:
    """The package of ``case`` as of ``at`` (nothing recorded: :func:`build_and_record` does that)."""
    found, missing = entries(session, case, bureau=bureau, today=today)
    found = _numbered_names(found)
    bundle_name = f"{len(found) + 1:02d}-case-{case.id}-record-bundle.json"
    bundle = case_bundle.to_bytes(case_bundle.build(session, case))
    listed = [{"name": e.name, "kind": e.kind, "title": e.title, "staff_no": e.staff_no, "number": e.number,
               "source": e.source, "size": len(e.content), "sha256": e.sha256} for e in found]
    listed.append({"name": bundle_name, "kind": "record_bundle", "title": "全程纪实记录包（可独立核验）",
                   "staff_no": None, "number": None, "source": "generated", "size": len(bundle),
                   "sha256": hashlib.sha256(bundle).hexdigest()})
    manifest = {"format": FORMAT, "built_at": iso(at), "bureau": bureau.name, "to": bureau.district_department,
                "case": {"id": case.id, "title": case.title, "process_id": case.spec.process_id,
                         "version": case.spec.version, "status": case.status},
                "appointee": appointee_of(session, case), "files": listed, "missing": missing}
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    content = _zip([(e.name, e.content) for e in found] + [(bundle_name, bundle), ("manifest.json", manifest_bytes)])
    return Package(content, manifest, manifest_bytes, f"filing-package-case-{case.id}.zip")


def build_and_record(session: Session, actor: Actor, at: datetime, case: Case, *, bureau: BureauDetails,
                     today: date) -> Package:
    """Build the package (the office and admins only) and put it on the case's record."""
    role = numbers.issuer_role(actor)
    package = build(session, case, at=at, bureau=bureau, today=today)
    audit.append(session, type_=Event.FILING_PACKAGE_BUILT, actor=actor.acting_as(role), at=at, case_id=case.id,
                 payload={"file_name": package.file_name, "sha256": package.sha256, "size": len(package.content),
                          "manifest_sha256": hashlib.sha256(package.manifest_bytes).hexdigest(),
                          "files": [{"name": f["name"], "sha256": f["sha256"]} for f in package.manifest["files"]]})
    return package
