"""``GET /healthz`` for the proxy and the monitoring: the database, its migrations and the signing key, no sign-in."""

import logging

from flask import Blueprint
from flask import current_app
from flask import jsonify
from sqlalchemy import text

from storage.migrate import schema_state
from workflows.record import checkpoints

bp = Blueprint("health", __name__)
log = logging.getLogger("cadreflow.health")
# What a check may answer without failing: a demo or test instance may sign no checkpoints.
PASSING = ("ok", "not configured")


@bp.get("/healthz")
def check():
    """200 ``{"status": "ok", "checks": {…}}``, or 503 naming the failed checks; the details go to the log only
    (anyone may call this: it says what failed, never why)."""
    checks = {**_database(), "signing_key": _signing_key()}
    failed = [name for name, state in checks.items() if state not in PASSING]
    body = {"status": "fail", "failed": failed, "checks": checks} if failed else {"status": "ok", "checks": checks}
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def _database() -> dict[str, str]:
    """Whether ``SELECT 1`` answers, and whether the schema is at this code's migration head."""
    # read_only: on SQLite a plain connection would BEGIN IMMEDIATE and wait for the write lock.
    engine = current_app.extensions["cadreflow.engine"].execution_options(read_only=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            state = schema_state(connection)
    except Exception:  # noqa: BLE001 (any failure to reach the database is this check's answer, not a 500)
        log.warning("health: the database is unreachable", exc_info=True)
        return {"database": "unreachable", "migrations": "unknown"}
    if state != "current":
        log.warning("health: the database schema is %s (run cadreflow init-db with this release)", state)
    return {"database": "ok", "migrations": "ok" if state == "current" else state}


def _signing_key() -> str:
    """The checkpoint key is read anew: a file whose rights or disk went away shows here, not at the next restart."""
    path = current_app.config.get("SIGNING_KEY")
    if not path:
        return "not configured"
    try:
        checkpoints.load_signer(path)
    except checkpoints.SigningKeyError:
        log.warning("health: the signing key file %s cannot be read as an Ed25519 key", path)
        return "unreadable"
    return "ok"
