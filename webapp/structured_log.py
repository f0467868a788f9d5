"""Structured logs on stderr: one line per request and per command, as JSON or as readable text."""

import json
import logging
import sys
import time
from datetime import UTC
from datetime import datetime

from flask import Flask
from flask import g
from flask import request

from storage import write_queue

FORMATS = ("text", "json")
ROOT = logging.getLogger("cadreflow")
REQUESTS = logging.getLogger("cadreflow.requests")
COMMANDS = logging.getLogger("cadreflow.commands")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the line (a test runner or click may swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, then the record's ``fields`` (or its message)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name}
        fields = getattr(record, "fields", None)
        line.update(fields if fields is not None else {"message": record.getMessage()})
        if record.exc_info and fields is None:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    """A readable line: ``GET /inbox 200 12.3 ms organiser case 7``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        if fields is None or "method" not in fields:
            return super().format(record)
        line = f"{fields['method']} {fields['path']} {fields['status']} {fields['duration_ms']} ms"
        if fields.get("user"):
            line += f" {fields['user']}"
        if fields.get("case_id") is not None:
            line += f" case {fields['case_id']}"
        return line


def configure(log_format: str) -> None:
    """Send cadreflow's log lines to stderr in ``log_format``; commands get their line in JSON only (at a terminal
    a person reads the command's own output). Called again, it switches the format: logging is per process."""
    handler = next((h for h in ROOT.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        ROOT.addHandler(handler)
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    ROOT.setLevel(logging.INFO)
    # Ours alone: waitress sets up Python's root logger when it starts, which printed every line a second time.
    ROOT.propagate = False
    COMMANDS.setLevel(logging.INFO if log_format == "json" else logging.WARNING)


def init_app(app: Flask) -> None:
    """Time every request and log it when answered; call before any other hook is added, so that this one's
    before-request runs first and its after-request last (it sees the final status)."""
    configure(app.config["LOG_FORMAT"])
    app.before_request(_start)
    app.after_request(_log)


def _start() -> None:
    g.request_started = time.perf_counter()
    write_queue.reset_waited()


def _log(response):
    started = g.get("request_started", time.perf_counter())
    # The path without its query string: a search or a link may carry what is not the log's to keep.
    REQUESTS.info("request", extra={"fields": {
        "method": request.method, "path": request.path, "endpoint": request.endpoint,
        "status": response.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user": _username(), "case_id": _case_id(),
        # SQLite: how much of the duration went waiting for the database's one write lock behind other writers.
        **({"write_wait_ms": round(waited * 1000, 1)} if (waited := write_queue.waited()) else {})}})
    return response


def _username() -> str | None:
    """Who made the request, if it was signed in (or sent a token) and the app has already looked."""
    user = g.get("api_user") or g.get("_login_user")  # flask_login keeps the loaded user in g._login_user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.username
    except Exception:  # noqa: BLE001 (a rolled-back user reloads from a database that may be gone: no name)
        return None


def _case_id() -> int | None:
    """The case the route names, or the one a task route found (webapp.case_access.note_case)."""
    case_id = (request.view_args or {}).get("case_id")
    return case_id if case_id is not None else g.get("case_id")


def log_command(name: str | None, exit_code: int, duration_ms: float, case_id) -> None:
    """The line of one ``cadreflow`` command: which, its exit code, how long it took, its case if it names one."""
    COMMANDS.info("command", extra={"fields": {"command": name, "exit_code": exit_code,
                                               "duration_ms": round(duration_ms, 1), "case_id": case_id}})
