"""The 干部任免审批表 of a registry cadre: every box from the registry, as a two-page PDF and as a .docx."""

import io
import re
import subprocess
import zipfile
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn

from tests.papers.approval_people import FAMILY
from tests.papers.approval_people import TEN
from tests.papers.approval_people import dress
from tests.papers.approval_people import overfill
from tests.papers.approval_people import page_count
from tests.papers.approval_people import pdf_text
from tests.papers.approval_people import words
from tests.papers.approval_people import write_pngs
from workflows.papers import approval_docx
from workflows.papers import approval_pdf
from workflows.papers.approval_pdf_layout import BOTTOM
from workflows.papers.approval_pdf_layout import MARGIN_X
from workflows.papers.approval_pdf_layout import TOP
from workflows.papers.approval_pdf_layout import WIDTH
from workflows.papers.approval_registry import collect
from workflows.registry import cadre_records
from workflows.registry.demo import seed_registry

DAY = date(2026, 12, 7)


@pytest.fixture
def registry(sessions):
    with sessions.begin() as session:
        seed_registry(session, date(2026, 9, 1))
        dress(session, "QP0003")
    return sessions


def form_of(sessions, staff_no: str = "QP0003"):
    with sessions() as session:
        return collect(session, cadre_records.find_cadre(session, staff_no), at=DAY, filled_by="王敏",
                       reporting_unit="上海市青浦区数据局")


def test_collect_fills_every_box_from_the_registry(registry):
    form = form_of(registry)
    assert (form.name, form.gender, form.birth, form.birth_with_age) == ("崔英", "男", "1984.11", "1984.11（42岁）")
    assert (form.ethnicity, form.native_place, form.birthplace, form.health) == ("汉族", "上海青浦", "上海青浦", "健康")
    assert form.party_join == "群众"  # not a party member: the affiliation in words
    assert (form.work_start, form.professional_title) == ("2006.07", "工程师")
    assert (form.ft_education, form.ft_degree, form.ft_school) == ("硕士研究生", "硕士", "华东师范大学统计学专业")
    assert form.current_post == "办公室副科长" and form.proposed_post == form.removed_post == form.reason == ""
    assert [(line.start, line.end) for line in form.resume] == [("2026.03", "")]  # made from the post history
    assert "办公室副科长" in form.resume[0].text
    assert form.rewards == "记三等功（青浦区人民政府，2019.12）。"
    assert form.assessments == "2023年度考核称职；2024年度考核优秀；2025年度考核称职。"
    assert [(row.relation, row.name, row.birth) for row in form.family][:2] == [
        ("妻子", "王丽", "1986.03"), ("儿子", "崔小明", "2012.05")]
    assert form.photo.startswith(b"\x89PNG") and form.photo_type == "image/png"
    assert (form.age_at, form.filled_on, form.filled_by, form.staff_no) == ("2026.12", "2026.12", "王敏", "QP0003")


def test_a_party_member_shows_the_month_of_joining(registry):
    with registry.begin() as session:
        cadre = cadre_records.find_cadre(session, "QP0001")
        cadre.party_join_date = date(2004, 6, 1)
    assert form_of(registry, "QP0001").party_join == "2004.06"


def test_the_pdf_is_two_pages_with_the_registry_values_and_the_font_embedded(registry):
    form = form_of(registry)
    pdf = approval_pdf.render(form)
    assert page_count(pdf) == 2
    text = pdf_text(pdf)
    for value in ("干部任免审批表", "崔英", "1984.11（42岁）", "上海青浦", "硕士研究生", "华东师范大学统计学专业",
                  "办公室副科长", "2026.03--", "记三等功（青浦区人民政府，2019.12）", "2024年度考核优秀",
                  "上海市青浦区数据局", "填表人：王敏", "计算年龄时间：2026.12"):
        assert value in text, value
    for relation, name, _born, _status, work in FAMILY:
        assert f"{relation}{name}" in text and work in text
    assert "王丽" in pdf_text(pdf, 2) and "简历" not in pdf_text(pdf, 2)  # the family on page 2, the 简历 on page 1
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True, text=False).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(re.search(r"\byes\b", row.split("TrueType")[-1]) for row in rows), fonts
    assert b"FontFile2" in pdf and b"STSong" not in pdf
    assert approval_pdf.render(form) == pdf  # the same form, the same bytes (the case record keeps sha256s)
    assert len(write_pngs(pdf, "approval-form-normal")) == 2


def test_a_long_resume_and_ten_family_members_stay_inside_the_page_and_the_frame(registry):
    with registry.begin() as session:
        overfill(session, "QP0003")
    form = form_of(registry)
    assert len(form.resume) == 40 and len(form.family) == 10
    pdf = approval_pdf.render(form)
    assert page_count(pdf) == 3  # the two pages and one continuation sheet of the 简历
    found = words(pdf)
    frame = (MARGIN_X, 842 - TOP, MARGIN_X + WIDTH, 842 - BOTTOM)  # top-left origin, as pdftotext measures
    outside = []
    for page, x0, y0, x1, y1, text, width, height in found:
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (page, text)
        if not (frame[0] <= x0 and x1 <= frame[2] and frame[1] <= y0 and y1 <= frame[3] + 0.5):
            outside.append((page, text))
    # Only the titles above the frame and the 填表 line below it are outside the table.
    titles = "".join(text for page, text in outside if page != 2)
    assert titles == "干部任免审批表干部任免审批表（续页）崔英"
    assert "".join(text for page, text in outside if page == 2).startswith("计算年龄时间：2026.12")
    page_one, continued = pdf_text(pdf, 1), pdf_text(pdf, 3)
    assert "（续见附页）" in page_one and "简历（续）" in continued
    for number in range(1, 41):  # every period is printed, on the form or on the continuation sheet
        assert f"第{number}段" in page_one + continued
    assert "1980.01--1980.07" in page_one and "1999.07--" in continued
    family_page = pdf_text(pdf, 2)
    assert all(name in family_page for name in TEN)
    assert len(write_pngs(pdf, "approval-form-long")) == 3


def test_a_longer_resume_shrinks_on_page_one_before_it_continues(registry):
    with registry.begin() as session:
        overfill(session, "QP0003")
    form = form_of(registry)
    short = form.__class__(**{**form.__dict__, "resume": tuple(
        line.__class__(line.start, line.end, f"青浦区数据局办公室科员{number}") for number, line in
        enumerate(form.resume[:34]))})
    pdf = approval_pdf.render(short)
    assert page_count(pdf) == 2 and "（续见附页）" not in pdf_text(pdf)
    assert all(f"办公室科员{number}" in pdf_text(pdf, 1) for number in range(34))


def test_the_docx_holds_the_same_values_in_two_tables_with_the_east_asian_font(registry):
    form = form_of(registry)
    data = approval_docx.render(form)
    document = docx.Document(io.BytesIO(data))
    first, second = document.tables
    cells = "".join(cell.text for row in first.rows for cell in row.cells)
    for value in ("崔英", "1984.11（42岁）", "上海青浦", "硕士研究生", "华东师范大学统计学专业", "办公室副科长",
                  "2026.03--"):
        assert value in cells, value
    back = "".join(cell.text for row in second.rows for cell in row.cells)
    for value in ("记三等功", "2024年度考核优秀", "王丽", "崔小明", "上海市青浦区数据局"):
        assert value in back, value
    assert "填表人：王敏" in document.paragraphs[-1].text
    assert len(first.rows[0].cells[6]._tc.xpath(".//pic:pic")) == 1  # the photo in the merged photo cell
    runs = [run for row in first.rows for cell in row.cells for paragraph in cell.paragraphs
            for run in paragraph.runs if run.text]
    east_asia = {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs}
    assert east_asia == {"宋体"}
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"  # what the office types
    # the page break between the two pages
    assert b'w:type="page"' in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert approval_docx.render(form) == data
    assert document.core_properties.created.year == 2026 and document.core_properties.title == "干部任免审批表 崔英"

