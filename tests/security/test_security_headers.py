"""The security headers on every GET answer of the route matrix, for every role and anonymous.

The answers are the matrix's own (:mod:`tests.security.matrix`, walked once per test session): every page and
API route, allowed or refused, redirects and downloads included.
"""

import pytest

from tests.conftest import BACKENDS
from tests.security import matrix
from tests.security.site import ANONYMOUS

REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


@pytest.fixture(scope="module", params=BACKENDS)
def answers(request, tmp_path_factory) -> list[matrix.Outcome]:
    gets = [o for o in matrix.walked(request, tmp_path_factory).outcomes if o.request.method == "GET"]
    assert len(gets) > 400
    return gets


def missing(answers, check) -> list[str]:
    return [f"{o.caller} GET {o.request.url} → {o.status}: {check.__doc__}" for o in answers if not check(o.headers)]


def has_csp(headers) -> bool:
    """a Content-Security-Policy with frame-ancestors 'none', object-src 'none' and no inline scripts"""
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";") if part.strip()}
    return ("frame-ancestors 'none'" in policy and "object-src 'none'" in policy
            and "'unsafe-inline'" not in directives.get("script-src", directives.get("default-src", "")))


def sniffs_not(headers) -> bool:
    """X-Content-Type-Options: nosniff"""
    return headers.get("X-Content-Type-Options") == "nosniff"


def refers_little(headers) -> bool:
    """a Referrer-Policy that keeps the path inside the site"""
    return headers.get("Referrer-Policy") in REFERRER_POLICIES


def stores_nothing(headers) -> bool:
    """Cache-Control: no-store"""
    return "no-store" in headers.get("Cache-Control", "")


@pytest.mark.parametrize("check", [has_csp, sniffs_not, refers_little], ids=lambda check: check.__name__)
def test_every_answer_carries_the_header(answers, check):
    wrong = missing(answers, check)
    print(f"\n{check.__name__}: {len(answers) - len(wrong)} of {len(answers)} GET answers")
    assert not wrong, "\n".join(wrong[:40])


def test_signed_in_pages_and_the_api_are_not_cached(answers):
    """What a signed-in user reads, and every API answer, stays out of browser and proxy caches."""
    private = [o for o in answers if o.caller != ANONYMOUS or o.request.api]
    wrong = missing(private, stores_nothing)
    print(f"\nno-store: {len(private) - len(wrong)} of {len(private)} signed-in or API GET answers")
    assert not wrong, "\n".join(wrong[:40])
