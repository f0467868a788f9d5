"""The admin pages through the test client: users and roles, API tokens, process versions, on record."""

import hashlib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import ApiToken
from storage.models import AuditEvent
from storage.models import ProcessSpec
from storage.models import User
from tests.conftest import make_actor
from tests.procedures.selection_steps import POST
from tests.webapp.conftest import add_user
from tests.webapp.conftest import bearer
from tests.webapp.conftest import signed_in
from workflows import commands
from workflows.registry.demo import seed_registry

PACKAGED = Path(__file__).resolve().parents[2] / "bpmn"
SELECTION = PACKAGED / "cadre_selection.bpmn"


@pytest.fixture
def site(app):
    app.config["WTF_CSRF_ENABLED"] = False  # one test below turns it back on
    for username, role in (("root", "admin"), ("wangmin", "personnel_office"), ("lihua", "party_secretary")):
        add_user(app, username, role)
    return app




def sign_in_status(app, username, password="password-123") -> int:
    return app.test_client().post("/login", data={"username": username, "password": password}).status_code


def count(app, model, *where) -> int:
    with app.extensions["cadreflow.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def events(app, kind) -> list[AuditEvent]:
    with app.extensions["cadreflow.sessions"]() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == kind).order_by(AuditEvent.seq)))


def user_row(app, username) -> User:
    with app.extensions["cadreflow.sessions"]() as session:
        user = session.scalar(select(User).where(User.username == username))
        user.roles  # noqa: B018  (load the roles before the session closes)
        return user


def selection_files(bpmn: bytes | None = None) -> list[tuple[io.BytesIO, str]]:
    """cadre_selection.bpmn and every form of bpmn/forms/ it names, uploaded under their bare names."""
    data = bpmn if bpmn is not None else SELECTION.read_bytes()
    names = set(re.findall(r'formJsonSchemaFilename" value="forms/([^"]+)"', SELECTION.read_text()))
    return [(io.BytesIO(data), "cadre_selection.bpmn"),
            *((io.BytesIO((PACKAGED / "forms" / name).read_bytes()), name) for name in sorted(names))]


def upload(client, files):
    return client.post("/admin/processes", data={"files": files}, content_type="multipart/form-data")


ADMIN_PAGES = [("get", "/admin"), ("get", "/admin/users"), ("post", "/admin/users"), ("get", "/admin/users/1"),
               ("post", "/admin/users/1/roles"), ("post", "/admin/users/1/disable"),
               ("post", "/admin/users/1/enable"), ("post", "/admin/users/1/password"), ("get", "/admin/tokens"),
               ("post", "/admin/tokens"), ("post", "/admin/tokens/1/revoke"), ("get", "/admin/processes"),
               ("post", "/admin/processes")]


def test_every_admin_page_is_refused_to_others_and_the_refusal_is_on_record(site):
    client = signed_in(site, "wangmin")
    for method, path in ADMIN_PAGES:
        response = getattr(client, method)(path)
        assert response.status_code == 403, path
    denied = events(site, "access.denied")
    assert len(denied) == len(ADMIN_PAGES) and {event.actor for event in denied} == {"wangmin"}
    assert site.test_client().get("/admin/users").status_code == 302  # to the sign-in page
    assert signed_in(site, "root").get("/admin/users").status_code == 200


def test_an_admin_creates_a_user_with_roles_who_then_signs_in(site):
    client = signed_in(site, "root")
    response = client.post("/admin/users", data={
        "username": "zhaolei", "display_name": "赵磊", "roles": ["party_group", "discipline"],
        "password": "first-password-1"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已创建用户 zhaolei" in page and "纪检监察、党组成员" in page
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "赵磊" in listing and "启用" in listing
    assert user_row(site, "zhaolei").roles == {"party_group", "discipline"}
    assert signed_in(site, "zhaolei", "first-password-1").get("/inbox").status_code == 200
    [created] = events(site, "user.created")
    assert created.actor == "root" and created.role == "admin" and '"zhaolei"' in created.payload
    assert "first-password-1" not in created.payload


def test_a_bad_new_user_shows_every_error_beside_its_field_and_writes_nothing(site):
    users, last = count(site, User), len(events(site, "user.created"))
    response = signed_in(site, "root").post("/admin/users", data={
        "username": "wangmin", "display_name": "王敏二", "roles": ["personnel_office", "overlord"],
        "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "有 3 处需要修改" in page
    assert "用户名 wangmin 已存在" in page and "未知角色：overlord" in page and "密码长度须在 12 到 128" in page
    assert 'value="王敏二"' in page and "short" not in page  # the form keeps what was typed, never the password
    assert count(site, User) == users and len(events(site, "user.created")) == last


def test_a_disabled_user_can_neither_sign_in_nor_use_their_token(site):
    token = add_user(site, "zhouting", "personnel_office")
    theirs = signed_in(site, "zhouting")
    assert site.test_client().get("/api/v1/inbox", headers=bearer(token)).status_code == 200
    admin = signed_in(site, "root")
    target = user_row(site, "zhouting")
    response = admin.post(f"/admin/users/{target.id}/disable")
    assert response.status_code == 302
    assert "已停用" in admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert theirs.get("/inbox").status_code == 302  # the open sign-in ends at its next request
    assert sign_in_status(site, "zhouting") == 401
    assert site.test_client().get("/api/v1/inbox", headers=bearer(token)).status_code == 401
    assert [event.payload for event in events(site, "user.disabled")] == ['{"sessions_ended":1,"username":"zhouting"}']
    assert admin.post(f"/admin/users/{target.id}/enable").status_code == 302
    assert sign_in_status(site, "zhouting") == 302
    assert site.test_client().get("/api/v1/inbox", headers=bearer(token)).status_code == 200


def test_an_admin_resets_a_password(site):
    admin, target = signed_in(site, "root"), user_row(site, "lihua")
    refused = admin.post(f"/admin/users/{target.id}/password", data={"password": "1234"})
    assert refused.status_code == 422 and "密码长度须在 12 到 128" in refused.get_data(as_text=True)
    assert admin.post(f"/admin/users/{target.id}/password", data={"password": "brand-new-secret"}).status_code == 302
    assert sign_in_status(site, "lihua") == 401
    assert sign_in_status(site, "lihua", "brand-new-secret") == 302
    [reset] = events(site, "user.password_reset")
    assert reset.payload == '{"sessions_ended":0,"username":"lihua"}'


def test_a_role_change_ends_the_users_sessions_and_the_next_sign_in_has_the_new_roles(site):
    theirs, admin, target = signed_in(site, "lihua"), signed_in(site, "root"), user_row(site, "lihua")
    assert theirs.get("/registry").status_code == 403
    response = admin.post(f"/admin/users/{target.id}/roles", data={"roles": ["personnel_office", "party_secretary"]})
    assert response.status_code == 302
    assert theirs.get("/registry").status_code == 302  # signed out: the session was of the old roles
    assert signed_in(site, "lihua").get("/registry").status_code == 200
    assert user_row(site, "lihua").roles == {"personnel_office", "party_secretary"}
    [changed] = events(site, "user.roles_changed")
    assert '"before":["party_secretary"]' in changed.payload
    unknown = admin.post(f"/admin/users/{target.id}/roles", data={"roles": ["root"]})
    assert unknown.status_code == 422 and "未知角色：root" in unknown.get_data(as_text=True)
    assert user_row(site, "lihua").roles == {"personnel_office", "party_secretary"}


def test_an_admin_can_neither_disable_themselves_nor_drop_their_own_admin_role(site):
    admin, me = signed_in(site, "root"), user_row(site, "root")
    response = admin.post(f"/admin/users/{me.id}/disable")
    assert response.status_code == 422 and "不能停用自己的账号" in response.get_data(as_text=True)
    response = admin.post(f"/admin/users/{me.id}/roles", data={"roles": ["auditor"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "不能取消自己的系统管理员角色" in page
    me = user_row(site, "root")
    assert me.active and me.roles == {"admin"}
    assert admin.get("/admin/users").status_code == 200
    assert not events(site, "user.disabled") and not events(site, "user.roles_changed")


def test_a_new_token_is_shown_once_works_and_stops_when_revoked(site):
    admin, target = signed_in(site, "root"), user_row(site, "wangmin")
    response = admin.post("/admin/tokens", data={"user_id": target.id, "label": "报表系统"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "只显示这一次" in page and response.headers["Cache-Control"] == "no-store"
    token = re.search(r'<code id="token-value">([^<]+)</code>', page).group(1)
    assert token not in admin.get("/admin/tokens").get_data(as_text=True)
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert count(site, ApiToken, ApiToken.token_sha256 == digest) == 1  # only the digest is kept
    assert site.test_client().get("/api/v1/inbox", headers=bearer(token)).status_code == 200
    [created] = events(site, "user.token_created")
    assert token not in created.payload and "报表系统" in created.payload
    with site.extensions["cadreflow.sessions"]() as session:
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.label == "报表系统"))
    assert admin.post(f"/admin/tokens/{token_id}/revoke").status_code == 302
    assert site.test_client().get("/api/v1/inbox", headers=bearer(token)).status_code == 401
    assert "已吊销" in admin.get("/admin/tokens").get_data(as_text=True)
    again = admin.post(f"/admin/tokens/{token_id}/revoke")
    assert again.status_code == 422 and "此前已吊销" in again.get_data(as_text=True)
    assert len(events(site, "user.token_revoked")) == 1
    missing = admin.post("/admin/tokens", data={"label": "无主"})
    assert missing.status_code == 422 and "请选择令牌所属的用户" in missing.get_data(as_text=True)


def test_uploading_a_valid_process_lists_its_new_version(site):
    admin = signed_in(site, "root")
    response = upload(admin, selection_files())
    assert response.status_code == 302
    page = admin.get("/admin/processes").get_data(as_text=True)
    assert "已部署「" in page and "第 1 版" in page and 'id="version-cadre_selection-1"' in page
    with site.extensions["cadreflow.sessions"]() as session:
        spec = session.scalar(select(ProcessSpec))
        assert spec.sha256[:12] in page and "forms/selection_motion.json" in spec.sources
    same = upload(admin, selection_files())
    assert "内容相同，未新建版本" in admin.get(same.headers["Location"]).get_data(as_text=True)
    assert count(site, ProcessSpec) == 1


def test_a_broken_upload_is_refused_naming_the_file_and_element_and_stores_nothing(site):
    admin = signed_in(site, "root")
    text = SELECTION.read_text()
    flow = re.search(r'<bpmn:sequenceFlow id="([^"]+)" sourceRef="[^"]+" targetRef="([^"]+)"', text)
    broken = text.replace(flow.group(0), flow.group(0).replace(f'targetRef="{flow.group(2)}"', 'targetRef="nowhere"'))
    response = upload(admin, selection_files(broken.encode()))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "部署失败，未保存任何内容" in page
    assert '<dd id="error-file">cadre_selection.bpmn</dd>' in page
    assert f'<dd id="error-element">{flow.group(1)}</dd>' in page and "nowhere" in page

    without_motion_form = [item for item in selection_files() if item[1] != "selection_motion.json"]
    page = upload(admin, without_motion_form).get_data(as_text=True)
    assert "缺少表单文件 selection_motion.json" in page and '<dd id="error-element">motion</dd>' in page

    cases = [([(io.BytesIO(b"MZ"), "tool.exe")], "只接受 .bpmn、.dmn 和表单 .json 文件"),
             ([(io.BytesIO(b"{}"), "x.json")], "缺少 .bpmn 流程文件"),
             ([(io.BytesIO(b"{}"), f"f{n}.json") for n in range(51)], "一次最多上传 50 个文件，收到 51 个"),
             ([(io.BytesIO(b" " * (2 * 1024 * 1024 + 1)), "big.bpmn")], "每个文件最多 2 MiB"),
             ([], "请选择要上传的文件")]
    for files, message in cases:
        response = upload(admin, files)
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
    assert count(site, ProcessSpec) == 0 and not events(site, "spec.deployed")


def test_the_versions_list_counts_the_cases_on_each_version(site, sessions, clock):
    organiser = make_actor(sessions, "organiser", "personnel_office")
    with sessions.begin() as session:
        seed_registry(session, clock.now().date())
    admin = signed_in(site, "root")

    def start(n: int) -> list[int]:
        with sessions.begin() as session:
            return [commands.start_case(session, organiser, clock.now(), "cadre_selection", "", dict(POST))["id"]
                    for _ in range(n)]

    assert upload(admin, selection_files()).status_code == 302
    first = start(3)
    with sessions.begin() as session:
        commands.cancel_case(session, organiser, clock.now(), first[0], "测试撤销")
    assert upload(admin, selection_files(SELECTION.read_bytes() + b"<!-- v2 -->\n")).status_code == 302
    start(1)
    page = admin.get("/admin/processes").get_data(as_text=True)
    rows = {number: re.search(rf'id="version-cadre_selection-{number}">(.*?)</tr>', page, re.S).group(1)
            for number in (1, 2)}
    assert "第 2 版（最新）" in rows[2]
    assert '<td class="running">2</td>' in rows[1] and '<td class="cancelled">1</td>' in rows[1]
    assert '<td class="running">1</td>' in rows[2] and '<td class="cancelled">0</td>' in rows[2]
    assert '<td class="completed">0</td>' in rows[1]


def test_a_post_without_its_csrf_token_is_refused(site):
    client = signed_in(site, "root")
    site.config["WTF_CSRF_ENABLED"] = True
    users = count(site, User)
    response = client.post("/admin/users", data={"username": "sneaky", "display_name": "x",
                                                 "password": "password-123", "roles": ["admin"]})
    assert response.status_code == 400 and count(site, User) == users
    page = client.get("/admin/users").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/admin/users", data={"username": "proper", "display_name": "x",
                                                 "password": "password-123", "csrf_token": token})
    assert response.status_code == 302 and count(site, User) == users + 1
