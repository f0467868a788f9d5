"""Ballot secrecy: before the tally a member reads only their own ballot, on every page and through the API."""

import pytest
import requests

from storage.models import Case
from tests.conftest import make_actor
from tests.procedures import selection_steps as steps
from tests.webapp.conftest import make_app
from tests.webapp.conftest import serving
from tests.webapp.test_pages import sign_in
from tests.workflows.test_record_sheet import pdf_text
from workflows import accounts
from workflows.accounts import find_user
from workflows.queries import ballot_secrecy
from workflows.record import record_sheet
from workflows.record import verification

MODELS = ["cadre_selection.bpmn"]
OPINION = "此人不宜提拔，另有隐情"  # member1's reason, which member2 must not read before voting


@pytest.fixture
def app(bureau, db_url, clock):
    app = make_app(db_url, clock)
    yield app
    app.extensions["cadreflow.engine"].dispose()


def token_for(app, username: str) -> dict:
    with app.extensions["cadreflow.sessions"].begin() as session:
        return {"Authorization": f"Bearer {accounts.create_token(session, find_user(session, username))}"}


def to_open_vote(bureau, method="named_ballot"):
    """member1 has voted against with a reason; member2's ballot is still open."""
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    steps.determine(run)
    steps.inspect(run)
    steps.propose(run)
    run.do("party_group_meeting", {"meeting_date": "2026-09-21", "vote_method": method,
                                   "members_present": steps.MEMBERS[:4], "briefing": "介绍"}, by="secretary")
    run.do("cast_ballot", {"ballot": "reject", "opinion": OPINION}, by="member1")
    return run


def page_of(app, username: str, path: str) -> str:
    client = app.test_client()
    sign_in(client, username)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_a_member_reads_no_other_ballot_before_the_tally(bureau, app):
    # Observed: member2 read member1's ballot and opinion on the case page, the task page's record,
    # GET /api/v1/cases/<id> (data) and GET /api/v1/cases/<id>/events while member2's ballot was open.
    run = to_open_vote(bureau)
    (ballot,) = [row for row in run.open_tasks()
                 if row.bpmn_id == "cast_ballot" and row.assignee_id == bureau.people["member2"].user_id]
    for path in (f"/cases/{run.id}", f"/tasks/{ballot.id}"):
        page = page_of(app, "member2", path)
        assert OPINION not in page and ballot_secrecy.SEALED_OPEN in page
    with serving(app) as base:
        headers = token_for(app, "member2")
        case = requests.get(f"{base}/api/v1/cases/{run.id}", headers=headers, timeout=30).json()
        events = str(requests.get(f"{base}/api/v1/cases/{run.id}/events?limit=500", headers=headers,
                                  timeout=30).json())
    assert OPINION not in str(case["data"]) and "reject" not in str(case["data"].get("ballots"))
    assert OPINION not in events and ballot_secrecy.SEALED_OPEN in events


def test_a_member_reads_their_own_ballot_and_the_office_reads_none_before_the_tally(bureau, app):
    run = to_open_vote(bureau)
    assert OPINION in page_of(app, "member1", f"/cases/{run.id}")
    office = page_of(app, "organiser", f"/cases/{run.id}")
    assert OPINION not in office and "保密" in office


def test_after_the_tally_the_office_and_secretary_read_every_ballot_members_only_their_own(bureau, app):
    run = to_open_vote(bureau)
    for member in steps.MEMBERS[1:4]:
        run.do("cast_ballot", {"ballot": "approve"}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": "approve", "minutes": "会议纪要"}, by="secretary")
    for reader in ("organiser", "secretary"):
        assert OPINION in page_of(app, reader, f"/cases/{run.id}")
    assert OPINION not in page_of(app, "member2", f"/cases/{run.id}")


def test_a_secret_ballot_shows_counts_only_and_auditors_read_every_choice(bureau, app, sessions):
    make_actor(sessions, "auditor", "auditor")
    run = to_open_vote(bureau, method="secret_ballot")
    for member in steps.MEMBERS[1:4]:
        run.do("cast_ballot", {"ballot": "approve"}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": "approve", "minutes": "会议纪要"}, by="secretary")
    office = page_of(app, "organiser", f"/cases/{run.id}")
    assert OPINION not in office and ballot_secrecy.SEALED_SECRET in office
    assert "4 / 1 / 0" in office  # the counts: approve / reject / defer
    with serving(app) as base:
        data = requests.get(f"{base}/api/v1/cases/{run.id}", headers=token_for(app, "organiser"), timeout=30).json()
        assert data["data"]["ballots"] == ballot_secrecy.SEALED_SECRET and data["data"]["approve_votes"] == 4
        audited = str(requests.get(f"{base}/api/v1/cases/{run.id}/events?limit=500",
                                   headers=token_for(app, "auditor"), timeout=30).json())
    assert OPINION in audited


def test_the_record_sheet_of_a_secret_ballot_is_filed_with_the_counts_only(bureau, sessions, tmp_path):
    run = to_open_vote(bureau, method="secret_ballot")
    for member in steps.MEMBERS[1:4]:
        run.do("cast_ballot", {"ballot": "approve"}, by=member)
    run.do("secretary_ballot", {"secretary_ballot": "approve", "minutes": "会议纪要"}, by="secretary")
    with sessions() as session:
        case = session.get(Case, run.id)
        text = pdf_text(record_sheet.render_pdf(session, case, verification.verify_case(session, case)), tmp_path)
    assert "表决方式：无记名投票" in text and "合计同意4票，不同意1票，缓议0票" in text
    assert OPINION not in text and "不同意此人" not in text and ballot_secrecy.SEALED_SECRET in text
