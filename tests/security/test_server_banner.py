"""The real server (`cadreflow serve`, waitress) does not announce itself, and its pages are not kept by caches."""

import socket
from urllib.parse import urlsplit

from tests.security.live_waitress import live_demo  # noqa: F401 - the fixture, started once for this module


def test_no_answer_names_the_server(live_demo):  # noqa: F811 - the imported fixture
    browser = live_demo.signed_in("organiser")
    for path in ("/login", "/", "/static/app.css", "/no-such-page"):
        response = browser.get(f"{live_demo.base}{path}", timeout=10)
        assert "Server" not in response.headers, (path, response.headers.get("Server"))
        assert "waitress" not in response.text.lower()


def test_the_servers_own_error_answer_does_not_name_it(live_demo):  # noqa: F811
    # A request waitress refuses itself (a malformed Content-Length) never reaches the app.
    address = urlsplit(live_demo.base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: nonsense\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"\r\nserver:" not in head.lower() and b"waitress" not in answer.lower()


def test_signed_in_pages_and_the_sign_in_form_are_not_stored_static_files_are(live_demo):  # noqa: F811
    browser = live_demo.signed_in("auditor")
    for path in ("/login", "/", "/audit"):
        assert browser.get(f"{live_demo.base}{path}", timeout=10).headers["Cache-Control"] == "no-store", path
    static = browser.get(f"{live_demo.base}/static/app.css", timeout=10)
    assert "no-store" not in static.headers.get("Cache-Control", "")
