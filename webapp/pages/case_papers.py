"""The papers of a case (文书): drafts, issuing with a number, the issued files, voiding a number, the 备案 package;
and the register of document numbers.

A refused write (issued already, a number void already, no reason given) comes back to the page it was sent from
with the reason shown: a double click's second request lands there too, so it reads as "already issued", not as
an error page over the paper the first click made.
"""

from functools import wraps
from pathlib import PurePath

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import bounded
from webapp import case_access
from webapp import db
from webapp import downloads
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from webapp.security import today
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.papers import case_record
from workflows.papers import catalogue
from workflows.papers import filing_package
from workflows.papers import issuing
from workflows.papers import numbers
from workflows.papers import typed_numbers
from workflows.papers.bureau import BureauDetails
from workflows.queries import paging

bp = Blueprint("case_papers", __name__)
ISSUERS = numbers.ISSUER_ROLES
READERS = ("personnel_office", "admin", "auditor")


def bureau() -> BureauDetails:
    """The bureau the settings describe: its 代字 numbers the papers."""
    return BureauDetails.from_settings(current_app.config)


def of_case(view):
    """Name the case in the URL before the role check, so that a refusal goes on that case's record."""

    @wraps(view)
    def noted(*args, **kwargs):
        case_access.note_case(kwargs.get("case_id"))
        return view(*args, **kwargs)
    return noted


def _back(case_id: int):
    return redirect(url_for("case_pages.show", case_id=case_id, _anchor="papers"), code=303)


def _flashed(status: int, message: str, errors: dict, to: str, **where):
    """Go to ``to`` (303) with the refusal's message and each field's message shown there."""
    flash(message, "error")
    for problem in errors.values():
        if problem != message:
            flash(problem, "error")
    return redirect(url_for(to, **where), code=status)


def _refused(error: Conflict | InvalidData, to: str, **where):
    """Undo the refused write (form_again), then back to the page it came from with the reason."""
    return form_again(_flashed, 303, message=error.message, errors=getattr(error, "errors", None) or {}, to=to,
                      **where)


def _refused_on_case(case_id: int, error: Conflict | InvalidData):
    return _refused(error, "case_pages.show", case_id=case_id, _anchor="papers")


@bp.get("/cases/<int:case_id>/papers/<kind>.<any(pdf, docx):fmt>")
@of_case
@roles_required(*ISSUERS)
def draft(case_id: int, kind: str, fmt: str):
    """A paper as it would be issued today, without a number (a draft to read or edit in Word)."""
    case = case_access.readable_case(case_id)
    staff_no = request.args.get("staff_no") or None
    if kind == catalogue.APPROVAL_FORM:  # the registry's route gives the form and records who read it
        return redirect(url_for("approval_form.download", staff_no=staff_no or "", fmt=fmt, case=case_id))
    catalogue.check_offered(db.session(), case, kind, staff_no)  # the kind is known: its code is ASCII
    content = catalogue.render(db.session(), case, kind, fmt=fmt, staff_no=staff_no, bureau=bureau(), number=None,
                               today=today())
    person = issuing.person_name(db.session(), staff_no)
    name = issuing.file_name(f"{catalogue.kind_of(kind).title}（草稿）", person, None, fmt)
    return downloads.attachment(content, catalogue.FORMATS[fmt], name, f"draft-case-{case_id}-{kind}.{fmt}")


@bp.post("/cases/<int:case_id>/papers/<kind>/issue")
@of_case
@roles_required(*ISSUERS)
def issue(case_id: int, kind: str):
    """Issue the paper onto the case's record (numbered when its kind is)."""
    case = case_access.readable_case(case_id)
    replaces = request.form.get("replaces") or None
    try:
        paper = issuing.issue_paper(
            db.session(), current_actor(), now(), case, kind, staff_no=request.form.get("staff_no") or None,
            bureau=bureau(), today=today(), replaces=bounded.posted_id(replaces) if replaces else None)
    except (Conflict, InvalidData) as refused:
        return _refused_on_case(case_id, refused)
    flash(_("Issued: %(name)s (SHA-256 %(sha)s…)", name=paper.file_name, sha=paper.sha256[:16]), "ok")
    return _back(case_id)


@bp.post("/cases/<int:case_id>/papers/<kind>/number")
@of_case
@roles_required(*ISSUERS)
def take_step_number(case_id: int, kind: str):
    """Take the number the open step's form records (⑮'s 任职文号) before the notice itself is made."""
    case_access.readable_case(case_id)
    title = catalogue.kinds()[kind].title if kind in catalogue.kinds() else kind
    try:
        number = typed_numbers.take_for_step(db.session(), current_actor(), now(), case_id, kind,
                                             prefix=bureau().prefix, title=title)
    except (Conflict, InvalidData) as refused:
        return _refused_on_case(case_id, refused)
    flash(_("Number %(number)s issued: enter it on the form of the step.", number=numbers.formatted(number)), "ok")
    return _back(case_id)


@bp.get("/cases/<int:case_id>/papers/issued/<int:paper_id>")
@of_case
@roles_required(*READERS)
def issued(case_id: int, paper_id: int):
    """An issued paper, byte for byte as it was issued."""
    case_access.readable_case(case_id)
    paper = issuing.get_paper(db.session(), case_id, paper_id)
    content, media_type, name, kind, staff_no = (paper.content, paper.media_type, paper.file_name, paper.kind,
                                                 paper.staff_no)
    if kind == catalogue.APPROVAL_FORM:  # personal data: each reading of a form goes on record
        actor = current_actor()  # before own_transaction lets go of the request's session
        with db.own_transaction() as session:
            issuing.record_form_read(session, actor, now(), case_id, paper_id, staff_no)
    suffix = PurePath(name).suffix.lower()
    return downloads.attachment(content, media_type, name, f"case-{case_id}-paper-{paper_id}{suffix}")


@bp.post("/cases/<int:case_id>/papers/numbers/<int:number_id>/void")
@of_case
@roles_required(*ISSUERS)
def void_on_case(case_id: int, number_id: int):
    """Void a number of the case's papers (its document withdrawn); the reason is required."""
    case_access.readable_case(case_id)
    try:
        number = numbers.void(db.session(), current_actor(), now(), number_id, request.form.get("reason", ""),
                              case_id=case_id)
    except (Conflict, InvalidData) as refused:
        return _refused_on_case(case_id, refused)
    flash(_("Number %(number)s voided.", number=numbers.formatted(number)), "ok")
    return _back(case_id)


@bp.post("/cases/<int:case_id>/papers/filing-package")
@of_case
@roles_required(*ISSUERS)
def package(case_id: int):
    """The 备案 package as a zip download; building it goes on the case's record."""
    case = case_access.readable_case(case_id)
    try:
        built = filing_package.build_and_record(db.session(), current_actor(), now(), case, bureau=bureau(),
                                                today=today())
    except (Conflict, InvalidData) as refused:
        return _refused_on_case(case_id, refused)
    return downloads.attachment(built.content, "application/zip", f"备案材料-案件{case_id}.zip", built.file_name)


def section(case) -> dict | None:
    """What the case page's 文书 section shows to the reader; None for one who may not see the papers."""
    roles = set(current_user.roles)
    if not roles & set(READERS):
        return None
    session, may_issue = db.session(), bool(roles & set(ISSUERS))
    rows = issuing.issued_rows(session, case)
    latest = {(row.paper.kind, row.paper.staff_no): row for row in rows if row.current}
    kinds = catalogue.kinds()
    offered = []
    record = case_record.read(session, case) if may_issue else None  # once: it restores the workflow
    for item in catalogue.offered(session, case, record) if may_issue else []:
        last = latest.get((item.kind, item.staff_no))
        live_number = last is not None and last.number is not None and last.number.status != numbers.VOID
        offered.append({"item": item, "kind": kinds[item.kind], "last": last, "may_issue": not live_number})
    try:
        filing = may_issue and bool(filing_package.appointee_of(session, case, record.data))
    except (Conflict, InvalidData):
        filing = False
    step_numbers = [{"kind": kind, "title": kinds[kind].title, "number": numbers.formatted(row) if row else None}
                    for kind, row in typed_numbers.waiting(session, case.id)] if may_issue else []
    return {"offered": offered, "issued": rows, "may_issue": may_issue, "filing": filing, "step_numbers": step_numbers,
            "approval_route": "approval_form.download" in current_app.view_functions}


@bp.app_context_processor
def _papers_section():
    return {"case_papers": section}


@bp.get("/papers/numbers")
@roles_required(*READERS)
def register(errors: dict | None = None, message: str | None = None, status: int = 200):
    """The register of document numbers: by year and 代字, a page at a time, void numbers marked."""
    session, args = db.session(), request.args
    year = bounded.query_int("year", None, most=9999)
    page = bounded.query_int("page", 1, clamp=True)
    rows, total = numbers.register(session, prefix=args.get("prefix") or None, year=year, page=page)
    return render_template("papers/numbers.html", rows=rows, total=total, page=page, args=args,
                           pages=paging.page_count(total), years=numbers.years(session),
                           prefixes=numbers.prefixes(session), default_prefix=bureau().prefix,
                           kind_titles={code: kind.title for code, kind in catalogue.kinds().items()},
                           may_issue=bool(set(current_user.roles) & set(ISSUERS)), errors=errors or {},
                           message=message, form=request.form), status


@bp.post("/papers/numbers")
@roles_required(*ISSUERS)
def take_number():
    """Take the next number for a document made outside a case (a 请示, a 报告 …)."""
    form = request.form
    try:
        number = numbers.issue(db.session(), current_actor(), now(), prefix=form.get("prefix") or bureau().prefix,
                               kind=form.get("kind") or "other", title=form.get("title", ""))
    except InvalidData as invalid:
        return form_again(register, 422, errors=invalid.errors, message=invalid.message)
    text = numbers.formatted(number)
    flash(_("Number %(number)s issued.", number=text), "ok")
    return redirect(url_for("case_papers.register", year=number.year, prefix=number.prefix), code=303)


@bp.post("/papers/numbers/<int:number_id>/void")
@roles_required(*ISSUERS)
def void(number_id: int):
    """Void a number from the register."""
    try:
        number = numbers.void(db.session(), current_actor(), now(), number_id, request.form.get("reason", ""))
    except (Conflict, InvalidData) as refused:
        return _refused(refused, "case_papers.register")
    flash(_("Number %(number)s voided.", number=numbers.formatted(number)), "ok")
    return redirect(url_for("case_papers.register", year=number.year, prefix=number.prefix), code=303)
