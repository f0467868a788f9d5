"""CSRF: every form post of the pages is refused without its token or with a wrong one, and writes nothing.

The API is exempt from the CSRF check because it authenticates by bearer token, which a browser never sends on
its own: a signed-in browser session without the token gets 401 on every API post. Both lists come from the
url_map, so a new form or API route is covered without an edit here.
"""

import re

import pytest
from flask_babel import gettext

from tests.conftest import BACKENDS
from tests.security import matrix
from tests.security import route_table
from tests.security.route_table import PUBLIC
from tests.security.site import ANONYMOUS
from tests.security.site import build
from tests.security.site import database_url
from tests.security.site import username

# Bodies that would do their work if the token were not checked: a sign-in with the right password, a
# confirmed withdrawal with its reason. The other posts act without a body (disable, revoke, delete, claim…).
WORKING_BODIES = {
    "auth.login": {"username": username("personnel_office"), "password": "password-123"},
    "case_pages.withdraw": {"confirm": "1", "reason": "CSRF probe"},
}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    site = build(database_url(request, tmp_path_factory))
    yield site
    site.app.extensions["cadreflow.engine"].dispose()


@pytest.fixture(scope="module")
def protected(site):
    """One request per non-GET page rule and per API post, with a caller allowed to send it; CSRF on from now."""
    table, untried = matrix.requests(site)
    assert not untried, "\n".join(untried)
    pages, api = {}, {}
    for request in table:
        if request.method == "GET":
            continue
        who = caller_for(request)
        if who is not None:
            (api if request.api else pages).setdefault((request.endpoint, request.method), (request, who))
    browsers = {who: site.client(who) for who in {who for _, who in [*pages.values(), *api.values()]}}
    site.app.config["WTF_CSRF_ENABLED"] = True
    return pages, api, browsers


def caller_for(request) -> str | None:
    """Anonymous for the public forms (sign-in, language), else an allowed role, writers before auditors."""
    if request.access == PUBLIC:
        return ANONYMOUS
    allowed = sorted(request.access, key=lambda role: (role == "auditor", role))
    return allowed[0] if allowed else None


def writes(site, *, api: bool) -> set[tuple[str, str]]:
    """The routes of the url_map that take a method other than GET: the API's or the pages'."""
    return {(rule.endpoint, method) for rule in site.app.url_map.iter_rules()
            for method in rule.methods - {"GET", "HEAD", "OPTIONS"} if rule.rule.startswith("/api/") == api}


def refusal(site) -> str:
    with site.app.test_request_context():
        return gettext("The form has expired or lacks its security token; reload and submit again.")


def test_every_form_post_is_refused_without_its_token_and_writes_nothing(site, protected):
    pages, _, browsers = protected
    message, before, tried = refusal(site), site.rows(), 0
    wrong = []
    for (endpoint, method), (request, who) in sorted(pages.items()):
        body = WORKING_BODIES.get(endpoint, route_table.BODIES.get((endpoint, method), {}))
        for token in (None, "wrong-token"):
            data = {**body, **({"csrf_token": token} if token else {})}
            answer = browsers[who].open(request.url, method=method, data=data)
            tried += 1
            if answer.status_code != 400 or message not in answer.get_data(as_text=True):
                wrong.append(f"{who} {method} {request.url} (token {token}) → {answer.status_code}")
    print(f"\nCSRF: {tried} form posts over {len(pages)} rules refused without a valid token")
    assert not wrong, "\n".join(wrong)
    assert site.rows() == before
    assert set(pages) == writes(site, api=False)  # every form of the app, each with a caller who may send it


def test_the_sign_in_without_its_token_signs_nobody_in(site, protected):
    browser = site.app.test_client()
    browser.post("/login", data=WORKING_BODIES["auth.login"])
    assert browser.get("/").status_code == 302


def test_the_api_refuses_a_browser_session_without_a_bearer_token(site, protected):
    _, api, browsers = protected
    before, wrong = site.rows(), []
    for (endpoint, method), (request, who) in sorted(api.items()):
        body = route_table.BODIES.get((endpoint, method), {})
        answer = browsers[who].open(request.url, method=method, json=body)
        if answer.status_code != 401:
            wrong.append(f"{who} {method} {request.url} → {answer.status_code}")
    print(f"\nAPI: {len(api)} posts from a signed-in browser without a bearer token, all 401")
    assert not wrong, "\n".join(wrong)
    assert site.rows() == before
    assert set(api) == writes(site, api=True)


def test_the_same_post_with_its_token_goes_through(site, protected):
    """The control: the check is what refused the posts above, and a write shows in the row counts."""
    _, _, browsers = protected
    admin = browsers["admin"]
    target = dict(site.values["user_id"])["target"]
    token = TOKEN.search(admin.get(f"/admin/users/{target}").get_data(as_text=True)).group(1)
    before = site.rows()
    answer = admin.post(f"/admin/users/{target}/disable", data={"csrf_token": token})
    assert answer.status_code == 302
    assert site.rows()["audit_event"] == before["audit_event"] + 1
