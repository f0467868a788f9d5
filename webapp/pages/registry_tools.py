"""Registry tools for the personnel office: the scans, the structure dashboard, import and export."""

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from webapp import db
from webapp.downloads import attachment
from webapp.i18n import translated
from webapp.pages.form_errors import form_again
from webapp.security import current_actor
from webapp.security import now
from webapp.security import policy
from webapp.security import roles_required
from webapp.security import today
from workflows.errors import InvalidData
from workflows.registry import cadre_records
from workflows.registry import edit
from workflows.registry import headcount
from workflows.registry import personal
from workflows.registry import scans
from workflows.registry.workbook import exporting
from workflows.registry.workbook import limits
from workflows.rules.structure import structure_statistics

bp = Blueprint("registry_tools", __name__, url_prefix="/registry")
READERS = ("personnel_office", "admin", "auditor")
EDITORS = ("personnel_office", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = limits.MAX_FILE_BYTES  # read no further: the importer would refuse a larger file
SCAN_BUTTONS = {"rotation": lazy_gettext("Start a rotation approval"),
                "second_line": lazy_gettext("Start a second-line approval")}


@bp.get("/scan")
@roles_required(*READERS)
def scan():
    report = scans.scan(db.session(), today(), policy())
    # Only the personnel office starts cases; auditors and admins read the scan.
    starts = SCAN_BUTTONS if "personnel_office" in current_actor().roles else {}
    return render_template("registry/scan.html", report=report, kinds=scans.KINDS, scan_starts=starts)


@bp.get("/structure")
@roles_required(*READERS)
def structure():
    metrics = structure_statistics(cadre_records.all_facts(db.session()), today(), policy())
    return render_template("registry/structure.html", metrics=metrics, as_of=today(),
                           vacancies=headcount.overview(db.session()))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_form():
    if request.method == "GET":
        return render_template("registry/import.html", errors=[])
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("registry/import.html", errors=[_("Choose the file to import (.xlsx or .csv).")]), 422
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return render_template("registry/import.html",
                               errors=[_("The file is too large: %(mb)s MB at most.",
                                         mb=MAX_UPLOAD_BYTES // 1024 // 1024)]), 422
    try:
        summary = edit.import_file(db.session(), current_actor(), now(), data, upload.filename)
    except InvalidData as invalid:
        lines = [str(cell) for cell in getattr(invalid, "cell_errors", [])] or list(invalid.errors.values())
        return form_again(_import_page, 422, errors=lines)
    flash(_("Import done: %(summary)s", summary=translated(str(summary))), "ok")
    return redirect(url_for("registry.index"))


def _import_page(errors: list, status: int):
    return render_template("registry/import.html", errors=errors), status


@bp.get("/template.xlsx")
@roles_required(*READERS)
def template():
    return _download(exporting.template_workbook(), _("cadre-registry-import-template.xlsx"),
                     "cadre-registry-import-template.xlsx", XLSX)


@bp.get("/export.<kind>")
@roles_required(*READERS)
def export(kind: str):
    if kind == "csv":
        return _download(_exported("registry_csv", exporting.export_csv(db.session())), _("cadre-registry.csv"),
                         "cadre-registry.csv", "text/csv; charset=utf-8")
    if kind != "xlsx":
        message = _("Only xlsx or csv can be exported.")
        return render_template("errors/error.html", status=404, message=message, errors={}), 404
    return _download(_exported("registry_xlsx", exporting.export_workbook(db.session())), _("cadre-registry.xlsx"),
                     "cadre-registry.xlsx", XLSX)


def _exported(what: str, data: bytes) -> bytes:
    """``data``, its export on record: it holds every cadre's identity number and family (personal information)."""
    actor = current_actor()
    with db.own_transaction() as write:
        personal.record_export(write, actor, now(), what, data)
    return data


def _download(data: bytes, filename: str, ascii_name: str, mimetype: str) -> Response:
    current_app.logger.info("registry download %s (%d bytes)", ascii_name, len(data))
    return attachment(data, mimetype, filename, ascii_name)
