"""The password policy: at least 12 characters, no common password, not the user's own name — everywhere a
password is set (admin create and reset, one's own change, the CLI)."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import User
from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in
from workflows import accounts
from workflows.errors import InvalidData

WEAK = {
    "password": "长度须在 12 到 128",
    "12345678": "长度须在 12 到 128",
    "qwerty123456": "常见密码",
    "1q2w3e4r5t6y": "常见密码",
    "aaaaaaaaaaaaaa": "不同的字符",
    "wangmin-2026-spring": "不能包含用户名或姓名",
    "WangMin!2026!spring": "不能包含用户名或姓名",
}


@pytest.mark.parametrize("password", sorted(WEAK))
def test_the_policy_refuses_short_common_and_own_name_passwords(password):
    with pytest.raises(InvalidData) as refused:
        accounts.check_password_policy(password, username="wangmin", display_name="王敏")
    assert WEAK[password] in str(refused.value.errors["password"])


def test_a_long_uncommon_passphrase_passes():
    accounts.check_password_policy("青浦 data bureau 2026 autumn", username="wangmin", display_name="王敏")


@pytest.fixture
def site(app):
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "root", "admin")
    add_user(app, "wangmin", "personnel_office")
    return app


def test_the_admin_cannot_create_or_reset_to_a_weak_password(site):
    admin = signed_in(site, "root")
    created = admin.post("/admin/users", data={"username": "zhaoli", "display_name": "赵丽",
                                               "roles": ["party_group"], "password": "password"})
    assert created.status_code == 422 and "密码长度须在 12 到 128" in created.get_data(as_text=True)
    with site.extensions["cadreflow.sessions"]() as session:
        target = session.scalar(select(User.id).where(User.username == "wangmin"))
    reset = admin.post(f"/admin/users/{target}/password", data={"password": "qwerty123456"})
    assert reset.status_code == 422 and "常见密码" in reset.get_data(as_text=True)


def test_one_cannot_change_ones_own_password_to_a_weak_one_or_without_the_current_one(site):
    own = signed_in(site, "wangmin")
    weak = own.post("/account/password", data={"current": "password-123", "password": "wangmin-wangmin"})
    assert weak.status_code == 400 and "不能包含用户名或姓名" in weak.get_data(as_text=True)
    guessed = own.post("/account/password", data={"current": "not-my-password", "password": "a-long-new-secret-7"})
    assert guessed.status_code == 400 and "当前密码不正确" in guessed.get_data(as_text=True)
    assert signed_in(site, "wangmin")  # the old password still works: nothing was changed


def test_the_cli_refuses_a_weak_password(tmp_path):
    cadreflow = str(Path(sys.executable).with_name("cadreflow"))
    env = {"PATH": "/usr/bin:/bin", "CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}",
           "CADREFLOW_SECRET_KEY": "s" * 40, "CADREFLOW_PASSWORD_PROFILE": "fast"}
    subprocess.run([cadreflow, "init-db"], env=env, check=True, capture_output=True, timeout=120)
    done = subprocess.run([cadreflow, "create-user", "zhaoli", "--role", "party_group", "--password-stdin"], env=env,
                          input="12345678\n", capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "12 到 128" in done.stderr
