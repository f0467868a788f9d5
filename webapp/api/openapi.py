"""The OpenAPI 3.1 document of /api/v1, written out by hand so that it stays readable."""

from importlib.metadata import version

from webapp.api.paging import DEFAULT_LIMIT
from webapp.api.paging import MAX_CURSOR
from webapp.api.paging import MAX_LIMIT

# Ids are 32-bit on every backend: a larger one names nothing.
MAX_ID = 2147483647
STATUSES = ["running", "completed", "terminated", "cancelled"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _nullable(kind: str, **more) -> dict:
    return {"type": [kind, "null"], **more}


def _object(properties: dict, required: list | None = None) -> dict:
    """A closed object: exactly these properties (all of them unless ``required`` says which)."""
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": list(properties) if required is None else required}


def _text(most: int, least: int = 1) -> dict:
    # A required text must say something: not empty, not only spaces.
    return {"type": "string", "minLength": least, "maxLength": most, "pattern": r"\S"}


ERRORS = {
    "400": "text no database can store (a NUL byte, half a surrogate pair) in the path, query, "
           "Idempotency-Key or body; or a list's `limit` not a whole number in range, a `cursor` it did not "
           "give out for these filters, or `page`/`per_page` (replaced by `limit` and `cursor`)",
    "401": "missing or invalid bearer token",
    "403": "the caller's roles do not match the task's lane or assignee (auditors only read)",
    "404": "unknown case, task or process",
    "409": "lost a race: the task is no longer open, claimed by another, or stale version",
    "422": "invalid data; `errors` maps each field to its message",
}
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": {"description": "the bearer scheme", "required": True,
                                             "schema": {"type": "string"}}}


def _op(summary: str, answer: str, errors: str, ok: str = "200", body: str | None = None,
        idempotent: bool = False, params: list | None = None) -> dict:
    """An operation answering ``answer`` with ``ok``, or an Error: 400, 401 or one of the ``errors`` codes."""
    responses = {ok: {"description": "OK", "content": _json(_ref(answer))}}
    for code in ["400", "401", *errors.split()]:
        responses[code] = {"description": ERRORS[code], "content": _json(_ref("Error"))}
    responses["401"]["headers"] = UNAUTHORIZED_HEADERS
    op = {"summary": summary, "responses": responses, "parameters": list(params or [])}
    if body:
        op["requestBody"] = {"required": True, "content": _json(_ref(body))}
    if idempotent:
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "minLength": 1, "maxLength": 200}})
    return op


CASE_ID = {"name": "case_id", "in": "path", "required": True,
           "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
TASK_ID = {"name": "task_id", "in": "path", "required": True,
           "schema": {"type": "string", "minLength": 1, "maxLength": 36}}
# Every list is paged alike (webapp/api/paging.py): the answer is a Page of that list's items.
PAGING = [{"name": "limit", "in": "query", "description": "how many items a page holds at most",
           "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
          {"name": "cursor", "in": "query", "description": "the `next_cursor` of the page before, as it came "
           "(opaque and signed; good only with the same filters); absent: the first page",
           "schema": {"type": "string", "maxLength": MAX_CURSOR}}]
CASE_FILTERS = [
    {"name": "status", "in": "query", "description": "empty: every status",
     "schema": {"type": "string", "enum": [*STATUSES, ""], "default": "running"}},
    {"name": "process", "in": "query", "schema": {"type": "string", "maxLength": 120}},
    {"name": "q", "in": "query", "description": "a part of the title or subject",
     "schema": {"type": "string", "maxLength": 200}},
    {"name": "all", "in": "query", "description": "1: everyone's cases (office, admins, auditors)",
     "schema": {"type": "string", "enum": ["0", "1"], "default": "0"}},
    *PAGING,
]


STAFF_NO = {"name": "staff_no", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}
APPROVAL_FORM_PARAMS = [
    STAFF_NO,
    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["pdf", "docx"], "default": "pdf"}},
    {"name": "case", "in": "query", "description": "a case concerning the cadre, readable by the caller",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}]
FILES = {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {
             "type": "string",
             "contentMediaType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}}


def _file(op: dict) -> dict:
    """An operation answering a file download (Content-Disposition names it) instead of JSON."""
    op["responses"]["200"] = {"description": "the file, as an attachment", "content": FILES, "headers": {
        "Content-Disposition": {"description": "attachment; filename*=UTF-8''干部任免审批表-{姓名}.{format}",
                                "schema": {"type": "string"}}}}
    return op


def _paths() -> dict:
    read, write = "403 404", "403 404 409 422"
    return {
        "/processes": {"get": _op("deployed processes (newest version of each), by process id", "Processes", "",
                                  params=PAGING)},
        "/cases": {"post": _op("start a case (409 duplicate_case with case_id: the cadre's running case of the "
                               "process; send override_reason to start another all the same)", "Case", write,
                               "201", "StartCase", idempotent=True),
                   "get": _op("my cases (all=1: everyone's), newest first, each with its open steps and what it "
                              "waits for", "CaseList", "403", params=CASE_FILTERS)},
        "/cases/{case_id}": {"get": _op("status, open tasks, data and what the case waits for (waiting)",
                                        "CaseDetail", read, params=[CASE_ID])},
        "/cases/{case_id}/cancel": {"post": _op("withdraw a case with a reason", "Case", write, body="Cancel",
                                                params=[CASE_ID])},
        "/cases/{case_id}/messages": {"post": _op("deliver a message the case waits for", "Case", write,
                                                  body="Message", params=[CASE_ID])},
        "/cases/{case_id}/events": {"get": _op("the case's record, by seq", "Events", read,
                                               params=[CASE_ID, *PAGING])},
        "/cases/{case_id}/verify": {"get": _op("chain and replay verification", "Verification", read,
                                               params=[CASE_ID])},
        "/inbox": {"get": _op("open tasks of my roles and those assigned to me, oldest first (then by id)",
                              "Inbox", "", params=PAGING)},
        "/tasks/{task_id}": {"get": _op("a task with its JSON Schema form", "TaskDetail", read, params=[TASK_ID])},
        "/tasks/{task_id}/claim": {"post": _op("claim a task", "Case", write, params=[TASK_ID])},
        "/tasks/{task_id}/unclaim": {"post": _op("release a claimed task", "Case", write, params=[TASK_ID])},
        "/tasks/{task_id}/complete": {"post": _op("complete a task with form data", "Case", write,
                                                  body="Complete", idempotent=True, params=[TASK_ID])},
        "/cadres/{staff_no}/approval-form": {"get": _file(_op(
            "a cadre's 干部任免审批表 as PDF or Word (case=N: with 拟任/拟免职务 and 任免理由 of case N); "
            "the office, admins and auditors; each one on record", "Error", "403 404 422",
            params=APPROVAL_FORM_PARAMS))},
    }


TIME = {"type": "string", "format": "date-time"}
TASK = {
    "id": {"type": "string"}, "case_id": {"type": "integer"}, "bpmn_id": {"type": "string"},
    "name": {"type": "string"}, "lane": _nullable("string"),
    "status": {"type": "string", "enum": ["open", "completed", "cancelled"]},
    "assignee_id": _nullable("integer"), "claimed_by_id": _nullable("integer"), "has_form": {"type": "boolean"},
    "due_at": _nullable("string", format="date-time"), "created_at": _nullable("string", format="date-time"),
}
CASE = {
    "id": {"type": "integer"}, "process": {"type": "string"}, "process_version": {"type": "integer"},
    "title": {"type": "string"}, "subject": _nullable("string"), "status": {"type": "string", "enum": STATUSES},
    "outcome": _nullable("string"), "end_event": _nullable("string"), "end_name": _nullable("string"),
    "status_label": {"type": "string"}, "version": {"type": "integer"}, "started_at": TIME,
    "ended_at": _nullable("string", format="date-time"), "open_tasks": {"type": "array", "items": _ref("Task")},
}
WAIT = {
    "kind": {"type": "string", "enum": ["timer", "message"]}, "boundary": {"type": "boolean"},
    "bpmn_id": {"type": "string"}, "name": {"type": "string"}, "context": _nullable("string"),
    "lane": _nullable("string"), "due_at": _nullable("string", format="date-time"),
    "period_end": _nullable("string", format="date"), "working_days": _nullable("integer"),
    "provisional": {"type": "boolean"}, "until": _nullable("string"), "text": {"type": "string"},
}
WAITING = {"type": "array", "items": _ref("Wait")}
EVENT = {
    "seq": {"type": "integer"}, "type": {"type": "string"}, "actor": {"type": "string"}, "role": _nullable("string"),
    "at": {"type": "string"}, "payload": {"type": "object"}, "state_digest": _nullable("string"),
    "prev_hash": {"type": "string"}, "hash": {"type": "string"},
}


def _page_of(item: dict) -> dict:
    """A page of a list: its items, how many the whole list holds, and the cursor of the next page."""
    return _object({"items": {"type": "array", "items": item, "maxItems": MAX_LIMIT},
                    "total": {"type": "integer", "minimum": 0},
                    "next_cursor": _nullable("string", description="send it as `cursor` for the next page; "
                                             "null on the last page")})


def _answers() -> dict:
    """What the operations answer."""
    return {
        "Error": _object({"error": {"type": "string"}, "message": {"type": "string"},
                          "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                          "case_id": {"type": "integer", "description": "the case the error points to"},
                          "file": {"type": "string", "description": "deploy_error: the refused file"},
                          "element": {"type": "string", "description": "deploy_error: the element's id"},
                          "element_name": {"type": "string", "description": "deploy_error: the element's name"},
                          "reason": {"type": "string", "description": "deploy_error: why, without file and element"}},
                         ["error", "message"]),
        "Task": _object(TASK),
        "Case": _object(CASE),
        "Wait": _object(WAIT),
        "CaseDetail": _object({**CASE, "data": {"type": "object"}, "waiting": WAITING}),
        "CaseList": _page_of(_object({
            "id": {"type": "integer"}, "process": {"type": "string"}, "title": {"type": "string"},
            "subject": _nullable("string"), "status": {"type": "string", "enum": STATUSES}, "started_at": TIME,
            "current_steps": {"type": "array", "items": {"type": "string"}}, "overdue": {"type": "boolean"},
            "waiting": WAITING})),
        "Processes": _page_of(_object({
            "process": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
            "sha256": {"type": "string"}, "deployed_at": TIME})),
        "Inbox": _page_of(_ref("Task")),
        "TaskDetail": _object({**TASK, "case": _object({"id": {"type": "integer"}, "title": {"type": "string"},
                                                        "version": {"type": "integer"}}),
                               "form": _nullable("object", description="the task's JSON Schema form")}),
        "Events": _page_of(_object(EVENT)),
        "Verification": _object({"chain_ok": {"type": "boolean"}, "replay_ok": {"type": "boolean"},
                                 "first_bad_seq": _nullable("integer"), "reason": {"type": "string"},
                                 "events": {"type": "integer", "minimum": 0}}),
    }


def _requests() -> dict:
    """What the operations take."""
    return {
        "StartCase": _object({
            "process": _text(120), "title": _text(300), "subject": {"type": "string", "maxLength": 200},
            "data": {"type": "object"}, "override_reason": _text(1000, least=2),
            "cadre": {**_text(40), "description": "staff number: subject, title and data from the registry"}},
            ["process"]),
        "Complete": _object({"data": {"type": "object"},
                             "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}, ["data"]),
        "Cancel": _object({"reason": _text(1000)}),
        "Message": _object({"message": _text(120), "payload": {"type": "object"}}, ["message"]),
    }


def document() -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "cadreflow API", "version": version("cadreflow")},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**_answers(), **_requests()},
        },
    }
