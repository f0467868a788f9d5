"""Injection probes through the pages and the API: SQL and LIKE metacharacters, markup, template syntax, long
text, NUL bytes, invalid UTF-8 and path traversal, on the inputs that reach the database and the templates.

Never a 500, no payload rendered unescaped in an HTML answer, no extra rows from a metacharacter search.
Measured (``pytest tests/security/test_injection_probes.py -s``): 290 probes per backend, 0 answered 5xx (before
the fixes: a lone surrogate in JSON was a 500 on both backends; on PostgreSQL a NUL byte in any search box, path or
form, and a registry field longer than its column, were 500s).
"""

import io
import json

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Case
from storage.models import TalkRecord
from storage.models import User
from tests.conftest import BACKENDS
from tests.security.probing import MARKUP
from tests.security.probing import SQL
from tests.security.probing import TALLY
from tests.security.probing import TEXTS
from tests.security.probing import Probes
from tests.security.probing import count_on_page
from tests.security.site import build
from tests.security.site import database_url
from tests.webapp.conftest import bearer
from workflows import commands

SEARCHES = [  # (who, URL the text is appended to)
    ("personnel_office", "/registry?q="), ("personnel_office", "/inbox?q="),
    ("personnel_office", "/cases?all=1&status=&q="), ("personnel_office", "/cases/new?process=cadre_selection&cadre="),
    ("auditor", "/audit?cadre="), ("auditor", "/audit?actor="), ("auditor", "/audit?step="),
    ("auditor", "/audit?started_from="), ("admin", "/api/v1/cases?all=1&status=&q="),
]
# Invalid UTF-8 (a lone surrogate's encoding, a stray byte, an overlong "/") in paths and query strings.
BAD_BYTES = ("%ED%A0%80", "%FF", "%C0%AF", "%00")


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    site = build(database_url(request, tmp_path_factory))
    TALLY.update(probes=0, **{"5xx": 0})  # counted per backend
    yield site
    site.app.extensions["cadreflow.engine"].dispose()


@pytest.fixture(scope="module")
def browsers(site):
    return {role: site.client(role) for role in ("personnel_office", "auditor", "admin", "inspection_team")}


def open_task(site, bpmn_id: str):
    running = dict(site.values["case_id"])["running"]
    with site.sessions() as session:
        return next(row.id for row in commands.open_tasks(session, running) if row.bpmn_id == bpmn_id)


def test_search_boxes_take_any_text(site, browsers):
    probes = Probes()
    for who, url in SEARCHES:
        for text in TEXTS:
            if url.startswith("/api/"):
                probes.get(site.app.test_client(), url, query=text, headers=bearer(site.tokens[who]))
            else:
                probes.get(browsers[who], url, query=text)
    probes.verify()


def test_a_metacharacter_search_of_the_registry_finds_only_literal_matches(site, browsers):
    with site.sessions() as session:
        people = [(name, staff_no) for name, staff_no in session.execute(select(Cadre.name, Cadre.staff_no))
                  if name is not None]
    for text in SQL:
        literal = sum(text in name or text in staff_no for name, staff_no in people)
        page = browsers["personnel_office"].get("/registry", query_string={"q": text, "active": "all"})
        assert count_on_page(page) == literal, text


def test_a_metacharacter_search_of_the_record_finds_only_literal_matches(site, browsers):
    for text in SQL:
        page = browsers["auditor"].get("/audit", query_string={"cadre": text})
        assert count_on_page(page) == 0, text


def test_a_metacharacter_search_of_the_cases_finds_only_literal_matches(site):
    with site.sessions() as session:
        titles = [(case.title, case.subject or "") for case in session.scalars(select(Case))]
    for text in SQL:
        literal = sum(text in title or text in subject for title, subject in titles)
        answer = site.app.test_client().get("/api/v1/cases", query_string={"all": "1", "status": "", "q": text},
                                            headers=bearer(site.tokens["admin"]))
        assert answer.json["total"] == literal, text


def test_invalid_utf8_in_paths_and_query_strings(site, browsers):
    probes, task = Probes(), open_task(site, "dossier_review")
    for bad in BAD_BYTES:
        for url in (f"/registry?q=a{bad}b", f"/inbox?q={bad}", f"/tasks/{bad}", f"/tasks/{task}{bad}",
                    f"/cases/new?process={bad}", f"/registry/export.{bad}", f"/audit?actor={bad}",
                    f"/static/{bad}"):
            probes.get(browsers["personnel_office"] if not url.startswith("/audit") else browsers["auditor"], url)
        for url in (f"/api/v1/tasks/{bad}", f"/api/v1/cases?q={bad}", f"/api/v1/{bad}"):
            probes.get(site.app.test_client(), url, headers=bearer(site.tokens["personnel_office"]))
        probes.post(browsers["personnel_office"], "/registry/headcount", data=f"approved:{bad}=1".encode(),
                    content_type="application/x-www-form-urlencoded")
    probes.verify()


def test_a_lone_surrogate_in_json_is_refused_as_is_a_nul_in_a_header(site):
    probes = Probes()
    headers = bearer(site.tokens["personnel_office"])
    for field in ("title", "subject", "cadre", "process"):
        body = {"process": "cadre_selection", "title": "t", "data": {}}
        text = json.dumps(body)[:-1] + f', "{field}": "a\\ud800b"}}'
        answer = probes.post(site.app.test_client(), "/api/v1/cases", data=text, headers=headers,
                             content_type="application/json")
        assert answer.status_code == 400 and answer.json["errors"] == {field: answer.json["message"]}, field
    for key in ("a\x00b", "x" * 100_000):
        probes.post(site.app.test_client(), "/api/v1/cases", json={"process": "cadre_selection"},
                    headers={**headers, "Idempotency-Key": key})
    # Bytes that are not UTF-8 at all: not JSON, refused as such.
    answer = probes.post(site.app.test_client(), "/api/v1/cases", data=b'{"title": "\xff"}', headers=headers,
                         content_type="application/json")
    assert answer.status_code == 422
    probes.verify()


def test_a_nul_byte_is_refused_with_the_field_it_is_in(site, browsers):
    """PostgreSQL stores no NUL in text: a 400 naming the field, before any query, on a page and in the API."""
    page = browsers["personnel_office"].get("/registry", query_string={"q": "a\x00b"})
    assert page.status_code == 400 and "“q”" in page.get_data(as_text=True)
    answer = site.app.test_client().post("/api/v1/cases", json={"process": "cadre_selection", "data": {"x": ["\x00"]}},
                                         headers=bearer(site.tokens["personnel_office"]))
    assert answer.status_code == 400 and list(answer.json["errors"]) == ["data.x.0"]


def test_the_task_form_echoes_what_was_typed_escaped(site, browsers):
    probes, task = Probes(), open_task(site, "organizational_inspection")
    client = site.client("inspection_team")
    for text in TEXTS:
        probes.post(client, f"/tasks/{task}", data={"inspection_findings": text, "talks_count": text})
        probes.post(site.app.test_client(), f"/api/v1/tasks/{task}/complete",
                    json={"data": {"inspection_findings": text, "talks_count": text}},
                    headers=bearer(site.tokens["inspection_team"]))
    probes.verify()
    with site.sessions() as session:
        assert "organizational_inspection" in {row.bpmn_id for row in commands.open_tasks(
            session, dict(site.values["case_id"])["running"])}


def test_stored_text_is_shown_escaped(site, browsers):
    """Markup saved into the registry, a talk record, a user's display name and a case's title and reason."""
    probes, office, admin = Probes(), browsers["personnel_office"], browsers["admin"]
    cadre_id = dict(site.values["cadre_id"])["cadre"]
    with site.sessions() as session:
        cadre = session.get(Cadre, cadre_id)
        person = {"name": cadre.name, "gender": cadre.gender, "birth_date": cadre.birth_date.isoformat(),
                  "ethnicity": cadre.ethnicity, "political_affiliation": cadre.political_affiliation,
                  "staff_category": cadre.staff_category, "retirement_category": cadre.retirement_category}
    token = bearer(site.tokens["personnel_office"])
    for number, text in enumerate((*MARKUP, "' OR 1=1 --", "x" * 100_000, "a\x00b")):
        probes.post(office, f"/registry/{cadre_id}/edit", data={**person, "ft_school": text, "ft_major": text,
                                                                 "name": text[:40]})
        probes.post(office, f"/registry/{cadre_id}/file/talk", data={
            "talk_date": "2026-02-10", "talk_kind": "heart_to_heart", "talkers": text, "summary": text})
        probes.post(admin, "/admin/users", data={"username": f"probe{number}", "display_name": text,
                                                 "password": "Correct-Horse-Battery-9", "roles": "party_group"})
        started = probes.post(site.app.test_client(), "/api/v1/cases", headers=token, json={
            "process": "cadre_selection", "title": text, "subject": text,
            "data": {"post_section_code": "SJZY", "post_title": "科长", "post_level": "section_chief"}})
        if started.status_code == 201:
            probes.post(site.app.test_client(), f"/api/v1/cases/{started.json['id']}/cancel", headers=token,
                        json={"reason": text})
            probes.get(office, f"/cases/{started.json['id']}")
            probes.get(admin, f"/audit/cases/{started.json['id']}")
    for url in (f"/registry/{cadre_id}", f"/registry/{cadre_id}/edit", "/registry?active=all", "/cases?all=1&status=",
                "/", "/inbox"):
        probes.get(office, url)
    for url in ("/admin/users", "/admin/tokens", "/audit", "/audit?status=cancelled"):
        probes.get(admin, url)
    probes.verify()
    script = MARKUP[0]
    with site.sessions() as session:  # the markup was stored, so the pages above had it to show
        assert session.scalar(select(User.id).where(User.display_name == script))
        assert session.scalar(select(Case.id).where(Case.title == script))
        assert session.scalar(select(TalkRecord.id).where(TalkRecord.summary == script))


def test_path_traversal_in_file_names(site, browsers):
    probes, task = Probes(), open_task(site, "dossier_review")
    office, admin = browsers["personnel_office"], browsers["admin"]
    for name in ("../../etc/passwd", "../../etc/passwd.txt", "..\\..\\windows\\win.ini.txt", "/etc/passwd.pdf",
                 "nul\x00.txt"):
        probes.post(office, f"/tasks/{task}", data={"attachments": (io.BytesIO(b"root:x:0:0"), name)},
                    content_type="multipart/form-data")
        probes.post(office, "/registry/import", data={"file": (io.BytesIO(b"root:x:0:0"), name + ".xlsx")},
                    content_type="multipart/form-data")
        probes.post(admin, "/admin/processes", data={"files": (io.BytesIO(b"<x/>"), name + ".bpmn")},
                    content_type="multipart/form-data")
        probes.post(admin, "/audit/verify", data={"checkpoint": (io.BytesIO(b"root:x:0:0"), name)},
                    content_type="multipart/form-data")
    running = dict(site.values["case_id"])["running"]
    for url in ("/static/../../etc/passwd", "/static/..%2F..%2Fwebapp%2F__init__.py", "/static/%2e%2e/__init__.py",
                f"/cases/{running}/attachments/..%2F..%2Fetc%2Fpasswd", "/registry/export.%2e%2e%2fpasswd"):
        answer = probes.get(office, url)
        assert b"root:x:0:0" not in answer.data and b"create_app" not in answer.data, url
    probes.verify()


def test_zz_the_probes_were_counted(site):
    """Last in the module: how many probes were sent, and how many answered 5xx (none)."""
    print(f"\ninjection probes: {TALLY['probes']} sent, {TALLY['5xx']} answered 5xx")
    assert TALLY["probes"] > 250 and TALLY["5xx"] == 0
