"""The site the security tests attack: users of every role, a running and a withdrawn selection, their ids."""

from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import select

from storage.base import Base
from storage.models import ApiToken
from storage.models import Cadre
from storage.models import HumanTask
from storage.models import TalkRecord
from storage.models import User
from tests.conftest import empty_database_url
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import Bureau
from tests.webapp.conftest import add_user
from tests.webapp.conftest import make_app
from tests.webapp.conftest import signed_in
from workflows import commands
from workflows.actors import ROLE_NAMES
from workflows.engine.clock import FixedClock
from workflows.forms import attachments

ROLES = tuple(ROLE_NAMES)
ANONYMOUS = "anonymous"
# Staff numbers the selection walk names; the registry routes work on another cadre.
IN_THE_CASE = ("QP0003", "QP0010", "QP0011", "QP0018", "QP0037")
TALK = {"talk_date": "2026-02-10", "talk_kind": "heart_to_heart", "talkers": "郑晓燕", "summary": "谈话要点"}


def username(role: str) -> str:
    """The user who holds ``role`` alone (the bureau's own people walk the cases)."""
    return f"as-{role}"


@dataclass
class Site:
    """The app, the bureau that walked the cases, one user per role (named after it) and their API tokens."""

    app: object
    bureau: Bureau
    tokens: dict[str, str]
    # What the URL parameters are filled with: {parameter: [(label, value), …]}; the label names the thing.
    values: dict[str, list[tuple[str, object]]] = field(default_factory=dict)

    @property
    def sessions(self):
        return self.app.extensions["cadreflow.sessions"]

    def client(self, who: str):
        """A browser signed in as the user of role ``who`` (a fresh one, not signed in, for ANONYMOUS)."""
        return self.app.test_client() if who == ANONYMOUS else signed_in(self.app, username(who))

    def rows(self) -> dict[str, int]:
        """The number of rows in every table, to show that a refused request wrote nothing."""
        with self.sessions() as session:
            return {table.name: session.scalar(select(func.count()).select_from(table))
                    for table in Base.metadata.sorted_tables}


def database_url(request, tmp_path_factory) -> str:
    """An empty database on the backend of ``request.param`` (a module-scoped fixture's)."""
    return empty_database_url(request, tmp_path_factory.mktemp("security"))


def build(url: str) -> Site:
    """The site: demo registry, the selection deployed, a case at its four checks and a withdrawn one."""
    clock = FixedClock(START)
    app = make_app(url, clock)
    app.config["WTF_CSRF_ENABLED"] = False  # the CSRF tests turn it back on after signing in
    bureau = Bureau(app.extensions["cadreflow.sessions"], clock, ["cadre_selection.bpmn"])
    tokens = {role: add_user(app, username(role), role) for role in ROLES}
    add_user(app, "target", "party_group")  # the admin routes' user and token, for the empty posts to act on
    site = Site(app, bureau, tokens)
    running = steps.to_checks(bureau)  # open tasks of the office, the inspection team, discipline, the district
    withdrawn = steps.start(bureau)
    with site.sessions.begin() as session:
        commands.cancel_case(session, bureau.people["organiser"], clock.now(), withdrawn.id, "岗位调整，撤销")
    tasks = {row.bpmn_id: row for row in running.open_tasks()}
    with site.sessions.begin() as session:
        stored = attachments.store(session, bureau.people["organiser"], clock.now(), running.id,
                                   tasks["dossier_review"].id, "attachments", "附件", "note.txt", b"dossier notes")
    with site.sessions() as session:
        cadre_id = session.scalar(select(Cadre.id).where(Cadre.staff_no.not_in(IN_THE_CASE), Cadre.active)
                                  .order_by(Cadre.staff_no).limit(1))
        staff_no = session.scalar(select(Cadre.staff_no).where(Cadre.id == cadre_id))
        target = session.scalar(select(User.id).where(User.username == "target"))
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == target))
    answer = site.client("personnel_office").post(f"/registry/{cadre_id}/file/talk", data=TALK)
    assert answer.status_code == 302, "the talk record was not added"
    with site.sessions() as session:
        talk_id = session.scalar(select(TalkRecord.id).where(TalkRecord.cadre_id == cadre_id))
        motion_consent = session.scalar(select(HumanTask.id).where(HumanTask.case_id == running.id,
                                                                   HumanTask.bpmn_id == "motion_consent"))
    site.values = {
        # The withdrawn case first: the routes open to the same roles for every case use it (a short record).
        "case_id": [("withdrawn", withdrawn.id), ("running", running.id)],
        # An open task of the office and one of the district's; one the party secretary closed.
        "task_id": [("dossier_review", tasks["dossier_review"].id),
                    ("personal_matters_check", tasks["personal_matters_check"].id),
                    ("motion_consent", motion_consent)],
        "cadre_id": [("cadre", cadre_id)], "kind_name": [("talk", "talk")], "record_id": [("talk", talk_id)],
        "user_id": [("target", target)], "token_id": [("target", token_id)],
        "sha256": [("attachment", stored["sha256"])], "name": [("complaint", "complaint")],
        "code": [("en", "en")], "kind": [("csv", "csv")],
        "staff_no": [("cadre", staff_no)], "fmt": [("pdf", "pdf")],
        # No paper is issued and no number taken on the site: the routes answer 404 to those let in.
        "paper_id": [("none", 1)], "number_id": [("none", 1)],
        # Another cadre's award: the award routes answer 404 to those let in (and delete nothing).
        "award_id": [("other", 1)],
    }
    return site

