"""The registry's command line: the demo seed, the scan, export and import (all or nothing)."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.models import AuditEvent
from storage.models import Cadre
from tests.template_db import migrate
from webapp import create_app
from workflows.engine.clock import FixedClock
from workflows.registry import scans
from workflows.registry.workbook.sheets import CADRES

ON = date(2026, 11, 22)


def make_app(db_url: str):
    """The app on ``db_url`` with its clock on ON, its database migrated."""
    app = create_app({
        "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-" + "x" * 40, "PASSWORD_PROFILE": "fast",
        "COOKIE_SECURE": False, "CLOCK": FixedClock(datetime(2026, 11, 22, 1, 0, tzinfo=UTC)),
    })
    migrate(app.extensions["cadreflow.engine"])
    return app


@pytest.fixture
def app(db_url):
    app = make_app(db_url)
    yield app
    app.extensions["cadreflow.engine"].dispose()


def empty_database(db_url: str) -> None:
    """Throw the database away so that the next app starts on a fresh one."""
    if db_url.startswith("sqlite"):
        Path(make_url(db_url).database).unlink()
        return
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def cadres(app, active_only: bool = False) -> set[tuple[str, str]]:
    query = select(Cadre.staff_no, Cadre.name)
    if active_only:
        query = query.where(Cadre.active.is_(True))
    with app.extensions["cadreflow.sessions"]() as session:
        return {tuple(row) for row in session.execute(query)}


def scanned_events(app) -> list[dict]:
    with app.extensions["cadreflow.sessions"]() as session:
        return [json.loads(payload) for payload in session.scalars(
            select(AuditEvent.payload).where(AuditEvent.type == "registry.scanned").order_by(AuditEvent.seq))]


def test_seed_demo_fills_the_registry_once(app):
    first, second = run(app, "seed-demo"), run(app, "seed-demo")
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "演示干部信息库：80 名科级干部（虚构数据）" in first.output
    assert "演示干部信息库" not in second.output
    assert len(cadres(app, active_only=True)) == 80
    assert len(cadres(app)) == 84  # and the four bureau leaders, who are not in the section-level pool


def test_scan_prints_every_kind_with_its_count_and_rows_and_goes_on_record(app):
    run(app, "seed-demo")
    with app.extensions["cadreflow.sessions"]() as session:
        expected = scans.scan(session, ON)
    result = run(app, "scan", "--on", "2026-11-22")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "扫描日期 2026-11-22；参数版本 default-2025.1"
    for kind, label in scans.KINDS.items():
        assert f"{label}：{len(expected.rows[kind])}" in lines
        for row in expected.rows[kind]:
            assert any(line.startswith(f"  {row.subject}  {row.name}  ") for line in lines), row.subject
    assert [event["counts"] for event in scanned_events(app)] == [expected.counts()]
    assert scanned_events(app)[0]["on"] == "2026-11-22"


def test_scan_with_no_record_leaves_no_trace_and_defaults_to_today(app):
    run(app, "seed-demo")
    result = run(app, "scan", "--no-record")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("扫描日期 2026-11-22；")
    assert scanned_events(app) == []


def test_scan_refuses_a_day_that_is_not_a_date(app):
    result = run(app, "scan", "--on", "2026-13-01")
    assert result.exit_code == 2
    assert "日期格式应为 YYYY-MM-DD" in result.output
    assert scanned_events(app) == []


def test_an_exported_workbook_imports_the_same_cadres_into_a_fresh_database(app, db_url, tmp_path):
    run(app, "seed-demo")
    out = tmp_path / "out.xlsx"
    exported = run(app, "export-cadres", str(out))
    assert exported.exit_code == 0, exported.output
    assert f"已导出到 {out}" in exported.output
    before = cadres(app)
    app.extensions["cadreflow.engine"].dispose()
    empty_database(db_url)
    fresh = make_app(db_url)
    try:
        assert cadres(fresh) == set()
        imported = run(fresh, "import-cadres", str(out))
        assert imported.exit_code == 0, imported.output
        assert "导入完成：干部：新增 84，更新 0，未变 0" in imported.output
        assert cadres(fresh) == before
        with fresh.extensions["cadreflow.sessions"]() as session:
            payload = json.loads(session.scalar(select(AuditEvent.payload)
                                                .where(AuditEvent.type == "registry.imported")))
        assert payload["file"] == "out.xlsx"
    finally:
        fresh.extensions["cadreflow.engine"].dispose()


def test_import_of_a_bad_csv_prints_every_bad_cell_and_writes_nothing(app, tmp_path):
    headers = [column.header for column in CADRES.columns]
    rows = [
        {"干部编号": "QP0901", "姓名": "好人", "性别": "男", "出生日期": "1985-03-01", "民族": "汉族",
         "政治面貌": "中共党员", "人员类别": "公务员"},
        {"干部编号": "QP0902", "姓名": "甲", "性别": "M", "出生日期": "1985-03-01", "民族": "汉族",
         "政治面貌": "中共党员", "人员类别": "公务员"},
        {"干部编号": "QP0903", "姓名": "", "性别": "女", "出生日期": "1985/13/01", "民族": "汉族",
         "政治面貌": "党员", "人员类别": "公务员"},
    ]
    lines = [",".join(headers)] + [",".join(row.get(header, "") for header in headers) for row in rows]
    bad = tmp_path / "干部.csv"
    bad.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    result = run(app, "import-cadres", str(bad))
    assert result.exit_code == 1
    assert "导入失败，未写入任何数据：导入失败：文件中有 4 处错误，没有导入任何数据" in result.output
    for cell in ("干部表第 3 行「性别」：只能填 男、女，收到“M”",
                 "干部表第 4 行「姓名」：必填，不能为空",
                 "干部表第 4 行「出生日期」：日期格式应为 YYYY-MM-DD，收到“1985/13/01”",
                 "干部表第 4 行「政治面貌」：只能填 中共党员、中共预备党员、民主党派、无党派人士、群众，收到“党员”"):
        assert f"  {cell}" in result.output.splitlines(), cell
    assert "导入完成" not in result.output
    assert cadres(app) == set()
    with app.extensions["cadreflow.sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
