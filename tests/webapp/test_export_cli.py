"""``cadreflow audit record-sheet / export-case / verify-bundle / archive`` on a driven selection case."""

import io
import json
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from tests.webapp.conftest import make_app
from tests.workflows import recorded_case
from webapp.cli import exports

recorded = recorded_case.recorded


@pytest.fixture(scope="module")
def app(recorded):
    """The app on the driven case's database, signing with the key that made its checkpoint."""
    app = make_app(recorded.url, recorded.clock, SIGNING_KEY=str(recorded.folder / "key.pem"))
    yield app
    app.extensions["cadreflow.engine"].dispose()


def audit(app, *args):
    return app.test_cli_runner().invoke(args=["audit", *args])


def offline(*args):
    """Run a command of the audit group with no application at all: no configuration, no database."""
    return CliRunner().invoke(exports.audit_group, list(args))


def test_record_sheet_is_written_for_a_case(app, recorded, tmp_path):
    out = tmp_path / "纪实表.pdf"
    done = audit(app, "record-sheet", str(recorded.case_id), "--out", str(out))
    assert done.exit_code == 0, done.output
    assert f"已写入案件 {recorded.case_id} 的全程纪实表" in done.output
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "科级干部选拔任用全程纪实表" in text and "校验结论：完好" in text
    missing = audit(app, "record-sheet", "999", "--out", str(out))
    assert missing.exit_code == 1 and "案件 999 不存在" in missing.output


def test_record_sheet_under_another_key_is_written_and_exits_1(app, recorded, tmp_path):
    made = audit(app, "keygen", str(tmp_path / "stranger.pem"))
    public = next(line.split("：", 1)[1] for line in made.output.splitlines() if line.startswith("公钥"))
    done = audit(app, "record-sheet", str(recorded.case_id), "--out", str(tmp_path / "s.pdf"), "--public-key", public)
    assert done.exit_code == 1 and (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    assert f"seq {recorded.checkpoint.seq}" in done.output and "未知公钥" in done.output


def test_exported_bundle_verifies_without_a_database_and_a_tampered_one_fails(app, recorded, tmp_path):
    out = tmp_path / "bundle.json"
    exported = audit(app, "export-case", str(recorded.case_id), "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert "1 个签名检查点" in exported.output
    pinned = offline("verify-bundle", str(out), "--public-key", recorded.signer.public_key)
    assert pinned.exit_code == 0, pinned.output
    assert f"案件包完好：案件 {recorded.case_id}" in pinned.output and "注意" not in pinned.output
    unpinned = offline("verify-bundle", str(out))
    assert unpinned.exit_code == 0 and "注意：未指定可信公钥" in unpinned.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    victim = bundle["events"][5]
    victim["actor"] = "someone-else"
    out.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    tampered = offline("verify-bundle", str(out), "--public-key", recorded.signer.public_key)
    assert tampered.exit_code == 1
    assert f"第一条有问题的记录 seq {victim['seq']}：内容与 hash 不符" in tampered.output


def test_verify_bundle_names_an_unreadable_file(tmp_path):
    missing = offline("verify-bundle", str(tmp_path / "nothing.json"))
    assert missing.exit_code == 1 and "无法读取案件包" in missing.output
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    broken = offline("verify-bundle", str(tmp_path / "bad.json"))
    assert broken.exit_code == 1 and "不是合法的 JSON" in broken.output
    (tmp_path / "other.json").write_text("{}", encoding="utf-8")
    other = offline("verify-bundle", str(tmp_path / "other.json"))
    assert other.exit_code == 1 and "不是案件包" in other.output


def test_archive_of_a_period_and_of_an_empty_one(app, recorded, tmp_path):
    out = tmp_path / "batch.zip"
    done = audit(app, "archive", "--from", "2026-09-01", "--to", "2026-09-30", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert "2026-09-01 至 2026-09-30 发起的 1 个案件" in done.output
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("manifest.json"))
    assert [case["id"] for case in manifest["cases"]] == [recorded.case_id]
    empty = audit(app, "archive", "--from", "2025-01-01", "--to", "2025-01-31", "--out", str(tmp_path / "e.zip"))
    assert empty.exit_code == 1 and "期间没有发起的案件" in empty.output
    assert not (tmp_path / "e.zip").exists()
