"""A cadre's 干部任免审批表 as a download (PDF or Word), now or as a case proposes them (``?case=``)."""

from flask import Blueprint
from flask import current_app

from webapp import bounded
from webapp import db
from webapp.case_access import note_case
from webapp.downloads import attachment
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from webapp.security import today
from workflows.papers import approval_export
from workflows.papers.bureau import BureauDetails

bp = Blueprint("approval_form", __name__, url_prefix="/registry/cadres")
READERS = tuple(sorted(approval_export.READERS))


@bp.get("/<staff_no>/approval-form.<any(pdf, docx):fmt>")
@roles_required(*READERS)
def download(staff_no: str, fmt: str):
    return respond(staff_no, fmt, bounded.query_int("case"))


def respond(staff_no: str, fmt: str, case_id: int | None):
    """The form as a file named 干部任免审批表-{姓名}.{fmt}; giving it out goes on record (a GET that writes).

    The API's route answers with this too; the command checks the reader's roles and the case itself.
    """
    note_case(case_id)  # a refusal to read the case goes on record with it
    actor = current_actor()  # before own_transaction lets go of the request's session
    with db.own_transaction() as session:
        paper = approval_export.give(session, actor, now(), staff_no, fmt=fmt, today=today(), case_id=case_id,
                                     reporting_unit=bureau().name)
    return attachment(paper.content, paper.media_type, paper.name, paper.ascii_name)


def bureau() -> BureauDetails:
    """The bureau the settings describe (呈报单位)."""
    return BureauDetails.from_settings(current_app.config)
