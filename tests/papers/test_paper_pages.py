"""The 文书 section of a case page, the register of numbers and the papers' commands, over real HTTP.

Found walking them in Chromium: two posts of one issue form at once (the page's script sends one, a client
without it two) must take one number; a reviewer sees no papers and is refused with the refusal on record.
"""

import hashlib
import io
import json
import re
import threading
import zipfile
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import DocumentNumber
from storage.models import IssuedPaper
from tests.papers.appointment import walk_to_appointment
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from tests.security.live_waitress import sign_in
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from workflows.engine.clock import FixedClock

PASSWORD = "password-123"


@dataclass
class Site:
    app: object
    bureau: Bureau
    run: CaseRun
    base: str

    def browser(self, username: str) -> requests.Session:
        return sign_in(requests.Session(), self.base, username, PASSWORD)

    def count(self, model) -> int:
        with self.bureau.sessions() as session:
            return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def site(db_url):
    clock = FixedClock(START)
    app = make_app(db_url, clock)
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])
    run = walk_to_appointment(bureau)  # first: a copy of a walk once made (tests/snapshots.py)
    add_user(app, "auditor", "auditor")
    with serving(app) as base:
        yield Site(app, bureau, run, base)
    app.extensions["cadreflow.engine"].dispose()


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def papers_section(page: str) -> str:
    found = re.search(r'<section id="papers".*?</section>', page, re.S)
    return found.group(0) if found else ""


def issue_form(site: Site, browser, kind: str) -> dict:
    """The fields of the issue form of ``kind`` as the case page gives them."""
    page = browser.get(f"{site.base}/cases/{site.run.id}").text
    row = re.search(rf'<tr data-kind="{kind}".*?</tr>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', row))
    assert set(fields) == {"csrf_token", "staff_no", "replaces"}, row
    return fields


def post_issue(site: Site, browser, kind: str, fields: dict) -> requests.Response:
    return browser.post(f"{site.base}/cases/{site.run.id}/papers/{kind}/issue", data=fields, allow_redirects=False)


def test_two_posts_of_one_issue_form_take_one_number(site):
    browsers = [site.browser("organiser") for _ in range(2)]
    forms = [issue_form(site, browser, "publicity") for browser in browsers]
    start, answers = threading.Barrier(2), []

    def click(browser, fields):
        start.wait(timeout=30)
        answers.append(post_issue(site, browser, "publicity", fields))

    threads = [threading.Thread(target=click, args=pair) for pair in zip(browsers, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Both go back to the case's papers: one with the paper, one saying it is issued already.
    assert [answer.status_code for answer in answers] == [303, 303]
    assert all(answer.headers["Location"].endswith(f"/cases/{site.run.id}#papers") for answer in answers)
    assert site.count(DocumentNumber) == 1 and site.count(IssuedPaper) == 1
    pages = [browser.get(f"{site.base}/cases/{site.run.id}").text for browser in browsers]
    assert sum("「任前公示」已经出具（青数〔2026〕1号），不会重复出具" in page for page in pages) == 1
    shown = [papers_section(page) for page in pages]
    assert all("任前公示-青数〔2026〕1号.pdf" in section for section in shown)
    # The page now offers no second issue of the paper whose number stands.
    assert 'data-kind="publicity"' in shown[0] and "form" not in re.search(
        r'<tr data-kind="publicity".*?</tr>', shown[0], re.S).group(0)


def test_the_downloaded_paper_has_the_sha256_the_page_shows(site):
    office = site.browser("organiser")
    answer = post_issue(site, office, "publicity", issue_form(site, office, "publicity"))
    assert answer.status_code == 303
    for reader in (office, site.browser("auditor")):
        section = papers_section(reader.get(f"{site.base}/cases/{site.run.id}").text)
        link = re.search(r'class="issued-file" href="([^"]+)"', section).group(1)
        shown = re.sub(r"<wbr>", "", re.search(r'<code class="sha256">(.*?)</code>', section).group(1))
        download = reader.get(site.base + link)
        assert download.status_code == 200 and download.headers["Content-Type"] == "application/pdf"
        assert "attachment" in download.headers["Content-Disposition"]
        assert hashlib.sha256(download.content).hexdigest() == shown
    auditor_section = papers_section(site.browser("auditor").get(f"{site.base}/cases/{site.run.id}").text)
    assert "<form" not in auditor_section and "preview-pdf" not in auditor_section  # read only


def test_drafts_carry_no_number_and_the_form_goes_through_the_registry(site):
    office = site.browser("organiser")
    draft = office.get(f"{site.base}/cases/{site.run.id}/papers/publicity.docx")
    assert draft.status_code == 200 and draft.content[:2] == b"PK"
    assert site.count(DocumentNumber) == 0 and site.count(IssuedPaper) == 0
    form = office.get(f"{site.base}/cases/{site.run.id}/papers/approval_form.pdf?staff_no=QP0003",
                      allow_redirects=False)
    assert form.status_code == 302 and "/registry/cadres/QP0003/approval-form.pdf?case=" in form.headers["Location"]
    unknown = office.get(f"{site.base}/cases/{site.run.id}/papers/no_such.pdf")
    assert unknown.status_code == 422


def test_a_reviewer_sees_no_papers_and_is_refused_on_record(site):
    member = site.browser("member1")
    page = member.get(f"{site.base}/cases/{site.run.id}")
    assert page.status_code == 200 and papers_section(page.text) == ""
    fields = {"csrf_token": token(page.text), "staff_no": "", "replaces": ""}
    assert post_issue(site, member, "publicity", fields).status_code == 403
    assert member.post(f"{site.base}/cases/{site.run.id}/papers/filing-package", data=fields).status_code == 403
    assert member.get(f"{site.base}/cases/{site.run.id}/papers/publicity.pdf").status_code == 403
    assert member.get(f"{site.base}/papers/numbers").status_code == 403
    assert site.count(DocumentNumber) == 0
    with site.bureau.sessions() as session:
        denied = [json.loads(event.payload)["command"] for event in session.scalars(
            select(AuditEvent).where(AuditEvent.type == "access.denied", AuditEvent.case_id == site.run.id))]
    assert f"POST /cases/{site.run.id}/papers/publicity/issue" in denied


def test_a_number_is_voided_with_a_reason_and_stays_in_the_register(site):
    office = site.browser("organiser")
    post_issue(site, office, "appointment_notice", issue_form(site, office, "appointment_notice"))
    with site.bureau.sessions() as session:
        number_id = session.scalar(select(DocumentNumber.id))
    void = f"{site.base}/cases/{site.run.id}/papers/numbers/{number_id}/void"
    page = office.get(f"{site.base}/cases/{site.run.id}").text
    refused = office.post(void, data={"csrf_token": token(page), "reason": "  "})
    assert refused.status_code == 200 and "作废原因为必填项" in refused.text  # back on the case page, said
    with site.bureau.sessions() as session:
        assert session.get(DocumentNumber, number_id).status == "issued"
    office.post(void, data={"csrf_token": token(page), "reason": "任职时间有误"})
    with site.bureau.sessions() as session:
        assert session.get(DocumentNumber, number_id).status == "void"
    register = office.get(f"{site.base}/papers/numbers?year=2026&prefix=青数").text
    assert "青数〔2026〕1号" in register and "任职时间有误" in register and 'class="void"' in register
    again = issue_form(site, office, "appointment_notice")
    assert again["replaces"]  # the page re-issues naming the paper it replaces
    post_issue(site, office, "appointment_notice", again)
    assert "青数〔2026〕2号" in office.get(f"{site.base}/papers/numbers").text


def test_the_filing_package_downloads_and_goes_on_record(site):
    office = site.browser("organiser")
    page = office.get(f"{site.base}/cases/{site.run.id}").text
    assert "filing-package" in papers_section(page)
    answer = office.post(f"{site.base}/cases/{site.run.id}/papers/filing-package", data={"csrf_token": token(page)})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/zip"
    assert f"filing-package-case-{site.run.id}.zip" in answer.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert all(hashlib.sha256(archive.read(f["name"])).hexdigest() == f["sha256"] for f in manifest["files"])
    with site.bureau.sessions() as session:
        [built] = session.scalars(select(AuditEvent).where(AuditEvent.type == "papers.filing_package_built"))
        assert json.loads(built.payload)["sha256"] == hashlib.sha256(answer.content).hexdigest()


def test_a_case_not_appointed_yet_offers_no_package(site):
    other = steps.start(site.bureau)
    steps.to_work_plan(other)
    office = site.browser("organiser")
    page = office.get(f"{site.base}/cases/{other.id}").text
    assert "filing-package" not in papers_section(page)
    answer = office.post(f"{site.base}/cases/{other.id}/papers/filing-package", data={"csrf_token": token(page)})
    assert answer.status_code == 200 and "尚未发文任职" in answer.text  # back on the case page, said


def test_the_register_takes_a_number_for_a_document_outside_a_case(site):
    office = site.browser("organiser")
    page = office.get(f"{site.base}/papers/numbers").text
    taken = office.post(f"{site.base}/papers/numbers", data={"csrf_token": token(page), "kind": "request",
                                                             "title": "关于增加科级职数的请示"})
    assert taken.status_code == 200 and "青数〔2026〕1号" in taken.text and "关于增加科级职数的请示" in taken.text
    refused = office.post(f"{site.base}/papers/numbers", data={"csrf_token": token(page), "title": " "})
    assert refused.status_code == 422 and "「文件标题」为必填项" in refused.text
    assert site.count(DocumentNumber) == 1
    auditor = site.browser("auditor").get(f"{site.base}/papers/numbers").text
    assert "青数〔2026〕1号" in auditor and 'action="/papers/numbers"' not in auditor


def test_the_commands(site, tmp_path):
    runner = site.app.test_cli_runner()
    out = tmp_path / "package.zip"
    done = runner.invoke(args=["filing-package", str(site.run.id), "--out", str(out), "--by", "organiser"])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as archive:
        assert "manifest.json" in archive.namelist()
    done = runner.invoke(args=["issue-number", "--title", "关于报送干部任免材料的报告", "--case", str(site.run.id)])
    assert done.exit_code == 0 and done.output.strip() == "青数〔2026〕1号"
    for args in (["filing-package", "99999", "--out", str(out)], ["issue-number", "--title", " "],
                 ["filing-package", str(site.run.id), "--out", str(out), "--by", "member1"]):
        assert runner.invoke(args=args).exit_code == 1, args


@pytest.fixture
def at_the_notice(db_url):
    """A selection whose ⑮ (任职通知) is open: the publicity over, the notice not yet made."""
    clock = FixedClock(START)
    app = make_app(db_url, clock)
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])
    run = steps.to_vote(bureau)
    steps.vote(run, {member: "approve" for member in steps.MEMBERS})
    steps.publish(run)
    run.wait_for("publicity_period")
    with serving(app) as base:
        yield Site(app, bureau, run, base)
    app.extensions["cadreflow.engine"].dispose()


def test_the_open_notice_step_offers_its_number_first_and_two_clicks_take_one(at_the_notice):
    """⑮'s 任职文号 was typed by hand while the 任职通知 took another number: the page now takes it first."""
    site = at_the_notice
    office = site.browser("organiser")
    section = papers_section(office.get(f"{site.base}/cases/{site.run.id}").text)
    assert 'class="inline take-step-number"' in section
    url = f"{site.base}/cases/{site.run.id}/papers/appointment_notice/number"
    fields = {"csrf_token": token(section)}
    start, answers = threading.Barrier(2), []

    def click():
        start.wait()
        answers.append(office.post(url, data=fields, allow_redirects=False).status_code)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert answers == [303, 303] and site.count(DocumentNumber) == 1
    section = papers_section(office.get(f"{site.base}/cases/{site.run.id}").text)
    assert "青数〔2026〕1号" in section and "take-step-number" not in section
    site.run.do("appointment_notice", {"document_no": "青数〔2026〕1号", "notice_date": "2026-10-12"})
    assert "take-step-number" not in papers_section(office.get(f"{site.base}/cases/{site.run.id}").text)
    member = site.browser("member1")
    own = {"csrf_token": token(member.get(f"{site.base}/").text)}
    assert member.post(url, data=own, allow_redirects=False).status_code == 403 and site.count(DocumentNumber) == 1
