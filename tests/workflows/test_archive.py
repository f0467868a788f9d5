"""The batch archive: each case's 纪实表 and bundle in a zip whose manifest holds their hashes and verdicts."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest

from tests.workflows import recorded_case
from workflows.record import archive
from workflows.record import bundle_check
from workflows.record import checkpoints

recorded = recorded_case.recorded
FIRST_DAY = date(2026, 9, 1)  # the driven case starts at 09:00 that day (tests.procedures.conftest.START)


def build(recorded, start: date, end: date, trusted=None) -> bytes:
    with recorded.sessions() as session:
        return archive.build_archive(session, start, end, recorded.trusted if trusted is None else trusted)


def test_archive_holds_each_case_sheet_and_bundle_with_their_hashes_and_verdicts(recorded):
    data = build(recorded, FIRST_DAY, date(2027, 12, 31))
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert zipped.testzip() is None
        files = {name: zipped.read(name) for name in zipped.namelist()}
    done, running = f"case-{recorded.case_id}", f"case-{recorded.running_id}"
    assert set(files) == {"manifest.json", f"{done}/纪实表.pdf", f"{done}/bundle.json",
                          f"{running}/纪实表.pdf", f"{running}/bundle.json"}
    manifest = json.loads(files["manifest.json"])
    assert manifest["period"]["from"] == "2026-09-01" and manifest["period"]["to"] == "2027-12-31"
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest() and entry["size"] == len(files[path])
    assert all(files[path].startswith(b"%PDF") for path in listed if path.endswith(".pdf"))
    cases = {case["id"]: case for case in manifest["cases"]}
    assert list(cases) == [recorded.case_id, recorded.running_id]
    assert cases[recorded.case_id]["verdict"]["ok"] and cases[recorded.case_id]["verdict"]["replayed"]
    assert cases[recorded.case_id]["verdict"]["checkpoint_seq"] == recorded.checkpoint.seq
    assert cases[recorded.running_id]["verdict"]["warnings"] == ["本案件最后 1 条记录尚无签名检查点覆盖"]
    kept = checkpoints.parse_text(manifest["latest_checkpoint"])
    assert kept.seq == recorded.checkpoint.seq and kept.signature_ok()
    for folder in (done, running):
        assert bundle_check.verify_bundle(json.loads(files[f"{folder}/bundle.json"]), recorded.trusted).ok
    assert build(recorded, FIRST_DAY, date(2027, 12, 31)) == data  # the same record, the same archive


def test_a_failed_verdict_goes_into_the_manifest(recorded, tmp_path):
    stranger = checkpoints.generate_key(tmp_path / "stranger.pem").public_key
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(build(recorded, FIRST_DAY, FIRST_DAY, {stranger})))
                          .read("manifest.json"))
    [case] = manifest["cases"]
    assert case["id"] == recorded.case_id and not case["verdict"]["ok"]
    assert case["verdict"]["first_bad_seq"] == recorded.checkpoint.seq and "未知公钥" in case["verdict"]["reason"]


def test_periods_are_beijing_days(recorded):
    started = recorded_case.RUNNING_STARTS  # 2027-10-21 00:30 Beijing, 2027-10-20 in UTC
    beijing_day = date(2027, 10, 21)
    assert started.date() == date(2027, 10, 20)
    names = zipfile.ZipFile(io.BytesIO(build(recorded, beijing_day, beijing_day))).namelist()
    folder = f"case-{recorded.running_id}"
    assert sorted(names) == [f"{folder}/bundle.json", f"{folder}/纪实表.pdf", "manifest.json"]
    with pytest.raises(archive.ArchivePeriodError, match="2027-10-20 至 2027-10-20（北京时间）期间没有发起的案件"):
        build(recorded, date(2027, 10, 20), date(2027, 10, 20))


def test_a_period_that_ends_before_it_starts_is_refused(recorded):
    with pytest.raises(archive.ArchivePeriodError, match="结束日期 2026-08-31 早于开始日期 2026-09-01"):
        build(recorded, FIRST_DAY, date(2026, 8, 31))
