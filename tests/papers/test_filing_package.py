"""The 备案 package: the papers of papers.md §6 (issued bytes where issued), a manifest whose sha256s match, the
case's record bundle that verifies on its own, the same zip for the same case; building it recorded on the case."""

import hashlib
import io
import json
import subprocess
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Case
from tests.conftest import DATA
from tests.conftest import make_actor
from tests.papers import appointment
from tests.papers.appointment import APPOINTEE
from tests.papers.appointment import BUREAU
from tests.papers.appointment import walk_to_appointment
from tests.papers.test_issuing import issue
from tests.procedures import selection_steps as steps
from workflows import commands
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.papers import filing_package
from workflows.processes import deploy
from workflows.record import bundle_check
from workflows.record import checkpoints
from workflows.record import verification

FILED_DAY = date(2026, 10, 14)

appointed, bureau, clock = appointment.appointed, appointment.bureau, appointment.clock  # fixtures


def build(run, *, by="organiser"):
    with run.bureau.sessions.begin() as session:
        return filing_package.build_and_record(session, run.bureau.people[by], run.bureau.clock.now(),
                                               session.get(Case, run.id), bureau=BUREAU, today=FILED_DAY)


def opened(content: bytes) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("manifest.json")), files


def pdf_text(content: bytes) -> str:
    """The words of a PDF, white space left out (a table cell wraps its text over lines)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def test_the_package_holds_the_papers_the_manifest_and_the_bundle(appointed):
    notice = issue(appointed, "appointment_notice")
    publicity = issue(appointed, "publicity")
    package = build(appointed)
    manifest, files = opened(package.content)
    assert [entry["name"] for entry in manifest["files"]] == list(files) == [
        "01-关于崔英同志任职的备案报告.pdf", "02-干部任免审批表-崔英.pdf", "03-考察材料-崔英.pdf",
        "04-民主推荐情况.pdf", "05-党组会议纪要（摘要）.pdf", "06-任前公示-青数〔2026〕2号.pdf",
        "07-崔英同志任前公示情况.pdf", "08-任职通知-青数〔2026〕1号.pdf", f"09-case-{appointed.id}-record-bundle.json"]
    for entry in manifest["files"]:  # every file listed with its own sha256 and size
        assert entry["sha256"] == hashlib.sha256(files[entry["name"]]).hexdigest()
        assert entry["size"] == len(files[entry["name"]])
    by_kind = {entry["kind"]: entry for entry in manifest["files"]}
    # The issued papers are the issued bytes, with their numbers; the others are generated.
    assert files[by_kind["appointment_notice"]["name"]] == notice.content
    assert files[by_kind["publicity"]["name"]] == publicity.content
    assert (by_kind["appointment_notice"]["number"], by_kind["appointment_notice"]["source"]) == ("青数〔2026〕1号",
                                                                                                  "issued")
    assert (by_kind["inspection_material"]["source"], by_kind["inspection_material"]["staff_no"]) == ("generated",
                                                                                                      APPOINTEE)
    assert manifest["appointee"] == APPOINTEE and manifest["missing"] == []
    assert manifest["case"]["id"] == appointed.id and manifest["to"] == "中共上海市青浦区委组织部"
    report = pdf_text(files["01-关于崔英同志任职的备案报告.pdf"])
    assert "数据资源科科长" in report and "青数〔2026〕1号" in report and "请予备案" in report
    outcome = pdf_text(files["07-崔英同志任前公示情况.pdf"])
    assert "反映工作作风问题" in outcome and "有一般性问题，任职并提醒" in outcome and "5个工作日" in outcome
    # The bundle inside verifies with no database, its replay reproduces every digest.
    bundle = json.loads(files[by_kind["record_bundle"]["name"]])
    verdict = bundle_check.verify_bundle(bundle, None)
    assert verdict.ok, verdict.reason
    assert verdict.replayed == sum(1 for event in bundle["events"] if event["state_digest"])
    assert {"papers.issued", "papers.number_issued"} <= {event["type"] for event in bundle["events"]}


def test_building_goes_on_the_case_record(appointed):
    package = build(appointed)
    with appointed.bureau.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.case_id == appointed.id)
                                .order_by(AuditEvent.seq.desc())).first()
        assert event.type == "papers.filing_package_built" and event.role == "personnel_office"
        assert event.state_digest is None
        recorded = json.loads(event.payload)
        assert verification.verify_case(session, session.get(Case, appointed.id)).ok
    manifest, _ = opened(package.content)
    assert recorded["sha256"] == hashlib.sha256(package.content).hexdigest()
    assert recorded["manifest_sha256"] == hashlib.sha256(package.manifest_bytes).hexdigest()
    assert recorded["files"] == [{"name": f["name"], "sha256": f["sha256"]} for f in manifest["files"]]
    assert appointed.replays()


def test_the_same_case_at_the_same_time_gives_the_same_zip(appointed):
    issue(appointed, "publicity")
    made = []
    for _ in range(2):
        with appointed.bureau.sessions() as session:
            made.append(filing_package.build(session, session.get(Case, appointed.id), at=appointed.bureau.clock.now(),
                                             bureau=BUREAU, today=FILED_DAY).content)
    assert made[0] == made[1]


def test_a_selection_not_appointed_yet_is_refused(bureau):
    run = steps.to_vote(bureau)
    with pytest.raises(Conflict, match="尚未发文任职"):
        build(run)
    with bureau.sessions() as session:
        assert not session.scalars(select(AuditEvent).where(AuditEvent.type == "papers.filing_package_built")).all()


def test_another_procedure_has_no_package(sessions, clock):
    organiser = make_actor(sessions, "organiser", "personnel_office")
    with sessions.begin() as session:
        deploy.deploy(session, deploy.bundle_from_paths([DATA / "two_lane.bpmn"]), organiser, clock.now())
        case_id = commands.start_case(session, organiser, clock.now(), "two_lane_review", "双道流程", {})["id"]
    with sessions.begin() as session, pytest.raises(InvalidData, match="不是干部选拔任用案件"):
        filing_package.build_and_record(session, organiser, clock.now(), session.get(Case, case_id), bureau=BUREAU,
                                        today=FILED_DAY)


def test_only_the_office_and_admins_build_it(appointed):
    for who in ("secretary", "district"):
        with pytest.raises(Forbidden):
            build(appointed, by=who)


def test_a_completed_case_with_papers_issued_after_it_closed_still_verifies(bureau, tmp_path):
    """Papers are issued and the package built after the probation closed the case: the bundle verifies."""
    run = walk_to_appointment(bureau, complaint=False)
    steps.probation(run, "confirmed")
    assert run.status == "completed"
    signer = checkpoints.generate_key(tmp_path / "key.pem")
    with bureau.sessions.begin() as session:
        checkpoints.make(session, signer, bureau.clock.now())  # a closure is signed at once
    issue(run, "appointment_notice")
    _, files = opened(build(run).content)
    bundle = json.loads(files[f"09-case-{run.id}-record-bundle.json"])
    assert bundle["case"]["status"] == "completed" and bundle["events"][-1]["type"] == "papers.issued"
    verdict = bundle_check.verify_bundle(bundle, {signer.public_key})
    assert verdict.ok, verdict.reason
    assert verdict.uncovered == 2 and verdict.warnings  # issued after the last checkpoint: said, not a failure

