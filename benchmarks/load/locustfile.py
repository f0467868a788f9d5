"""The bureau's day under load: members of every role sign in, read and complete; the office starts; auditors verify.

Run by benchmarks/load/run.py (``make load``); LOAD_FIXTURE names the JSON seed.py wrote (accounts, tokens, the
form data of each step). Each user signs in through the real form (CSRF token from the page), reads pages with its
cookie and the JSON API with its token (following ``next_cursor``), and completes tasks through the API.
"""

import json
import os
import random
import re
from itertools import count

from locust import HttpUser
from locust import between
from locust import task

PASSWORD = "password-123"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
IDEMPOTENCY = re.compile(r'name="idempotency_key"[^>]*value="([^"]+)"')
OFFICE, AUDITOR = "personnel_office", "auditor"
PAGES = 3  # API list pages a reader walks at most
# The post a started selection is for (the driver's, tests/procedures/selection_steps.py) and why one more may start.
START = {"process": "cadre_selection", "post_section_code": "SJZY", "post_title": "科长", "post_level": "section_chief",
         "confirm": "1", "override_reason": "压力测试：同一岗位的又一次选拔"}
_next = count()


def fixture() -> dict:
    with open(os.environ["LOAD_FIXTURE"], encoding="utf-8") as file:
        return json.load(file)


FIXTURE = fixture() if os.environ.get("LOAD_FIXTURE") else {"users": [], "catalog": {}, "cases": 1}


def accounts(kind: str) -> list[dict]:
    """The fixture's users of one kind (office, auditor, member), in a stable order."""
    def kind_of(user):
        return AUDITOR if AUDITOR in user["roles"] else OFFICE if OFFICE in user["roles"] else "member"
    return [user for user in FIXTURE["users"] if kind_of(user) == kind]


def csrf(html: str) -> str | None:
    found = CSRF.search(html)
    return found.group(1) if found else None


class Signed(HttpUser):
    """A user signed in through the page's form, with an API token beside the cookie."""

    abstract = True
    kind = "member"
    wait_time = between(float(os.environ.get("LOAD_WAIT_MIN", "1")), float(os.environ.get("LOAD_WAIT_MAX", "3")))

    def on_start(self):
        pool = accounts(self.kind)
        self.account = pool[next(_next) % len(pool)]
        n = self.account["id"]
        # Each user signs in from a machine of its own (nginx's X-Forwarded-For, CADREFLOW_TRUSTED_PROXIES=1):
        # the throttle counts sign-ins per address, as it would in the bureau.
        self.client.headers["X-Forwarded-For"] = f"10.20.{n // 250}.{n % 250 + 1}"
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        self.tasks_seen, self.cases_seen = [], []
        page = self.client.get("/login", name="GET /login")
        with self.client.post("/login", name="POST /login (sign-in)", allow_redirects=False, catch_response=True,
                              data={"username": self.account["username"], "password": PASSWORD,
                                    "csrf_token": csrf(page.text)}) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}, not 302")

    def api_list(self, path: str, name: str, pages: int = PAGES) -> list[dict]:
        """Up to ``pages`` pages of an API list, following ``next_cursor``."""
        items, cursor = [], None
        for _ in range(pages):
            params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
            answer = self.client.get(path, params=params, headers=self.api, name=name)
            if answer.status_code != 200:
                break
            body = answer.json()
            items += body["items"]
            cursor = body["next_cursor"]
            if not cursor:
                break
        return items


class Team(Signed):
    """A member of a team (party secretary, party group, inspection team, discipline, district department): the
    inbox (page and API), a case, a task, and completing the task when its step's data is known."""

    @task(4)
    def inbox_page(self):
        self.client.get("/inbox", name="GET /inbox")

    @task(3)
    def inbox_api(self):
        self.tasks_seen = self.api_list("/api/v1/inbox", "GET /api/v1/inbox")
        self.cases_seen = sorted({item["case_id"] for item in self.tasks_seen})

    @task(1)
    def home(self):
        self.client.get("/", name="GET /")

    @task(3)
    def case_page(self):
        if self.cases_seen:
            self.client.get(f"/cases/{random.choice(self.cases_seen)}", name="GET /cases/[id]")

    @task(2)
    def task_page(self):
        if self.tasks_seen:
            self.client.get(f"/tasks/{random.choice(self.tasks_seen)['id']}", name="GET /tasks/[id]")

    @task(1)
    def case_api(self):
        if self.cases_seen:
            self.client.get(f"/api/v1/cases/{random.choice(self.cases_seen)}", headers=self.api,
                            name="GET /api/v1/cases/[id]")

    @task(3)
    def complete(self):
        """Complete a task of my inbox whose step's data is known: read it first, then send the data."""
        me, catalog = self.account["id"], FIXTURE["catalog"]
        doable = [item for item in self.tasks_seen if item["bpmn_id"] in catalog
                  and item["claimed_by_id"] in (None, me) and item["assignee_id"] in (None, me)]
        if not doable:
            return
        item = random.choice(doable)
        self.tasks_seen.remove(item)
        self.client.get(f"/api/v1/tasks/{item['id']}", headers=self.api, name="GET /api/v1/tasks/[id]")
        with self.client.post(f"/api/v1/tasks/{item['id']}/complete", headers=self.api,
                              json={"data": catalog[item["bpmn_id"]]}, catch_response=True,
                              name="POST /api/v1/tasks/[id]/complete") as answer:
            if answer.status_code == 409:
                # Another member of the lane finished it first (a real race, answered as designed): counted apart.
                answer.success()
                self.environment.events.request.fire(
                    request_type="POST", name="409 someone else completed it first", response_time=0,
                    response_length=0, exception=None, context={})


class Office(Team):
    """The personnel office: its inbox, the case lists, and starting selections through the page's form."""

    kind = OFFICE
    fixed_count = int(os.environ.get("LOAD_OFFICE", "8"))

    @task(1)
    def case_list(self):
        self.client.get("/cases", name="GET /cases")

    @task(1)
    def cases_api(self):
        self.api_list("/api/v1/cases?all=1", "GET /api/v1/cases?all=1", pages=2)

    @task(1)
    def start_case(self):
        page = self.client.get("/cases/new?process=cadre_selection", name="GET /cases/new")
        found = IDEMPOTENCY.search(page.text)
        self.client.post("/cases/new", name="POST /cases/new (start)", allow_redirects=False,
                         data={**START, "csrf_token": csrf(page.text), "title": f"压力测试选拔 {next(_next)}",
                               **({"idempotency_key": found.group(1)} if found else {})})


class Auditor(Signed):
    """An auditor: the search, a case replayed event by event, a case verified (chain, checkpoints, replay)."""

    kind = AUDITOR
    fixed_count = int(os.environ.get("LOAD_AUDITORS", "2"))

    def case_id(self) -> int:
        return random.randint(1, FIXTURE["cases"])

    @task(2)
    def search(self):
        self.client.get("/audit", params={"status": random.choice(["running", "completed", ""])},
                        name="GET /audit (search)")

    @task(3)
    def replay_view(self):
        self.client.get(f"/audit/cases/{self.case_id()}", name="GET /audit/cases/[id] (replay)")

    @task(2)
    def verify_page(self):
        self.client.get(f"/audit/cases/{self.case_id()}/verify", name="GET /audit/cases/[id]/verify")

    @task(1)
    def verify_api(self):
        self.client.get(f"/api/v1/cases/{self.case_id()}/verify", headers=self.api,
                        name="GET /api/v1/cases/[id]/verify")

    @task(1)
    def events_api(self):
        self.api_list(f"/api/v1/cases/{self.case_id()}/events", "GET /api/v1/cases/[id]/events")
