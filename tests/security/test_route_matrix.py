"""The role × route matrix: every route of the app, for every role and anonymous, answers as the rules say.

Anonymous: a page sends to /login, the API answers 401. A role the rules leave out: 403 (the product hides
nothing behind a 404 here; the ids are real and every refusal says 403). A role let in: no 401, 403 or 5xx.
Measured (``pytest tests/security/test_route_matrix.py -s``): 999 requests (111 per caller; 8 roles and
anonymous), 0 unauthorized successes, 0 5xx, on SQLite and PostgreSQL; the walk takes 7 s of CPU on SQLite.
Before the check of who may deliver a message went ahead of the case's state (access.check_delivers_messages),
six requests failed: a caller who may not read a case got its status through POST /api/v1/cases/<id>/messages
(409 "案件状态为 cancelled…") instead of a 403.
"""

import pytest

from tests.conftest import BACKENDS
from tests.security import matrix
from tests.security.site import ANONYMOUS
from workflows import commands


@pytest.fixture(scope="module", params=BACKENDS)
def walked(request, tmp_path_factory) -> matrix.Walk:
    return matrix.walked(request, tmp_path_factory)


def test_every_route_has_an_entry_and_its_parameters_a_value(walked):
    """A new route (or method) fails here until the table says who may reach it and the site can fill its URL."""
    assert not walked.untried, "\n".join(walked.untried)


def test_every_caller_gets_what_the_rules_say_and_never_a_500(walked):
    outcomes = walked.outcomes
    wrong = [f"{o.caller:17} {o.request.method:6} {o.request.url} → {o.status}: {o.problem()}"
             for o in outcomes if o.problem()]
    successes = [o for o in outcomes if o.unauthorized_success]
    errors = [o for o in outcomes if o.status >= 500]
    print(f"\nroute matrix: {len(outcomes)} requests ({len(outcomes) // len(matrix.CALLERS)} per caller, "
          f"{len(matrix.CALLERS)} callers) in {walked.seconds:.1f} s ({walked.cpu_seconds:.1f} s CPU); "
          f"unauthorized successes: {len(successes)}; "
          f"5xx: {len(errors)}")
    assert not wrong, "\n".join(wrong)
    assert not successes and not errors


def test_every_caller_tried_every_route(walked):
    routes = {(rule.endpoint, method) for rule in walked.site.app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - matrix.IGNORED_METHODS}
    for caller in matrix.CALLERS:
        tried = {(o.request.endpoint, o.request.method) for o in walked.outcomes if o.caller == caller}
        assert tried == routes, caller


def test_each_role_is_let_in_somewhere_and_refused_somewhere(walked):
    """The matrix is not vacuous: every role reaches pages and is refused others; anonymous reaches only the public."""
    for caller in matrix.CALLERS:
        mine = [o for o in walked.outcomes if o.caller == caller]
        assert any(o.allowed and o.status < 400 for o in mine), caller
        assert any(not o.allowed and o.status in (302, 401, 403) for o in mine), caller
    public = {o.request.endpoint for o in walked.outcomes if o.caller == ANONYMOUS and o.status == 200}
    assert public <= {"auth.login", "api.openapi", "health.check"}


def test_the_posts_changed_nothing_of_the_case(walked):
    """The matrix's posts stopped at the role checks or the forms: the running case still waits on its checks."""
    running = dict(walked.site.values["case_id"])["running"]
    with walked.site.sessions() as session:
        assert sorted(row.bpmn_id for row in commands.open_tasks(session, running)) == [
            "complaint_check", "discipline_opinion", "dossier_review", "organizational_inspection",
            "personal_matters_check"]
