"""The .lrmx pages: a cadre's file as a download, and importing files with a preview of every change first."""

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import db
from webapp import staging
from webapp.downloads import attachment
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import roles_required
from webapp.security import today
from workflows.errors import Conflict
from workflows.errors import InvalidData
from workflows.papers import lrmx
from workflows.papers import lrmx_export
from workflows.papers import lrmx_import
from workflows.papers.bureau import BureauDetails

bp = Blueprint("registry_lrmx", __name__, url_prefix="/registry")
READERS = ("personnel_office", "admin", "auditor")
EDITORS = ("personnel_office", "admin")
KIND = "lrmx_import"


@bp.get("/cadres/<staff_no>/lrmx")
@roles_required(*READERS)
def export(staff_no: str):
    """The cadre's form as {姓名}.lrmx; giving it out goes on record (a GET that writes, in its own transaction)."""
    actor = current_actor()  # before own_transaction lets go of the request's session
    with db.own_transaction() as session:
        paper = lrmx_export.give(session, actor, now(), staff_no, today=today(),
                                 reporting_unit=BureauDetails.from_settings(current_app.config).name)
    return attachment(paper.content, paper.media_type, paper.name, paper.ascii_name)


@bp.route("/lrmx-import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def upload():
    if request.method == "GET":
        return _upload_page([])
    uploads = [upload for upload in request.files.getlist("files") if upload and upload.filename]
    if not uploads:
        return _upload_page([_("Choose one or more .lrmx files.")], 422)
    if len(uploads) > lrmx_import.MAX_FILES:
        return _upload_page([_("At most %(limit)s files at a time.", limit=lrmx_import.MAX_FILES)], 422)
    wrong = [upload.filename for upload in uploads if not upload.filename.lower().endswith(".lrmx")]
    if wrong:
        return _upload_page([_("%(file)s is not an .lrmx file. An Excel or CSV registry file is imported on the "
                               "registry import page.", file=name) for name in wrong], 422)
    # No further than the limit: a larger file is refused by its size in the preview.
    files = [(upload.filename, upload.read(lrmx.MAX_FILE_BYTES + 1)) for upload in uploads]
    staging.stage(KIND, current_user.id, files)
    return redirect(url_for("registry_lrmx.preview"), 303)


def _upload_page(errors: list, status: int = 200):
    return render_template("registry/lrmx_import.html", errors=errors, max_files=lrmx_import.MAX_FILES,
                           max_mb=lrmx.MAX_FILE_BYTES // 1024 // 1024), status


@bp.get("/lrmx-import/preview")
@roles_required(*EDITORS)
def preview():
    token = staging.current(KIND)
    files = staging.read(KIND, token, current_user.id) if token else None
    if files is None:
        return _upload_page([_("The uploaded files are no longer here; upload them again.")], 409)
    try:
        planned = lrmx_import.plan(db.session(), files, today())
    except InvalidData as invalid:  # no files, or too many: the upload page says which
        return _upload_page(list(invalid.errors.values()), 422)
    return render_template("registry/lrmx_preview.html", plan=planned, token=token), 422 if planned.errors else 200


@bp.post("/lrmx-import/confirm")
@roles_required(*EDITORS)
def confirm():
    token = request.form.get("token", "")
    files = staging.claim(KIND, token, current_user.id)
    if files is None:
        return _not_claimed(token)
    actor = current_actor()  # before own_transaction lets go of the request's session
    try:
        # Its own transaction: the files are marked done only once the import is committed.
        with db.own_transaction() as session:
            planned = lrmx_import.plan(session, files, today())
            if planned.fingerprint != request.form.get("fingerprint"):
                raise Conflict("the plan changed since the preview")
            done = lrmx_import.apply(session, actor, now(), planned)
    except Conflict:
        staging.release(token)
        flash(_("The registry changed since the preview: nothing was written. Check the new preview and confirm "
                "again."), "error")
        return redirect(url_for("registry_lrmx.preview"), 303)
    except InvalidData:
        staging.release(token)
        flash(_("The files have errors: nothing was written."), "error")
        return redirect(url_for("registry_lrmx.preview"), 303)
    staging.finish(KIND, token)
    created = [file.staff_no for file in done.files if file.action == "create"]
    updated = [file.staff_no for file in done.files if file.action == "update"]
    flash(_("Imported: %(created)s created (%(created_list)s), %(updated)s updated (%(updated_list)s).",
            created=len(created), created_list="、".join(created) or "-", updated=len(updated),
            updated_list="、".join(updated) or "-"), "ok")
    return redirect(url_for("registry.index"), 303)


def _not_claimed(token: str):
    """A second click, a confirmation running, or files gone: say which, write nothing."""
    state = staging.state(token)
    if state == "done":
        flash(_("These files were imported already; nothing was imported twice."), "ok")
        return redirect(url_for("registry.index"), 303)
    if state == "claimed":
        flash(_("This import is being written now; nothing was imported twice."), "ok")
        return redirect(url_for("registry.index"), 303)
    return form_again(_upload_page, 409, errors=[_("The uploaded files are no longer here; upload them again.")])
