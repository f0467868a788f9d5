"""The web skeleton: sign-in with CSRF, language switch, role-aware navigation, headers, error pages."""

import re

import pytest

from tests.webapp.conftest import add_user


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def token_of(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1)


def sign_in(client, username, password="password-123"):
    token = token_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def test_login_page_is_chinese_by_default(csrf_app, client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page


def test_sign_in_shows_role_aware_navigation(csrf_app, client):
    add_user(csrf_app, "wangmin", "personnel_office")
    response = sign_in(client, "wangmin")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "我的待办" in page and "人事组织部门" in page
    add_user(csrf_app, "zhouting", "auditor")
    other = csrf_app.test_client()
    sign_in(other, "zhouting")
    assert "我的待办" not in other.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_and_recorded(csrf_app, client):
    add_user(csrf_app, "wangmin", "personnel_office")
    response = sign_in(client, "wangmin", "not-the-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_post_without_csrf_token_is_refused(csrf_app, client):
    add_user(csrf_app, "wangmin", "personnel_office")
    response = client.post("/login", data={"username": "wangmin", "password": "password-123"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_needs_post_with_token_and_ends_the_session(csrf_app, client):
    add_user(csrf_app, "wangmin", "personnel_office")
    sign_in(client, "wangmin")
    page = client.get("/").get_data(as_text=True)
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={"csrf_token": token_of(page)})
    assert client.get("/").status_code == 302


def test_language_switch_to_english(csrf_app, client):
    token = token_of(client.get("/login").get_data(as_text=True))
    client.post("/language/en", data={"csrf_token": token, "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and 'lang="en"' in page


def test_pages_carry_security_headers_and_cookie_flags(csrf_app, client):
    add_user(csrf_app, "wangmin", "personnel_office")
    response = sign_in(client, "wangmin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    headers = client.get("/").headers
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_secure_cookie_by_default(db_url, clock):
    from webapp import create_app

    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "k" * 40, "CLOCK": clock})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_short_secret_key_is_refused(db_url):
    from webapp import create_app

    with pytest.raises(RuntimeError, match="at least 32"):
        create_app({"DATABASE_URL": db_url, "SECRET_KEY": "short"})


def test_unexpected_error_shows_no_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body
    assert "服务器出现错误" in body


def test_unknown_page_is_a_plain_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)
