"""A sixteen-step selection driven once per test module and backend, signed by a checkpoint, and a case begun after it.

Import ``recorded`` into a test module to use it. The case attaches a file to its analysis, writes an opinion
long enough to run over a page, and one member votes against, so the exports have all of these to show.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update

from storage import make_engine
from storage import make_session_factory
from storage.models import User
from tests.conftest import BACKENDS
from tests.conftest import empty_database_url
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.procedures.driver import CaseRun
from tests.procedures.driver import beijing
from tests.template_db import migrate
from workflows.engine.clock import FixedClock
from workflows.record import checkpoints

MEMBERS = steps.MEMBERS
# The member who votes against, with the opinion selection_steps.vote writes for a vote other than approve.
AGAINST = "member5"
DISPLAY_NAMES = {"organiser": "王敏", "secretary": "李华", "member1": "张强", "member2": "陈静",
                 "member3": "黄涛", "member4": "周杰", "member5": "吴芳", "member6": "郑凯",
                 "inspector": "赵磊", "discipline": "刘洋", "district": "孙丽"}
REPORT = b"%PDF-1.4 analysis report of the vacancy"
ATTACHMENT = {"name": "职数研判报告.pdf", "sha256": hashlib.sha256(REPORT).hexdigest(), "size": len(REPORT)}
# About 5,000 characters: more than a page of the sheet's opinion column.
LONG_ANALYSIS = "原科长交流轮岗后空缺，需从副科级干部中选拔；" * 220 + "研判完毕"
# Half past midnight in Beijing: still the day before in UTC, so a period of Beijing days must be used.
RUNNING_STARTS = beijing("2027-10-21 00:30")


@dataclass
class Recorded:
    """The database of the driven case, its signing key, and the case started after the checkpoint."""

    url: str
    sessions: object
    clock: FixedClock
    case_id: int
    running_id: int
    signer: checkpoints.Signer
    checkpoint: checkpoints.Checkpoint
    folder: Path

    @property
    def trusted(self) -> set[str]:
        return {self.signer.public_key}


def walk(bureau: Bureau) -> CaseRun:
    """Start to confirmation: a file and a long opinion in the analysis, a recusal, one vote against."""
    run = steps.start(bureau)
    run.do("analysis", {**steps.ANALYSIS, "analysis": LONG_ANALYSIS, "attachments": [ATTACHMENT]})
    run.do("motion", steps.MOTION)
    run.do("motion_consent", {"motion_agreed": True, "secretary_opinion_on_motion": "同意启动"})
    steps.to_candidates(run)
    steps.determine(run)
    steps.inspect(run)
    steps.propose(run)
    steps.meeting(run, recused=["member6"])
    steps.vote(run, {member: "reject" if member == AGAINST else "approve" for member in MEMBERS[:5]})
    steps.publish(run)
    run.wait_for("publicity_period")
    steps.appoint(run)
    steps.probation(run, "confirmed")
    return run


@pytest.fixture(scope="module", params=BACKENDS)
def recorded(request, tmp_path_factory):
    """The driven case, completed and signed, and a second case started after the checkpoint (running)."""
    folder = tmp_path_factory.mktemp("recorded")
    url = empty_database_url(request, folder)
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    clock = FixedClock(START)
    bureau = Bureau(sessions, clock, ["cadre_selection.bpmn"])
    with sessions.begin() as session:
        for username, name in DISPLAY_NAMES.items():
            session.execute(update(User).where(User.username == username).values(display_name=name))
    run = walk(bureau)
    assert run.status == "completed"
    signer = checkpoints.generate_key(folder / "key.pem")
    clock.advance(hours=1)
    with sessions.begin() as session:
        checkpoint = checkpoints.make(session, signer, clock.now())
    clock.at = RUNNING_STARTS
    running = steps.start(bureau)
    yield Recorded(url, sessions, clock, run.id, running.id, signer, checkpoint, folder)
    engine.dispose()
