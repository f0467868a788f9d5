"""Files on tasks: stored with the case, their sha256 on record, downloaded only by those who may read the case."""

import hashlib
import io
import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import Attachment
from storage.models import AuditEvent
from tests.conftest import make_actor
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import signed_in
from tests.webapp.test_task_pages import open_task
from workflows.engine.clock import FixedClock
from workflows.forms.attachments import MAX_BYTES

ANALYSIS = {"vacancy_exists": "1", "headcount_note": "核定 1 名，空缺 1 名", "analysis": "原科长轮岗后空缺，需选拔"}
PDF = b"%PDF-1.7\n" + "干部职数核定表".encode() * 50


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def run(app, sessions, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return steps.start(Bureau(sessions, clock, ["cadre_selection.bpmn"]))


def stored(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Attachment))


def test_an_attached_file_is_on_record_by_its_sha256_and_downloads(app, run, sessions):
    client = signed_in(app, "organiser")
    task = open_task(run, "analysis")
    response = client.post(f"/tasks/{task.id}", content_type="multipart/form-data",
                           data={**ANALYSIS, "attachments": (io.BytesIO(PDF), "职数核定表.pdf")})
    assert response.status_code == 302
    with sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "task.completed")).one()
    digest = hashlib.sha256(PDF).hexdigest()
    assert json.loads(event.payload)["data"]["attachments"] == [{"name": "职数核定表.pdf", "sha256": digest,
                                                                 "size": len(PDF)}]
    page = client.get(f"/cases/{run.id}").get_data(as_text=True)
    assert f"/cases/{run.id}/attachments/{digest}" in page and "职数核定表.pdf" in page
    download = client.get(f"/cases/{run.id}/attachments/{digest}")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    make_actor(sessions, "member7", "party_group")
    assert signed_in(app, "member7").get(f"/cases/{run.id}/attachments/{digest}").status_code == 403


@pytest.mark.parametrize(("name", "content", "words"), [
    ("run.exe", b"MZ...", "类型不允许"), ("空.pdf", b"", "空文件"), ("大.pdf", b"0" * (MAX_BYTES + 1), "过大")])
def test_a_refused_file_names_the_field_and_saves_nothing(app, run, sessions, name, content, words):
    version = run.case.version
    task = open_task(run, "analysis")
    response = signed_in(app, "organiser").post(f"/tasks/{task.id}", content_type="multipart/form-data",
                                                data={**ANALYSIS, "attachments": (io.BytesIO(content), name)})
    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert stored(sessions) == 0 and run.case.version == version and run.pending() == ["analysis"]


def test_a_file_of_a_refused_form_is_not_kept(app, run, sessions):
    task = open_task(run, "analysis")
    response = signed_in(app, "organiser").post(f"/tasks/{task.id}", content_type="multipart/form-data",
                                                data={"attachments": (io.BytesIO(PDF), "表.pdf")})
    assert response.status_code == 422 and stored(sessions) == 0
