"""The API's blueprint: bearer-token authentication for every route, and the public OpenAPI document."""

from flask import Blueprint
from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext as _

from webapp.errors import error_response
from webapp.security import refuse_auditor_writes
from webapp.security import token_user

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticate():
    # The OpenAPI document is public so that clients can discover the API.
    if request.endpoint == "api.openapi":
        return None
    g.api_user = token_user()
    if g.api_user is None:
        response, status = error_response(401, "unauthorized",
                                          _("A valid API token is required (Authorization: Bearer …)."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="cadreflow"'
        return response, status
    refuse_auditor_writes(g.api_user)
    return None


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    from webapp.api.openapi import document
    return jsonify(document())

