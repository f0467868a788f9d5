"""The .lrmx pages through the test client: the download, and import as upload -> preview -> confirm, with the
clerk's mistakes (a workbook instead, the same file twice, a bad file, confirming twice, a change meanwhile)."""

import html
import io
import json
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from tests.papers.lrmx_fixtures import FIXTURE
from tests.papers.lrmx_fixtures import counts
from tests.papers.lrmx_fixtures import edited
from tests.papers.lrmx_fixtures import exported
from tests.webapp.conftest import registry_site
from tests.webapp.conftest import signed_in
from workflows.actors import Actor
from workflows.papers import lrmx
from workflows.registry.cadre_records import find_cadre
from workflows.registry.personal_edit import update_personal

OTHER_CLERK = Actor(None, "cli:colleague", frozenset({"personnel_office"}))


@pytest.fixture
def site(app, clock, tmp_path):
    app.config["STAGING_DIR"] = str(tmp_path / "staging")
    return registry_site(app, clock)


def sessions_of(app):
    return app.extensions["cadreflow.sessions"]


def upload(client, *files: tuple[str, bytes]):
    return client.post("/registry/lrmx-import", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(data), name) for name, data in files]})


def confirm_form(page: str) -> dict:
    """The hidden fields of the preview's confirm form."""
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="(token|fingerprint)" value="([^"]*)"', page)}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def a_changed_export(app, clock) -> bytes:
    with sessions_of(app)() as session:
        return edited(exported(session, "QP0003", clock.now().date()), JiGuan="浙江嘉兴")


def test_the_cadre_page_offers_the_download_and_it_is_recorded(site):
    client = signed_in(site, "wangmin")
    with sessions_of(site)() as session:
        cadre = find_cadre(session, "QP0003")
    page = client.get(f"/registry/{cadre.id}").get_data(as_text=True)
    assert 'href="/registry/cadres/QP0003/lrmx"' in page
    response = client.get("/registry/cadres/QP0003/lrmx")
    assert response.status_code == 200
    assert unquote(response.headers["Content-Disposition"]).endswith(f"UTF-8''{cadre.name}.lrmx")
    assert response.headers["Cache-Control"] == "private, no-store"
    form = lrmx.read(response.data, "download.lrmx")
    assert (form.name, form.identity_no) == (cadre.name, cadre.identity_no)
    with sessions_of(site)() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.type, json.loads(event.payload)) == ("registry.form_viewed",
                                                       {"cadre": "QP0003", "what": "lrmx_export"})


def test_the_download_is_for_the_registrys_readers_only(site):
    assert signed_in(site, "zhouting").get("/registry/cadres/QP0003/lrmx").status_code == 200
    assert signed_in(site, "lihua").get("/registry/cadres/QP0003/lrmx").status_code == 403
    assert signed_in(site, "wangmin").get("/registry/cadres/QP9999/lrmx").status_code == 404
    assert signed_in(site, "zhouting").get("/registry/lrmx-import").status_code == 403


def test_upload_preview_confirm_creates_and_updates(site, clock):
    client = signed_in(site, "wangmin")
    assert "/registry/lrmx-import" in client.get("/registry").get_data(as_text=True)
    before = counts(sessions_of(site))
    response = upload(client, (FIXTURE.name, FIXTURE.read_bytes()), ("崔英.lrmx", a_changed_export(site, clock)))
    assert response.status_code == 303 and response.headers["Location"].endswith("/registry/lrmx-import/preview")
    preview = client.get("/registry/lrmx-import/preview")
    page = text(preview)
    assert preview.status_code == 200
    assert "QP0081" in page and "张伟" in page and "QP0003" in page
    assert "浙江嘉兴" in page and "同济大学计算机科学与技术专业" in page
    assert counts(sessions_of(site)) == before  # a preview writes nothing
    done = client.post("/registry/lrmx-import/confirm", data=confirm_form(page))
    assert done.status_code == 303
    with sessions_of(site)() as session:
        assert find_cadre(session, "QP0081").name == "张伟"
        assert find_cadre(session, "QP0003").native_place == "浙江嘉兴"
    after = counts(sessions_of(site))
    assert after["Cadre"] == before["Cadre"] + 1
    assert "QP0081" in client.get(done.headers["Location"]).get_data(as_text=True)  # the flash names it
    # The confirm button pressed twice (the second request sent before the first answer came).
    again = client.post("/registry/lrmx-import/confirm", data=confirm_form(page))
    assert again.status_code == 303
    assert counts(sessions_of(site)) == after


def test_a_workbook_uploaded_by_mistake_is_refused_by_name(site):
    client = signed_in(site, "wangmin")
    response = upload(client, ("干部名册.xlsx", b"PK\x03\x04 not a form"))
    assert response.status_code == 422
    assert "干部名册.xlsx" in text(response)
    assert client.get("/registry/lrmx-import/preview").status_code == 409  # nothing was kept


def test_the_same_file_twice_is_shown_and_cannot_be_confirmed(site):
    client = signed_in(site, "wangmin")
    data = FIXTURE.read_bytes()
    upload(client, ("张伟.lrmx", data), ("张伟(1).lrmx", data))
    preview = client.get("/registry/lrmx-import/preview")
    page = text(preview)
    assert preview.status_code == 422
    assert "张伟(1).lrmx：与 张伟.lrmx 是同一个文件（重复上传）" in page
    assert 'name="fingerprint"' not in page


def test_a_bad_file_is_named_with_its_element_and_a_forced_confirm_writes_nothing(site, clock):
    client = signed_in(site, "wangmin")
    bad = edited(FIXTURE.read_bytes(), ChuShengNianYue="1985-13")
    xxe = b'<!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person><XingMing>&x;</XingMing></Person>'
    upload(client, ("崔英.lrmx", a_changed_export(site, clock)), ("张伟.lrmx", bad), ("xxe.lrmx", xxe))
    preview = client.get("/registry/lrmx-import/preview")
    page = text(preview)
    assert preview.status_code == 422
    assert "张伟.lrmx：元素 <ChuShengNianYue> 的值「1985-13」不是年月（yyyyMM）" in page
    assert "xxe.lrmx：不允许 DOCTYPE 或实体声明（DTD/ENTITY）" in page
    assert "root:" not in page
    assert 'name="token"' not in page  # the page offers no confirmation; a crafted one is posted anyway
    before = counts(sessions_of(site))
    with client.session_transaction() as cookie:
        staged = cookie["staged.lrmx_import"]["token"]
    forced = client.post("/registry/lrmx-import/confirm", data={"token": staged, "fingerprint": "x"})
    assert forced.status_code == 303 and forced.headers["Location"].endswith("/registry/lrmx-import/preview")
    assert counts(sessions_of(site)) == before
    assert client.get("/registry/lrmx-import/preview").status_code == 422  # the files are still there to see


def test_a_change_to_the_registry_after_the_preview_asks_for_a_new_preview(site, clock):
    client = signed_in(site, "wangmin")
    upload(client, ("崔英.lrmx", a_changed_export(site, clock)))
    page = text(client.get("/registry/lrmx-import/preview"))
    with sessions_of(site).begin() as session:
        update_personal(session, OTHER_CLERK, clock.now(), find_cadre(session, "QP0003").id,
                        {"native_place": "安徽合肥"})
    before = counts(sessions_of(site))
    refused = client.post("/registry/lrmx-import/confirm", data=confirm_form(page))
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/registry/lrmx-import/preview")
    assert counts(sessions_of(site)) == before
    fresh = text(client.get("/registry/lrmx-import/preview"))
    assert "安徽合肥" in fresh  # the new preview shows what the registry holds now
    assert client.post("/registry/lrmx-import/confirm", data=confirm_form(fresh)).status_code == 303
    with sessions_of(site)() as session:
        assert find_cadre(session, "QP0003").native_place == "浙江嘉兴"


def test_no_files_chosen(site):
    client = signed_in(site, "wangmin")
    response = client.post("/registry/lrmx-import", content_type="multipart/form-data", data={})
    assert response.status_code == 422
