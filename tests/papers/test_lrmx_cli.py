"""`cadreflow export-lrmx` and `cadreflow import-lrmx`: exit 1 naming the file and element, nothing half-saved."""

import dataclasses
import json

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from tests.papers.lrmx_fixtures import FIXTURE
from tests.papers.lrmx_fixtures import counts
from tests.papers.lrmx_fixtures import edited
from tests.webapp.conftest import make_app
from workflows.papers import lrmx
from workflows.papers.approval_registry import collect
from workflows.registry.cadre_records import find_cadre
from workflows.registry.demo import seed_registry


@pytest.fixture
def app(db_url, clock):
    app = make_app(db_url, clock)
    with app.extensions["cadreflow.sessions"].begin() as session:
        seed_registry(session, clock.now().date())
    yield app
    app.extensions["cadreflow.engine"].dispose()


def run(app, *args):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def test_export_writes_the_cadres_file_and_records_it(app, clock, tmp_path):
    out = tmp_path / "崔英.lrmx"
    result = run(app, "export-lrmx", "QP0003", "--out", out)
    assert result.exit_code == 0, result.output
    sessions = app.extensions["cadreflow.sessions"]
    with sessions() as session:
        form = collect(session, find_cadre(session, "QP0003"), at=clock.now().date())
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert lrmx.read(out.read_bytes(), out.name) == dataclasses.replace(form, staff_no="")  # the file has none
    assert (event.type, json.loads(event.payload)) == (
        "registry.form_viewed", {"cadre": "QP0003", "what": "lrmx_export"})


def test_export_of_an_unknown_cadre_fails_and_writes_no_file(app, tmp_path):
    out = tmp_path / "x.lrmx"
    result = run(app, "export-lrmx", "QP9999", "--out", out)
    assert result.exit_code == 1
    assert "QP9999" in result.output and not out.exists()


def test_a_dry_run_prints_the_plan_and_writes_nothing(app, tmp_path):
    sessions = app.extensions["cadreflow.sessions"]
    before = counts(sessions)
    result = run(app, "import-lrmx", FIXTURE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "QP0081" in result.output and "张伟" in result.output
    assert "江苏南通" in result.output  # a change
    assert "上海市青浦区数据局数据应用科科长" in result.output  # a box the registry does not keep
    assert counts(sessions) == before


def test_an_import_writes_every_file_and_a_second_one_changes_nothing(app, tmp_path):
    sessions = app.extensions["cadreflow.sessions"]
    other = tmp_path / "崔英.lrmx"
    assert run(app, "export-lrmx", "QP0003", "--out", other).exit_code == 0
    other.write_bytes(edited(other.read_bytes(), JiGuan="浙江嘉兴"))
    result = run(app, "import-lrmx", FIXTURE, other)
    assert result.exit_code == 0, result.output
    with sessions() as session:
        assert find_cadre(session, "QP0081").name == "张伟"
        assert find_cadre(session, "QP0003").native_place == "浙江嘉兴"
    before = counts(sessions)
    again = run(app, "import-lrmx", FIXTURE, other)
    assert again.exit_code == 0, again.output
    assert counts(sessions) == {**before, "AuditEvent": before["AuditEvent"] + 1}  # only the import's record


@pytest.mark.parametrize("content, element", [
    (b"<Person><XingMing>x</XingMing>", "XML"),
    (b'<!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person><XingMing>&x;</XingMing></Person>',
     "DOCTYPE"),
    (edited(FIXTURE.read_bytes(), ChuShengNianYue="1985-13"), "<ChuShengNianYue>"),
    (edited(FIXTURE.read_bytes(), ShenFenZheng="310118198506120034"), "<ShenFenZheng>"),
])
def test_one_bad_file_fails_the_import_naming_file_and_element_and_nothing_is_written(app, tmp_path, content,
                                                                                      element):
    sessions = app.extensions["cadreflow.sessions"]
    good, bad = tmp_path / "good.lrmx", tmp_path / "坏文件.lrmx"
    good.write_bytes(FIXTURE.read_bytes())
    bad.write_bytes(content)
    before = counts(sessions)
    result = run(app, "import-lrmx", good, bad)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if str(bad) in line and element in line]
    assert errors, result.output
    assert counts(sessions) == before
