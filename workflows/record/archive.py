"""A batch's archive (一人一表、一批一档): each case's 纪实表 and bundle in one zip, and a manifest of hashes."""

import io
import json
import zipfile
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from workflows.engine.clock import BEIJING
from workflows.engine.clock import iso
from workflows.engine.clock import parse_iso
from workflows.errors import CommandError
from workflows.record import case_bundle
from workflows.record import checkpoints
from workflows.record import record_sheet
from workflows.record import verification
from workflows.record.canonical import sha256_hex
from workflows.text import t

FORMAT = "cadreflow-archive/1"
MANIFEST = "manifest.json"
SHEET, BUNDLE = "纪实表.pdf", "bundle.json"


class ArchivePeriodError(CommandError):
    """The period holds no case, or ends before it starts."""

    code = "archive_period"


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Beijing time: the bureau's days, not UTC's."""
    return (datetime.combine(start, time(), BEIJING),
            datetime.combine(end + timedelta(days=1), time(), BEIJING))


def cases_started(session: Session, start: date, end: date) -> list[Case]:
    """The cases started on the Beijing dates ``start`` to ``end``, both included, oldest first."""
    since, before = period_bounds(start, end)
    return list(session.scalars(select(Case).where(Case.started_at >= since, Case.started_at < before)
                                .order_by(Case.started_at, Case.id)))


def _verdict_entry(verdict: verification.CaseVerdict) -> dict:
    replayed = verdict.replayed
    return {"ok": verdict.ok, "checked": verdict.checked, "first_bad_seq": verdict.first_bad_seq,
            "reason": verdict.reason, "warnings": list(verdict.warnings), "uncovered": verdict.uncovered,
            "replayed": replayed.ok if replayed is not None else None,
            "checkpoint_seq": verdict.latest.seq if verdict.latest else None}


def _zip_time(latest: checkpoints.Checkpoint | None, start: date) -> tuple:
    """The time stamped on every entry: fixed by the record, so the same record gives the same zip."""
    at = parse_iso(latest.at).astimezone(BEIJING) if latest else datetime.combine(start, time(), BEIJING)
    return at.timetuple()[:6]


def build_archive(session: Session, start: date, end: date, trusted_keys: set[str] | None) -> bytes:
    """The zip of the cases started in [start, end] (Beijing dates), each verified and replayed."""
    if end < start:
        raise ArchivePeriodError(t("归档期间有误：结束日期 {end} 早于开始日期 {start}", end=str(end), start=str(start)))
    cases = cases_started(session, start, end)
    if not cases:
        raise ArchivePeriodError(t("{start} 至 {end}（北京时间）期间没有发起的案件，未生成档案", start=str(start),
                                   end=str(end)))
    row = checkpoints.latest(session)
    latest = checkpoints.from_row(row) if row else None
    files, entries = {}, []
    for case in cases:
        verdict = verification.verify_case(session, case, trusted_keys, with_replay=True)
        folder = f"case-{case.id}"
        files[f"{folder}/{SHEET}"] = record_sheet.render_pdf(session, case, verdict)
        files[f"{folder}/{BUNDLE}"] = case_bundle.to_bytes(case_bundle.build(session, case))
        entries.append({"id": case.id, "title": case.title, "subject": case.subject, "status": case.status,
                        "process_id": case.spec.process_id, "version": case.spec.version,
                        "started_at": iso(case.started_at), "verdict": _verdict_entry(verdict),
                        "files": [f"{folder}/{SHEET}", f"{folder}/{BUNDLE}"]})
    manifest = {
        "format": FORMAT,
        "period": {"from": start.isoformat(), "to": end.isoformat(), "timezone": "北京时间（UTC+8）"},
        "cases": entries,
        "files": [{"path": path, "sha256": sha256_hex(data), "size": len(data)} for path, data in files.items()],
        "latest_checkpoint": latest.to_text() if latest else None,
    }
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    out = io.BytesIO()
    stamp = _zip_time(latest, start)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, stamp), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
