"""Test apps share their compiled templates and URL builders (tests/compiled_once.py) and still answer alike."""

from flask import url_for

from tests.compiled_once import _builders
from tests.webapp.conftest import make_app


def test_a_second_app_compiles_no_template_and_no_url_builder_and_builds_its_own_urls(tmp_path, clock):
    first = make_app(f"sqlite:///{tmp_path / 'first.sqlite'}", clock)
    first_page = first.test_client().get("/login")
    codes = first.jinja_env.bytecode_cache._codes
    kept, builders = dict(codes), len(_builders)

    second = make_app(f"sqlite:///{tmp_path / 'second.sqlite'}", clock)
    second_page = second.test_client().get("/login")
    assert (first_page.status_code, second_page.status_code) == (200, 200)
    assert second_page.get_data(as_text=True).count("<input") == first_page.get_data(as_text=True).count("<input")
    assert codes == kept and len(_builders) == builders  # nothing compiled anew
    rules = [app.url_map._rules_by_endpoint["case_pages.show"][0] for app in (first, second)]
    assert rules[0] is not rules[1] and rules[0]._build.__func__ is rules[1]._build.__func__
    # A shared builder reaches the converters of the rule it is bound to: each app builds (and bounds) its own.
    with second.test_request_context():
        assert url_for("case_pages.show", case_id=7) == "/cases/7"
    assert second.test_client().get("/cases/99999999999").status_code == 404
    for app in (first, second):
        app.extensions["cadreflow.engine"].dispose()
