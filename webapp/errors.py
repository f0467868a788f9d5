"""Error answers: JSON under /api, a plain page elsewhere; never a stack trace."""

from flask import Flask
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from webapp import db
from webapp.i18n import translated
from webapp.security import record_denial
from workflows.errors import CommandError
from workflows.errors import Conflict
from workflows.errors import DeployError
from workflows.errors import EngineError
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.errors import Unavailable

STATUS = {Unavailable: 503, NotFound: 404, Forbidden: 403, Conflict: 409, InvalidData: 422, EngineError: 422,
          DeployError: 422}


def wants_json() -> bool:
    """API clients get JSON errors."""
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, errors: dict | None = None, case_id: int | None = None,
                   where: dict | None = None):
    """The error answer in the form the caller expects (``case_id``: the case the error points to; ``where``: the
    file, element and reason of a refused deployment).

    A domain message and the field messages are read in the caller's language (the API's is Chinese).
    """
    message, errors = translated(message), translated(errors)
    if wants_json():
        body = {"error": code, "message": message}
        if errors is not None:
            body["errors"] = errors
        if case_id is not None:
            body["case_id"] = case_id
        body.update({key: translated(value) for key, value in (where or {}).items() if value is not None})
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message,
                           errors=errors or {}), status


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(CommandError)
    def _command_error(error: CommandError):
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        if isinstance(error, Forbidden):
            record_denial(str(error))
        where = ({"file": error.file, "element": error.element, "element_name": error.element_name,
                  "reason": error.reason} if isinstance(error, DeployError) else None)
        return error_response(status, error.code, error.message, getattr(error, "errors", None),
                              getattr(error, "case_id", None), where)

    @app.errorhandler(db.CommitConflict)
    @app.errorhandler(OperationalError)
    @app.errorhandler(IntegrityError)
    def _conflict(error):
        # Lock timeouts, deadlocks, serialization failures and a duplicate key are
        # concurrent requests colliding: the loser is told to retry, nothing was written.
        current_app.logger.warning("conflict: %s", type(error).__name__)
        db.rollback()
        message = _("Someone else changed this at the same moment; reload and try again.")
        return error_response(409, "conflict", message)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        message = _("The form has expired or lacks its security token; reload and submit again.")
        return error_response(400, "csrf", message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        messages = {401: _("Please sign in."), 403: _("You may not open this page."),
                    413: _("The upload is too large (64 MB per submission at most)."),
                    404: _("Not found."), 405: _("This method is not allowed here.")}
        message = messages.get(error.code, error.description or error.name)
        body, status = error_response(error.code or 500, error.name.lower().replace(" ", "_"), message)
        # The error's own headers stay on the answer: a 405's Allow names the methods the path takes (RFC 9110).
        return body, status, [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        current_app.logger.exception("unhandled error")
        db.rollback()
        return error_response(500, "internal_error",
                              _("Something went wrong on the server; it has been logged."))
