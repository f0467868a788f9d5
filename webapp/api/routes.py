"""The API's routes: processes, cases, inbox and tasks, the record and its verification."""

from datetime import datetime

from flask import request
from flask_babel import gettext as _

from webapp import bounded
from webapp import case_access
from webapp import db
from webapp.api import paging
from webapp.api.blueprint import bp
from webapp.pages import approval_form
from webapp.pages import waiting_text
from webapp.security import current_actor
from webapp.security import now
from webapp.security import policy
from workflows import access
from workflows import commands
from workflows.commands import triggers
from workflows.errors import InvalidData
from workflows.queries import ballot_secrecy
from workflows.queries import case_reads
from workflows.queries import waiting
from workflows.queries import worklists
from workflows.record import audit
from workflows.record import replay


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        message = _("The request body must be a JSON object.")
        raise InvalidData(message, {"_body": message})
    return body


@bp.get("/processes")
def list_processes():
    """The newest version of each deployed process, by process id, a page at a time."""
    wanted = paging.wanted("processes", (str,))
    everything = case_reads.processes(db.session())  # a handful: read whole, paged here
    return wanted.envelope(wanted.window(everything, _process_key), len(everything), _process_key, lambda p: {
        "process": p.process_id, "name": p.name, "version": p.version, "sha256": p.sha256,
        "deployed_at": p.deployed_at.isoformat()})


def _process_key(spec) -> tuple:
    return (spec.process_id,)


@bp.post("/cases")
def start_case():
    body = _body()
    answer = commands.start_case(
        db.session(), current_actor(), now(), body.get("process"), body.get("title"),
        body.get("data"), subject=body.get("subject"), cadre_staff_no=body.get("cadre"),
        idempotency_key=request.headers.get("Idempotency-Key"), policy=policy(),
        override_reason=body.get("override_reason"))
    return answer, 201


@bp.get("/cases")
def list_cases():
    """The cases I started (``all=1``: everyone's, for the office, admins and auditors), newest first, a page at a
    time."""
    args, actor = request.args, current_actor()
    everyone = args.get("all") == "1"
    if everyone:
        access.check_reads_all_cases(actor)
    status, process, text = args.get("status", "running") or None, args.get("process") or None, args.get("q", "")
    wanted = paging.wanted("cases", (datetime, int), everyone, status, process, text)
    rows, total = worklists.cases(db.session(), actor, now(), status=status, process=process, text=text,
                                  mine=not everyone, per_page=wanted.limit + 1, after=wanted.after)
    waits = waiting.of_cases(db.session(), [row.case.id for row in rows[:wanted.limit]])
    return wanted.envelope(rows, total, lambda row: (row.case.started_at, row.case.id), lambda row: {
        "id": row.case.id, "process": row.process, "title": row.case.title, "subject": row.case.subject,
        "status": row.case.status, "started_at": row.case.started_at.isoformat(), "current_steps": row.steps,
        "overdue": row.overdue, "waiting": [waiting_text.as_json(wait) for wait in waits[row.case.id]]})


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int):
    case = case_access.readable_case(case_id)
    return {**case_reads.case_summary(db.session(), case),
            "data": ballot_secrecy.readable_data(db.session(), case, case_reads.case_data(case), current_actor()),
            "waiting": [waiting_text.as_json(wait) for wait in waiting.of_case(db.session(), case.id)]}


@bp.post("/cases/<int:case_id>/cancel")
def cancel_case(case_id: int):
    case_access.note_case(case_id)
    return commands.cancel_case(db.session(), current_actor(), now(), case_id,
                                _body().get("reason"))


@bp.post("/cases/<int:case_id>/messages")
def send_message(case_id: int):
    # The command decides who may deliver, before it looks at the case's state (workflows.access).
    case_access.note_case(case_id)
    body = _body()
    return triggers.receive_message(db.session(), current_actor(), now(), case_id,
                                    body.get("message"), body.get("payload"))


@bp.get("/inbox")
def inbox():
    """Open tasks of my roles and those assigned to me, oldest first (then by id), a page at a time."""
    wanted, actor = paging.wanted("inbox", (datetime, str)), current_actor()
    found = worklists.inbox(db.session(), actor, sort="oldest", per_page=wanted.limit + 1, after=wanted.after)
    return wanted.envelope(found.tasks, worklists.inbox_count(db.session(), actor),
                           lambda task: (task.created_at, task.id), case_reads.task_summary)


@bp.get("/tasks/<task_id>")
def get_task(task_id: str):
    row = case_access.readable_task(task_id)
    case = case_reads.get_case(db.session(), row.case_id)
    return {**case_reads.task_summary(row), "case": {"id": case.id, "title": case.title,
                                                 "version": case.version},
            "form": case.spec.forms.get(row.bpmn_id)}


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str):
    case_access.note_task(task_id)
    return commands.claim_task(db.session(), current_actor(), now(), task_id)


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str):
    case_access.note_task(task_id)
    return commands.unclaim_task(db.session(), current_actor(), now(), task_id)


@bp.post("/tasks/<task_id>/complete")
def complete(task_id: str):
    case_access.note_task(task_id)
    body = _body()
    if not isinstance(body.get("data"), dict):
        raise InvalidData(_("The form data is missing."), {"data": _("data must be a JSON object.")})
    version = body.get("version")
    if version is not None and not isinstance(version, int):
        raise InvalidData(_("The version is wrong."), {"version": _("version must be an integer.")})
    return commands.complete_task(
        db.session(), current_actor(), now(), task_id, body["data"],
        idempotency_key=request.headers.get("Idempotency-Key"), expected_version=version)


@bp.get("/cases/<int:case_id>/events")
def case_events(case_id: int):
    case = case_access.readable_case(case_id)
    wanted = paging.wanted("events", (int,), case_id)
    # Read whole: whether a ballot is sealed depends on the events after it (the vote's closing).
    events = case_reads.case_events(db.session(), case_id)
    # A ballot withheld from this reader comes with "sealed" (why) instead of its choice.
    secrecy = ballot_secrecy.for_reader(events, current_actor(), case.status == "running")
    return wanted.envelope(wanted.window(events, _event_key), len(events), _event_key, lambda e: {
        "seq": e.seq, "type": e.type, "actor": e.actor, "role": e.role, "at": e.at,
        "payload": ballot_secrecy.event_payload(secrecy, e), "state_digest": e.state_digest,
        "prev_hash": e.prev_hash, "hash": e.hash})


def _event_key(event) -> tuple:
    return (event.seq,)


@bp.get("/cases/<int:case_id>/verify")
def verify_case(case_id: int):
    case = case_access.readable_case(case_id)
    chain = audit.verify_case_chain(db.session(), case_id)
    replayed = replay.replay_case(db.session(), case)
    first_bad = [s for s in (chain.first_bad_seq, replayed.first_bad_seq) if s is not None]
    return {"chain_ok": chain.ok, "replay_ok": replayed.ok,
            "first_bad_seq": min(first_bad) if first_bad else None,
            "reason": chain.reason or replayed.reason, "events": chain.checked}


@bp.get("/cadres/<staff_no>/approval-form")
def approval_form_file(staff_no: str):
    """A cadre's 干部任免审批表 (format=pdf or docx; case=N: as case N proposes them), for the registry's readers."""
    return approval_form.respond(staff_no, request.args.get("format", "pdf"), bounded.query_int("case"))
