"""The post's 岗位类别 in the registry: set by the edit commands and pages, carried by the workbook, on record."""

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import AuditEvent
from tests.registry.sheets import cadre
from tests.registry.sheets import import_file
from tests.registry.sheets import table
from tests.registry.sheets import valid_sheets
from tests.registry.sheets import workbook
from tests.registry.test_registry_edit import ACTOR
from tests.registry.test_registry_edit import AT
from tests.registry.test_registry_edit import build
from tests.registry.test_registry_edit import refused
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import signed_in
from workflows.registry import cadre_records
from workflows.registry import edit as registry_edit
from workflows.registry.demo import seed_registry
from workflows.registry.workbook.exporting import export_workbook
from workflows.registry.workbook.reading import CadreImportError
from workflows.registry.workbook.sheets import CADRES


def test_classify_post_sets_the_current_post_s_category_on_record(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        post = registry_edit.classify_post(session, ACTOR, AT, ids["QP0003"], "finance")
        assert (post.title, post.category, post.same_post_start) == ("一级主任科员", "finance", date(2018, 3, 1))
    with sessions.begin() as session:  # the same value again changes and records nothing
        registry_edit.classify_post(session, ACTOR, AT, ids["QP0003"], "finance")
    with sessions() as session:
        payloads = [json.loads(e.payload) for e in session.scalars(select(AuditEvent))]
        assert payloads == [{"cadre": "QP0003", "changes": {"post_category": [None, "finance"]}}]
        facts = next(f for f in cadre_records.all_facts(session) if f.cadre_id == "QP0003")
        assert facts.post.category == "finance"
        assert cadre_records.snapshot(cadre_records.find_cadre(session, "QP0003"))["post_category"] == "finance"


def test_a_category_outside_the_list_is_refused_naming_the_field(sessions):
    ids = build(sessions)
    error = refused(sessions, registry_edit.classify_post, ids["QP0003"], "canteen")
    assert set(error.errors) == {"category"} and "财务" in error.errors["category"]
    error = refused(sessions, registry_edit.appoint, ids["QP0003"], {
        "section_id": ids["S2"], "title": "二级主任科员", "is_leadership": False, "start_date": date(2026, 1, 5),
        "appointment_mode": "transfer", "category": "canteen"})
    assert set(error.errors) == {"category"}


def test_an_appointment_records_the_new_post_s_category(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        registry_edit.appoint(session, ACTOR, AT, ids["QP0003"], {
            "section_id": ids["S2"], "title": "二级主任科员", "is_leadership": False,
            "start_date": date(2026, 1, 5), "appointment_mode": "transfer", "category": "audit"})
    with sessions() as session:
        post = cadre_records.find_cadre(session, "QP0003").current_post
        assert (post.category, post.same_post_start) == ("audit", date(2026, 1, 5))


def test_the_workbook_carries_the_category_both_ways(sessions):
    sheets = valid_sheets()
    header = sheets[CADRES.name][0]
    column = header.index("岗位类别")
    sheets[CADRES.name][3][column] = "财务"  # QP0102, 一级主任科员
    import_file(sessions, workbook(sheets))
    with sessions() as session:
        assert cadre(session, "QP0102").current_post.category == "finance"
        exported = load_workbook(io.BytesIO(export_workbook(session)))[CADRES.name]
    cells = {row[0].value: row[column].value for row in exported.iter_rows(min_row=2)}
    assert (cells["QP0102"], cells["QP0103"]) == ("财务", None)
    # A correction of the category alone keeps the post (and its ten years): corrected in place.
    sheets[CADRES.name][3][column] = "审计"
    import_file(sessions, workbook(sheets))
    with sessions() as session:
        posts = cadre(session, "QP0102").posts
        assert [(post.category, post.end_date) for post in posts] == [("audit", None)]


def test_a_bad_category_cell_is_named_by_sheet_row_and_column(sessions):
    sheets = valid_sheets()
    rows = table(CADRES, *[dict(zip(sheets[CADRES.name][0], row, strict=True)) for row in sheets[CADRES.name][1:]])
    rows[2][rows[0].index("岗位类别")] = "食堂"
    sheets[CADRES.name] = rows
    with pytest.raises(CadreImportError) as refused_import:
        import_file(sessions, workbook(sheets))
    (error,) = refused_import.value.cell_errors
    assert str(error).startswith("干部表第 3 行「岗位类别」") and "财务" in str(error)


@pytest.fixture
def app(db_url, clock):
    app = make_app(db_url, clock)
    yield app
    app.extensions["cadreflow.engine"].dispose()


def test_the_cadre_page_sets_the_category_of_the_current_post(app, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    sessions = app.extensions["cadreflow.sessions"]
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
        target = cadre_records.find_cadre(session, "QP0004").id
    add_user(app, "wangmin", "personnel_office")
    client = signed_in(app, "wangmin")
    assert "岗位类别" in client.get(f"/registry/{target}").get_data(as_text=True)
    assert client.post(f"/registry/{target}/post-category", data={"category": "finance"}).status_code == 302
    bad = client.post(f"/registry/{target}/post-category", data={"category": "canteen"})
    assert bad.status_code == 422 and "岗位类别" in bad.get_data(as_text=True)
    with sessions() as session:
        assert cadre_records.find_cadre(session, "QP0004").current_post.category == "finance"
