"""Signed checkpoints from the web app: the key from ``CADREFLOW_SIGNING_KEY``, one after writes when due."""

from datetime import timedelta

from flask import Flask
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError

from workflows.record import checkpoints


def init_app(app: Flask) -> None:
    """Load the signing key, if one is configured; a bad key stops the start with a clear message."""
    path = app.config.get("SIGNING_KEY")
    app.extensions["cadreflow.signer"] = checkpoints.load_signer(path) if path else None


def signer() -> checkpoints.Signer | None:
    return current_app.extensions.get("cadreflow.signer")


def trusted_keys() -> set[str] | None:
    """The public keys checkpoints must be signed with: this instance's, when it has one."""
    key = signer()
    return {key.public_key} if key else None


def checkpoint_if_due(now, made_by: str = "system") -> checkpoints.Checkpoint | None:
    """After a write: sign the log when enough events came, a case closed, or time passed."""
    key = signer()
    if key is None:
        return None
    config = current_app.config
    every, max_age = config["CHECKPOINT_EVERY"], timedelta(minutes=config["CHECKPOINT_MINUTES"])
    # Asked first in a read-only session: most writes find nothing due, and on SQLite a write session would queue
    # for the database's one write lock a second time per request just to learn that.
    with current_app.extensions["cadreflow.read_sessions"]() as session:
        if not checkpoints.due(session, now, every, max_age):
            return None
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            # Asked again under the lock: another request may have signed the same head meanwhile.
            return checkpoints.make_if_due(session, key, now, every, max_age, made_by)
    except (IntegrityError, OperationalError):
        # Another request signed the same head at the same moment; its checkpoint stands.
        current_app.logger.info("checkpoint skipped: made concurrently")
        return None
