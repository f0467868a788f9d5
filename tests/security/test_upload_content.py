"""An uploaded file's content must be what its extension says: no page in a .txt, no fake PDF; downloads stay files."""

import io
import struct
import zlib

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import Attachment
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import app  # noqa: F401 - the app fixture, here on SQLite only (db_url below)
from tests.webapp.conftest import signed_in
from tests.webapp.test_task_pages import open_task
from workflows.engine.clock import FixedClock
from workflows.errors import InvalidData
from workflows.forms import attachments

ANALYSIS = {"vacancy_exists": "1", "headcount_note": "核定 1 名，空缺 1 名", "analysis": "原科长轮岗后空缺，需选拔"}
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
ZIP = b"PK\x03\x04" + b"\0" * 26


def png() -> bytes:
    """A real one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0"))
            + chunk(b"IEND", b""))


GOOD = [("扫描件.pdf", PDF), ("照片.png", png()), ("照片.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 20),
        ("表.docx", ZIP), ("表.xlsx", ZIP), ("公文.ofd", ZIP), ("旧表.doc", OLE), ("旧表.xls", OLE),
        ("文稿.wps", OLE), ("说明.txt", "情况说明：经核实，无异常。\n".encode()),
        ("说明（GBK）.txt", "情况说明：经核实，无异常。".encode("gb18030")),
        ("带BOM.txt", "\ufeff说明".encode()), ("比较.txt", "a < b 且 b > c\n<不是标签>".encode())]
PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
BAD = [("说明.txt", PAGE, "网页"), ("说明.txt", b"  \n<script>alert(1)</script>", "网页"),
       ("说明.txt", b"\xef\xbb\xbf<HTML><body>x", "网页"), ("图.txt", b'<svg onload="alert(1)">', "网页"),
       ("说明.txt", b'<?xml version="1.0"?><x/>', "网页"), ("说明.txt", b"<iframe src=x>", "网页"),
       ("说明.txt", b"text\0with\0nul", "纯文本"), ("扫描件.pdf", PAGE, "不符"),
       ("扫描件.pdf", b"not a pdf at all", "不符"), ("照片.png", PDF, "不符"), ("照片.jpg", png(), "不符"),
       ("表.docx", OLE, "不符"), ("旧表.doc", ZIP, "不符"), ("表.xlsx", PAGE, "不符")]


def ids(cases) -> list[str]:
    return [f"{number}{case[0][case[0].rindex('.'):]}" for number, case in enumerate(cases)]


@pytest.mark.parametrize(("name", "content"), GOOD, ids=ids(GOOD))
def test_a_file_whose_content_is_its_type_is_accepted(name, content):
    assert attachments.check("attachments", "附件", name, content) == attachments.TYPES[name[name.rindex("."):]]


@pytest.mark.parametrize(("name", "content", "words"), BAD, ids=ids(BAD))
def test_a_file_whose_content_is_not_its_type_is_refused_naming_it(name, content, words):
    with pytest.raises(InvalidData) as refused:
        attachments.check("attachments", "附件", name, content)
    message = str(refused.value.errors["attachments"])
    assert name in message and words in message


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: what is checked is the file, not the database."""
    return f"sqlite:///{tmp_path / 'uploads.sqlite'}"


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def run(app, sessions, clock):  # noqa: F811 - the imported fixture
    app.config["WTF_CSRF_ENABLED"] = False
    return steps.start(Bureau(sessions, clock, ["cadre_selection.bpmn"]))


def stored(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Attachment))


def test_through_the_task_page_a_bad_file_refuses_all_and_good_ones_download_as_files(app, run, sessions):  # noqa: F811
    client, task = signed_in(app, "organiser"), open_task(run, "analysis")
    version = run.case.version
    for name, content in (("说明.txt", PAGE), ("扫描件.pdf", PAGE)):
        response = client.post(f"/tasks/{task.id}", content_type="multipart/form-data", data={
            **ANALYSIS, "attachments": [(io.BytesIO(PDF), "真的.pdf"), (io.BytesIO(content), name)]})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and name in page
        # Nothing half-saved: the good file sent with it is not kept either, and the task is still open.
        assert stored(sessions) == 0 and run.case.version == version and run.pending() == ["analysis"]
    good = [("扫描件.pdf", PDF, "application/pdf"), ("照片.png", png(), "image/png"),
            ("说明.txt", "情况说明".encode(), "text/plain")]
    response = client.post(f"/tasks/{task.id}", content_type="multipart/form-data", data={
        **ANALYSIS, "attachments": [(io.BytesIO(content), name) for name, content, _ in good]})
    assert response.status_code == 302 and stored(sessions) == 3
    with sessions() as session:
        kept = {row.name: row.sha256 for row in session.scalars(select(Attachment))}
    for name, content, kind in good:
        download = client.get(f"/cases/{run.id}/attachments/{kept[name]}")
        assert download.data == content and download.mimetype == kind
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_name_keeps_no_folders_of_the_senders_machine(app, run, sessions):  # noqa: F811
    client, task = signed_in(app, "organiser"), open_task(run, "analysis")
    sent = [(io.BytesIO(PDF), "../../etc/passwd.pdf"), (io.BytesIO(PDF + b" "), "/home/wangmin/桌面/报告.pdf")]
    response = client.post(f"/tasks/{task.id}", content_type="multipart/form-data",
                           data={**ANALYSIS, "attachments": sent})
    assert response.status_code == 302
    with sessions() as session:
        assert sorted(session.scalars(select(Attachment.name))) == ["passwd.pdf", "报告.pdf"]
