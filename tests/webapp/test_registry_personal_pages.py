"""The form's personal fields on the cadre page: readers only, each view on record; edits through the pages with
the typed values and a message per field when refused; the photo served uncached to readers only."""

import hashlib
import io
import json

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import CadrePhoto
from storage.models import FamilyMember
from storage.models import ResumeEntry
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows.registry.identity_no import check_character


@pytest.fixture
def site(app, clock):
    return registry_site(app, clock)


def stored(app, staff_no: str) -> Cadre:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(Cadre).where(Cadre.staff_no == staff_no))


def count(app, model, *where) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def events(app, kind: str) -> int:
    return count(app, AuditEvent, AuditEvent.type == kind)


def number_for(cadre: Cadre, sequence: int = 1) -> str:
    """A valid identity number agreeing with the record (the 17th digit odd for a man, even for a woman)."""
    first = f"310118{cadre.birth_date:%Y%m%d}{sequence * 2 + (cadre.gender == 'male'):03d}"
    return first + check_character(first)


def png(size=(120, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_the_personal_section_is_for_registry_readers_and_each_view_is_recorded(site):
    target = stored(site, "QP0001")
    for username in ("wangmin", "zhouting"):
        page = signed_in(site, username).get(f"/registry/{target.id}").get_data(as_text=True)
        assert 'id="personal"' in page and "公民身份号码" in page and target.identity_no in page
        assert 'id="family"' in page and 'id="resume"' in page
    assert events(site, "registry.form_viewed") == 2
    refused = signed_in(site, "lihua").get(f"/registry/{target.id}")
    assert refused.status_code == 403 and target.identity_no not in refused.get_data(as_text=True)
    assert events(site, "registry.form_viewed") == 2
    assert signed_in(site, "wangmin").get("/registry/999999").status_code == 404
    assert events(site, "registry.form_viewed") == 2


def test_the_edit_pages_are_for_the_office_only(site):
    target = stored(site, "QP0001")
    auditor = signed_in(site, "zhouting")
    for path in ("personal", "family", "resume", "photo/edit", "awards/new"):
        assert auditor.get(f"/registry/{target.id}/{path}").status_code == 403
        assert signed_in(site, "lihua").get(f"/registry/{target.id}/{path}").status_code == 403
        assert signed_in(site, "wangmin").get(f"/registry/{target.id}/{path}").status_code == 200
    assert auditor.post(f"/registry/{target.id}/personal", data={"health": "良好"}).status_code == 403
    assert stored(site, "QP0001").health == target.health


def test_a_bad_identity_number_is_shown_again_with_its_message(site):
    target = stored(site, "QP0002")
    client = signed_in(site, "wangmin")
    wrong = number_for(target)[:17] + ("0" if number_for(target)[17] != "0" else "1")
    response = client.post(f"/registry/{target.id}/personal", data={
        "identity_no": wrong, "native_place": "浙江嘉兴", "health": "健康"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "公民身份号码校验位不符：应为" in page
    assert f'value="{wrong}"' in page and 'value="浙江嘉兴"' in page  # what was typed stays
    assert stored(site, "QP0002").native_place == target.native_place  # nothing half-saved
    with site.extensions["cadreflow.sessions"].begin() as session:  # a namesake born the same day holds the number
        other = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0003"))
        other.birth_date, other.gender, other.identity_no = target.birth_date, target.gender, number_for(target, 3)
    response = client.post(f"/registry/{target.id}/personal", data={"identity_no": number_for(target, 3)})
    assert response.status_code == 422
    assert f"已登记在干部 QP0003（{other.name}）名下" in response.get_data(as_text=True)
    response = client.post(f"/registry/{target.id}/personal", data={
        "identity_no": number_for(target, 2).lower(), "native_place": "浙江嘉兴", "rewards_text": "",
        "assessment_text": "近三年考核均为称职。"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#personal")
    after = stored(site, "QP0002")
    assert (after.identity_no, after.native_place, after.assessment_text) == (
        number_for(target, 2), "浙江嘉兴", "近三年考核均为称职。")
    page = client.get(f"/registry/{target.id}").get_data(as_text=True)
    assert "近三年考核均为称职。" in page and "浙江嘉兴" in page


def test_family_rows_are_named_when_wrong_and_saved_as_a_table(site):
    target = stored(site, "QP0005")
    client = signed_in(site, "wangmin")
    form = {"family-1-relation": "妻子", "family-1-name": "刘芳", "family-1-birth": "1988.04",
            "family-2-relation": "女儿", "family-2-name": "王一诺", "family-2-birth": "2024.13",
            "family-4-relation": "", "family-4-name": "王大海", "family-4-birth": "1960-01"}
    response = client.post(f"/registry/{target.id}/family", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 2 行「出生年月」：“2024.13”的月份应在 01 到 12 之间" in page and "第 4 行「称谓」为必填项" in page
    assert 'value="2024.13"' in page and 'value="王大海"' in page
    before = count(site, FamilyMember, FamilyMember.cadre_id == target.id)
    table = {**{f"family-{n}-name": "" for n in range(1, 11)}, **form}  # the ten rows the page shows
    more = client.post(f"/registry/{target.id}/family", data={**table, "more": "1"}).get_data(as_text=True)
    assert 'name="family-15-name"' in more and 'name="family-16-name"' not in more and 'value="王大海"' in more
    assert count(site, FamilyMember, FamilyMember.cadre_id == target.id) == before
    form.update({"family-2-birth": "2014.03", "family-4-relation": "父亲"})
    response = client.post(f"/registry/{target.id}/family", data=form)
    assert response.status_code == 302
    with site.extensions["cadreflow.sessions"]() as session:
        rows = session.scalars(select(FamilyMember).where(FamilyMember.cadre_id == target.id)
                               .order_by(FamilyMember.position)).all()
        assert [(row.position, row.relation, row.name) for row in rows] == [
            (1, "妻子", "刘芳"), (2, "女儿", "王一诺"), (3, "父亲", "王大海")]
    page = client.get(f"/registry/{target.id}").get_data(as_text=True)
    assert "王一诺" in page and "2014.03" in page
    assert events(site, "registry.family_updated") == 1


def test_the_resume_page_refuses_two_open_periods_and_generates_from_posts(site):
    target = stored(site, "QP0006")
    client = signed_in(site, "wangmin")
    form = client.get(f"/registry/{target.id}/resume").get_data(as_text=True)
    assert "上海市青浦区数据局" in form  # made from the post history until one is stored
    text = "2005.07--  上海市青浦区某镇科员\n2012.03--  上海市青浦区数据局科员"
    response = client.post(f"/registry/{target.id}/resume", data={"resume": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 1 行没有终止年月，但只有最后一段经历可以写到“至今”" in page
    assert "2005.07--  上海市青浦区某镇科员" in page
    assert count(site, ResumeEntry, ResumeEntry.cadre_id == target.id) == 0
    response = client.post(f"/registry/{target.id}/resume", data={
        "resume": "2005.07--2012.03  上海市青浦区某镇科员\n2012.03--  上海市青浦区数据局科员"})
    assert response.status_code == 302
    assert count(site, ResumeEntry, ResumeEntry.cadre_id == target.id) == 2
    page = client.get(f"/registry/{target.id}").get_data(as_text=True)
    assert '<td>2005.07--2012.03</td><td lang="zh-CN">上海市青浦区某镇科员</td>' in page
    response = client.post(f"/registry/{target.id}/resume/generate")
    assert response.status_code == 302
    assert count(site, ResumeEntry, ResumeEntry.cadre_id == target.id) == 1  # the demo cadre's one post
    assert events(site, "registry.resume_updated") == 2


def test_awards_are_added_through_the_page_and_make_the_rewards_text(site):
    target = stored(site, "QP0007")
    client = signed_in(site, "wangmin")
    response = client.post(f"/registry/{target.id}/awards/new", data={"awarded_on": "2024-13-01", "title": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "获奖日期" in page
    response = client.post(f"/registry/{target.id}/awards/new", data={
        "awarded_on": "2024-12-20", "title": "记三等功", "granted_by": "青浦区人民政府"})
    assert response.status_code == 302
    page = client.get(f"/registry/{target.id}").get_data(as_text=True)
    assert "记三等功（青浦区人民政府，2024.12）" in page


def test_the_photo_is_uploaded_checked_and_served_uncached_to_readers(site):
    target = stored(site, "QP0008")
    client = signed_in(site, "wangmin")
    response = client.post(f"/registry/{target.id}/photo/edit",
                           data={"photo": (io.BytesIO(b"<html>not a photo</html>"), "photo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "照片只能是 JPEG 或 PNG 格式的图片" in response.get_data(as_text=True)
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024)
    response = client.post(f"/registry/{target.id}/photo/edit", data={"photo": (io.BytesIO(big), "big.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "超过上限 2048 KB" in response.get_data(as_text=True)
    assert count(site, CadrePhoto, CadrePhoto.cadre_id == target.id) == 0
    picture = png()
    response = client.post(f"/registry/{target.id}/photo/edit", data={"photo": (io.BytesIO(picture), "me.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    for username in ("wangmin", "zhouting"):
        served = signed_in(site, username).get(f"/registry/{target.id}/photo")
        assert served.status_code == 200 and served.data == picture and served.mimetype == "image/png"
        assert served.headers["Cache-Control"] == "no-store"
    assert signed_in(site, "lihua").get(f"/registry/{target.id}/photo").status_code == 403
    assert '/photo?v=' in client.get(f"/registry/{target.id}").get_data(as_text=True)
    response = client.post(f"/registry/{target.id}/photo/edit", data={"remove": "1"})
    assert response.status_code == 302 and client.get(f"/registry/{target.id}/photo").status_code == 404
    assert (events(site, "registry.photo_set"), events(site, "registry.photo_removed")) == (1, 1)


def test_each_export_of_the_registry_is_recorded_with_its_hash(site, tmp_path):
    client = signed_in(site, "zhouting")
    for kind in ("xlsx", "csv"):
        body = client.get(f"/registry/export.{kind}").data
        assert body
    cli = site.test_cli_runner().invoke(args=["export-cadres", str(tmp_path / "registry.xlsx")])
    assert cli.exit_code == 0, cli.output
    with site.extensions["cadreflow.sessions"]() as session:
        recorded = [json.loads(payload) for payload in session.scalars(
            select(AuditEvent.payload).where(AuditEvent.type == "registry.exported").order_by(AuditEvent.seq))]
    assert [row["what"] for row in recorded] == ["registry_xlsx", "registry_csv", "registry_xlsx"]
    assert recorded[1]["sha256"] == hashlib.sha256(body).hexdigest()
    assert recorded[2]["sha256"] == hashlib.sha256((tmp_path / "registry.xlsx").read_bytes()).hexdigest()
