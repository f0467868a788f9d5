"""Behind nginx: X-Forwarded-For/Proto/Host are believed only with ``CADREFLOW_TRUSTED_PROXIES`` (off by default)."""

import pytest
from flask import jsonify
from flask import request
from flask import url_for

from webapp import create_app

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "cadre.example.gov.cn"}


def seen_by_the_app(**settings) -> dict:
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "f" * 40, **settings})

    @app.get("/probe")
    def probe():
        return jsonify(url=url_for("health.check", _external=True), client=request.remote_addr,
                       secure=request.is_secure)

    return app.test_client().get("/probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"}).json


def test_by_default_the_forwarded_headers_are_ignored():
    assert seen_by_the_app() == {"url": "http://localhost/healthz", "client": "127.0.0.1", "secure": False}


def test_with_one_trusted_proxy_the_client_scheme_and_host_are_the_forwarded_ones():
    assert seen_by_the_app(TRUSTED_PROXIES=1) == {"url": "https://cadre.example.gov.cn/healthz",
                                                  "client": "203.0.113.9", "secure": True}


def test_only_as_many_hops_as_trusted_are_believed():
    # A client's own X-Forwarded-For comes first; nginx appends the address it saw: with one proxy, that one counts.
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "f" * 40, "TRUSTED_PROXIES": 1})

    @app.get("/probe")
    def probe():
        return request.remote_addr

    forged = app.test_client().get("/probe", headers={"X-Forwarded-For": "10.0.0.1, 198.51.100.7"})
    assert forged.get_data(as_text=True) == "198.51.100.7"


def test_a_negative_number_of_proxies_is_refused_at_the_start():
    with pytest.raises(RuntimeError, match="CADREFLOW_TRUSTED_PROXIES"):
        create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "f" * 40, "TRUSTED_PROXIES": -1})
