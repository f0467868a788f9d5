"""The auditor's pages: search, replay, verification, downloads; read-only for auditors, closed to everyone else."""

import io
import json
import re
import subprocess
from urllib.parse import quote

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from storage import append_only
from storage.models import AuditEvent
from storage.models import Case
from tests.procedures import selection_steps as steps
from tests.procedures.driver import Bureau
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows.record import checkpoints
from workflows.registry import cadre_records


@pytest.fixture
def site(app, clock, tmp_path):
    """A selection past its motion, a signing key and a checkpoint; an auditor, an admin and the office."""
    app.config["WTF_CSRF_ENABLED"] = False  # the kept-checkpoint test turns it back on
    sessions = app.extensions["cadreflow.sessions"]
    bureau = Bureau(sessions, clock, ["cadre_selection.bpmn"])
    run = steps.start(bureau)
    steps.to_work_plan(run)
    signer = checkpoints.generate_key(tmp_path / "signing.pem")
    app.extensions["cadreflow.signer"] = signer
    with sessions.begin() as session:
        kept = checkpoints.make(session, signer, clock.now())
        cadre_id = cadre_records.find_cadre(session, "QP0003").id
    tokens = {name: add_user(app, name, role) for name, role in (("zhouting", "auditor"), ("root", "admin"))}
    return {"app": app, "case": run.id, "task": run.open_tasks()[0].id, "kept": kept, "signer": signer,
            "cadre": cadre_id, "tokens": tokens}




def denials(app) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.type == "access.denied"))


def case_seqs(app, case_id) -> list[int]:
    with app.extensions["cadreflow.sessions"]() as session:
        return list(session.scalars(select(AuditEvent.seq).where(AuditEvent.case_id == case_id)
                                    .order_by(AuditEvent.seq)))


def version(app, case_id) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.get(Case, case_id).version


def pages(site) -> list[str]:
    case = site["case"]
    return ["/audit", f"/audit/cases/{case}", f"/audit/cases/{case}/verify", "/audit/verify",
            f"/audit/cases/{case}/record.pdf", f"/audit/cases/{case}/bundle.json"]


@pytest.mark.parametrize("username", ["zhouting", "root"])
def test_auditors_and_admins_read_every_page(site, username):
    client = signed_in(site["app"], username)
    for path in pages(site):
        assert client.get(path).status_code == 200, path
    assert "纪实查阅" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["organiser", "secretary"])
def test_everyone_else_is_refused_and_it_goes_on_record(site, username):
    client = signed_in(site["app"], username)
    assert "纪实查阅" not in client.get("/").get_data(as_text=True)
    for path in pages(site):
        before = denials(site["app"])
        assert client.get(path).status_code == 403, path
        assert denials(site["app"]) == before + 1, path
    assert "逐条重放" not in client.get(f"/cases/{site['case']}").get_data(as_text=True)


def test_search_finds_the_case_and_refuses_a_bad_date(site):
    client = signed_in(site["app"], "zhouting")
    page = client.get("/audit", query_string={"step": "提出动议", "process": "cadre_selection"}).get_data(as_text=True)
    assert f'href="/audit/cases/{site["case"]}"' in page
    assert f'href="/audit/cases/{site["case"]}"' not in client.get(
        "/audit", query_string={"status": "completed"}).get_data(as_text=True)
    refused = client.get("/audit", query_string={"started_from": "2026-13-01"})
    assert refused.status_code == 422 and "YYYY-MM-DD" in refused.get_data(as_text=True)


def test_the_replay_view_steps_through_every_event(site):
    client = signed_in(site["app"], "zhouting")
    case, seqs = site["case"], case_seqs(site["app"], site["case"])
    assert "逐条重放" in client.get(f"/cases/{case}").get_data(as_text=True)
    last = client.get(f"/audit/cases/{case}").get_data(as_text=True)
    assert f"第 {len(seqs)} 条，共 {len(seqs)} 条" in last and "重放状态与记录一致" in last
    assert f'href="/audit/cases/{case}?seq={seqs[-2]}">上一条' in last and "svg" in last
    first = client.get(f"/audit/cases/{case}", query_string={"seq": seqs[0]}).get_data(as_text=True)
    assert "发起案件" in first and f'href="/audit/cases/{case}?seq={seqs[1]}">下一条' in first
    assert 'class="added"' in first and "default-2025.1" in first and "cadre_selection" in first
    analysis = client.get(f"/audit/cases/{case}", query_string={"seq": seqs[1]}).get_data(as_text=True)
    assert "①分析研判" in analysis and "②提出动议" in analysis  # closed, and the next step opened
    for seq in seqs:
        assert "重放状态与记录一致" in client.get(f"/audit/cases/{case}?seq={seq}").get_data(as_text=True), seq
    assert client.get(f"/audit/cases/{case}", query_string={"seq": seqs[-1] + 999}).status_code == 404
    assert client.get("/audit/cases/9999").status_code == 404


def test_verify_a_case_and_the_whole_record(site):
    client = signed_in(site["app"], "zhouting")
    case_page = client.get(f"/audit/cases/{site['case']}/verify").get_data(as_text=True)
    assert "完好" in case_page and "校验失败" not in case_page and f"seq {site['kept'].seq}" in case_page
    log_page = client.get("/audit/verify").get_data(as_text=True)
    assert "完好" in log_page and "公钥指纹" in log_page and site["signer"].key_id in log_page
    del site["app"].extensions["cadreflow.signer"]
    assert "未配置签名密钥" in client.get("/audit/verify").get_data(as_text=True)


def test_downloads_are_named_in_chinese_and_hold_the_record(site):
    client = signed_in(site["app"], "zhouting")
    case = site["case"]
    pdf = client.get(f"/audit/cases/{case}/record.pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    disposition = pdf.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(f'案件{case}纪实表.pdf')}" in disposition
    bundle = client.get(f"/audit/cases/{case}/bundle.json")
    assert json.loads(bundle.data)["case"]["id"] == case
    assert f"filename*=UTF-8''{quote(f'案件{case}纪实数据包.json')}" in bundle.headers["Content-Disposition"]


def test_every_command_an_auditor_tries_is_refused_and_recorded(site):
    app, case, task = site["app"], site["case"], site["task"]
    client = signed_in(app, "zhouting")
    recorded, before_version = case_seqs(app, case), version(app, case)
    attempts = [(f"/tasks/{task}", {"plan": "x"}), (f"/tasks/{task}/claim", {}),
                ("/cases/new", {"process": "cadre_selection"}), (f"/cases/{case}/withdraw", {"reason": "x"}),
                (f"/cases/{case}/messages/complaint", {"summary": "来信反映问题"}),
                (f"/registry/{site['cadre']}/edit", {"name": "改名"}),
                ("/admin/users", {"username": "x", "password": "password-123"})]
    for path, form in attempts:
        before = denials(app)
        assert client.post(path, data=form).status_code == 403, path
        assert denials(app) == before + 1, path
    api = app.test_client()
    for path, body in (("/api/v1/cases", {"process": "cadre_selection", "data": steps.POST}),
                       (f"/api/v1/tasks/{task}/complete", {"data": {}}), (f"/api/v1/cases/{case}/cancel", {})):
        before = denials(app)
        response = api.post(path, json=body, headers=bearer(site["tokens"]["zhouting"]))
        assert response.status_code == 403 and denials(app) == before + 1, path
    with app.extensions["cadreflow.sessions"]() as session:  # the case itself did not move
        added = set(session.scalars(select(AuditEvent.type).where(AuditEvent.case_id == case,
                                                                  AuditEvent.seq.not_in(recorded))))
    assert added <= {"access.denied"} and version(app, case) == before_version
    assert client.get(f"/audit/cases/{case}").status_code == 200


def test_a_kept_checkpoint_is_checked_and_a_bad_file_is_named(site):
    app = site["app"]
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    client.post("/login", data={"username": "zhouting", "password": "password-123", "csrf_token": token})
    form = client.get("/audit/verify").get_data(as_text=True)  # a fresh token comes with the signed-in session
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    kept = site["kept"].to_text().encode()

    def post(content: bytes, with_token=True):
        data = {"checkpoint": (io.BytesIO(content), "checkpoint.txt")}
        if with_token:
            data["csrf_token"] = token
        return client.post("/audit/verify", data=data, content_type="multipart/form-data")

    good = post(kept)
    assert good.status_code == 200 and "完好" in good.get_data(as_text=True)
    assert f"seq {site['kept'].seq}" in good.get_data(as_text=True)
    forged = post(kept.replace(site["kept"].hash.encode(), b"0" * 64))
    assert forged.status_code == 200 and "校验失败" in forged.get_data(as_text=True)
    for content, message in ((b"not a checkpoint", "第 1 行应为"), (b"\xff\xfe\x00", "UTF-8"), (b"", "第 1 行应为")):
        refused = post(content)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True), content
    nothing = client.post("/audit/verify", data={"csrf_token": token})
    assert nothing.status_code == 422 and "请选择" in nothing.get_data(as_text=True)
    assert post(kept, with_token=False).status_code == 400
    assert denials(app) == 0


def test_a_record_rewritten_into_nonsense_is_shown_not_a_server_error(site):
    app, case = site["app"], site["case"]
    seqs = case_seqs(app, case)
    with app.extensions["cadreflow.sessions"].begin() as session:
        append_only.remove(session.connection())  # the forger owns the database
        session.execute(text("UPDATE audit_event SET payload = :payload WHERE seq = :seq"),
                        {"payload": "{not json", "seq": seqs[1]})
    client = signed_in(app, "zhouting")
    broken = client.get(f"/audit/cases/{case}", query_string={"seq": seqs[1]})
    assert broken.status_code == 200 and "重放中止" in broken.get_data(as_text=True)
    assert "{not json" in broken.get_data(as_text=True)  # the stored text, as it is
    later = client.get(f"/audit/cases/{case}").get_data(as_text=True)
    assert f"seq {seqs[1]} 无法重放" in later
    verdict = client.get(f"/audit/cases/{case}/verify")
    assert verdict.status_code == 200 and "校验失败" in verdict.get_data(as_text=True)
    assert f'href="/audit/cases/{case}?seq={seqs[1]}">seq {seqs[1]}</a>' in verdict.get_data(as_text=True)
    sheet = client.get(f"/audit/cases/{case}/record.pdf")
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    sheet_text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=sheet.data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "校验失败" in sheet_text and f"seq {seqs[1]}" in sheet_text
