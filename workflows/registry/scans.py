"""The registry scans: who is due for rotation (leaders and key posts), due to leave the leadership post before
retirement, has promotion priority, and which sections are under penalty; each row with its rule and figures."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.engine.clock import parse_iso
from workflows.record import audit
from workflows.registry import cadre_records
from workflows.rules.cadres import promotion_priority
from workflows.rules.cadres import rotation_due
from workflows.rules.cadres import second_line_window
from workflows.rules.cadres import section_penalties
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.retirement import retirement_rule_version
from workflows.text import t

KINDS = {
    "rotation": t("交流轮岗到期（领导职务和重点岗位）"),
    "second_line": t("到龄退出领导岗位"),
    "promotion_priority": t("连续三年优秀（提拔优先）"),
    "section_penalty": t("科室考核处理"),
}


@dataclass(frozen=True)
class ScanRow:
    """One finding: whom or which section it concerns, why, and the figures."""

    kind: str
    subject: str  # staff number or section code
    name: str
    section: str
    reason: str
    figures: dict[str, Any]


@dataclass
class ScanReport:
    """Every finding of one scan, with the policy and rule versions it used."""

    on: date
    policy: dict[str, Any]
    rule_versions: dict[str, str]
    rows: dict[str, list[ScanRow]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    def counts(self) -> dict[str, int]:
        """How many rows each kind has."""
        return {kind: len(rows) for kind, rows in self.rows.items()}


def scan(session: Session, on: date, policy: Policy = DEFAULT_POLICY) -> ScanReport:
    """Run every scan over the active registry as of ``on``."""
    report = ScanReport(on=on, policy=policy.as_record(),
                        rule_versions={"retirement": retirement_rule_version, "policy": policy.version})
    sections = {s.code: s.name for s in cadre_records.section_facts(session)}
    for cadre in cadre_records.all_facts(session):
        where = sections.get(cadre.post.section_code, "—") if cadre.post else "—"
        found = rotation_due(cadre, on, policy)
        if found.applies:
            report.rows["rotation"].append(ScanRow("rotation", cadre.cadre_id, cadre.name, where, found.reason,
                                                   found.figures))
        window = second_line_window(cadre, on, policy)
        if window.state in ("open", "due"):
            report.rows["second_line"].append(ScanRow("second_line", cadre.cadre_id, cadre.name, where,
                                                      window.reason, window.figures))
        priority = promotion_priority(cadre, on.year, policy)
        if priority.applies:
            report.rows["promotion_priority"].append(ScanRow(
                "promotion_priority", cadre.cadre_id, cadre.name, where, priority.reason, priority.figures))
    # Section assessments are for the last completed year.
    for penalty in section_penalties(cadre_records.section_facts(session), on.year - 1, policy):
        report.rows["section_penalty"].append(ScanRow(
            "section_penalty", penalty.section_code, penalty.section_name, penalty.section_name, penalty.reason,
            {**penalty.figures, "consequences": list(penalty.consequences)}))
    return report


def record_scan(session: Session, actor: Actor, at: datetime, report: ScanReport) -> None:
    """Put a scan on record: the counts, who was found, and the policy and rule versions it used."""
    audit.append(session, type_="registry.scanned", actor=actor, at=at, payload={
        "on": report.on.isoformat(), "counts": report.counts(), "policy": report.policy,
        "rule_versions": report.rule_versions,
        "found": {kind: [row.subject for row in rows] for kind, rows in report.rows.items()}})


def scan_if_due(session: Session, actor: Actor, at: datetime, policy: Policy = DEFAULT_POLICY) -> ScanReport | None:
    """The daily scan for the scheduler: run and record it unless one is on record for ``at``'s day."""
    last = session.scalar(select(AuditEvent.at).where(AuditEvent.type == "registry.scanned")
                          .order_by(AuditEvent.seq.desc()).limit(1))
    if last is not None and local_date(parse_iso(last)) >= local_date(at):
        return None
    report = scan(session, local_date(at), policy)
    record_scan(session, actor, at, report)
    return report
