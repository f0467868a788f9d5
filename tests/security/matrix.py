"""The role × route matrix: every rule of the url_map, its parameters filled from the site, sent by every caller."""

import itertools
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.security import route_table
from tests.security.route_table import PUBLIC
from tests.security.site import ANONYMOUS
from tests.security.site import ROLES
from tests.security.site import Site
from tests.security.site import build
from tests.security.site import database_url
from tests.webapp.conftest import bearer

CALLERS = (*ROLES, ANONYMOUS)
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Request:
    method: str
    endpoint: str
    url: str
    where: dict  # the label of each URL parameter's value ("running", "dossier_review"…)
    access: object  # PUBLIC or the roles that may reach it

    @property
    def api(self) -> bool:
        return self.url.startswith("/api/")


@dataclass(frozen=True)
class Outcome:
    caller: str
    request: Request
    status: int
    location: str
    headers: dict

    @property
    def allowed(self) -> bool:
        return self.request.access == PUBLIC or self.caller in self.request.access

    def problem(self) -> str | None:
        """What is wrong with this answer, or None."""
        status = self.status
        if status >= 500:
            return "server error"
        if self.allowed:
            return f"an allowed caller was refused ({status})" if status in (401, 403) else None
        if self.caller == ANONYMOUS:
            if self.request.api:
                return None if status == 401 else "expected 401"
            signs_in = status == 302 and urlsplit(self.location).path == "/login"
            return None if signs_in else "expected a redirect to /login"
        return None if status == 403 else "expected 403"

    @property
    def unauthorized_success(self) -> bool:
        """A caller not allowed got a 2xx or 3xx answer (other than being sent to sign in)."""
        signs_in = self.status == 302 and urlsplit(self.location).path == "/login"
        return not self.allowed and self.status < 400 and not signs_in


def requests(site: Site) -> tuple[list[Request], list[str]]:
    """One request per rule, method and combination of parameter values (static files aside), and the extras;
    and what cannot be tried: a rule with no entry in the table, a parameter the site has no value for."""
    found, missing = [], []
    for rule in site.app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            if (rule.endpoint, method) not in route_table.ACCESS:
                missing.append(f"{method} {rule.rule} ({rule.endpoint}): no entry in route_table.ACCESS")
                continue
            unknown = sorted(set(rule.arguments) - set(site.values))
            if unknown:
                missing.append(f"{method} {rule.rule}: no value for {', '.join(unknown)}")
                continue
            names = sorted(rule.arguments)
            # Every case and task when who may reach the route depends on them; the first of each otherwise.
            depends = callable(route_table.ACCESS[(rule.endpoint, method)])
            choices = [site.values[name] if depends else site.values[name][:1] for name in names]
            for combination in itertools.product(*choices):
                where = {name: label for name, (label, _value) in zip(names, combination, strict=True)}
                values = {name: value for name, (_label, value) in zip(names, combination, strict=True)}
                _, path = rule.build(values, append_unknown=False)
                found.append(Request(method, rule.endpoint, path, where,
                                     route_table.allowed(rule.endpoint, method, where)))
    stale = set(route_table.ACCESS) - {(rule.endpoint, method) for rule in site.app.url_map.iter_rules()
                                       for method in rule.methods}
    missing += [f"{method} {endpoint}: in route_table.ACCESS but not a route" for endpoint, method in sorted(stale)]
    found += [Request(method, endpoint, url, {}, access) for method, endpoint, url, access in route_table.EXTRA]
    # Reads first, then the writes, those that change the caller's own state last.
    last = {endpoint: place for place, endpoint in enumerate(route_table.LAST, 1)}
    return sorted(found, key=lambda r: (r.method != "GET", last.get(r.endpoint, 0))), missing


def send(site: Site, caller: str, browser, request: Request):
    """``request`` as ``caller`` would send it: the API with their bearer token, pages from their browser."""
    body = route_table.BODIES.get((request.endpoint, request.method))
    if request.api:
        headers = bearer(site.tokens[caller]) if caller != ANONYMOUS else {}
        json = (body or {}) if request.method != "GET" else None
        return site.app.test_client().open(request.url, method=request.method, headers=headers, json=json)
    data = (body or {}) if request.method != "GET" else None
    return browser.open(request.url, method=request.method, data=data)


@dataclass
class Walk:
    site: Site
    outcomes: list[Outcome]
    untried: list[str]  # the routes the table or the site cannot fill
    seconds: float
    cpu_seconds: float


def walk(site: Site) -> Walk:
    """Every request by every caller."""
    started, cpu, outcomes = time.perf_counter(), time.process_time(), []
    table, untried = requests(site)
    for caller in CALLERS:
        browser = site.client(caller)
        for request in table:
            answer = send(site, caller, browser, request)
            outcomes.append(Outcome(caller, request, answer.status_code, answer.headers.get("Location", ""),
                                    dict(answer.headers)))
            answer.close()
    return Walk(site, outcomes, untried, time.perf_counter() - started, time.process_time() - cpu)


_WALKED: dict[str, Walk] = {}


def walked(request, tmp_path_factory) -> Walk:
    """The matrix on the backend of a module-scoped fixture's ``request``, walked once per test session."""
    if request.param not in _WALKED:
        _WALKED[request.param] = walk(build(database_url(request, tmp_path_factory)))
    return _WALKED[request.param]
