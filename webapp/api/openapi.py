"""The OpenAPI 3.1 document of /api/v1, written out by hand so that it stays readable."""

from importlib.metadata import version

from workflows.queries.paging import INBOX_MAX_PER_PAGE
from workflows.queries.paging import INBOX_PAGE


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


ERRORS = {
    "401": _error("missing or invalid bearer token"),
    "403": _error("the caller's roles do not match the task's lane or assignee"),
    "404": _error("unknown case, task or process"),
    "409": _error("lost a race: the task is no longer open, claimed by another, or stale version"),
    "422": _error("invalid data; `errors` maps each field to its message"),
}


def _op(summary: str, ok: str = "200", body: str | None = None, idempotent: bool = False,
        params: list | None = None) -> dict:
    op = {"summary": summary, "responses": {ok: {"description": "OK", "content": {
        "application/json": {"schema": {"type": "object"}}}}, **ERRORS}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    op["parameters"] = list(params or [])
    if idempotent:
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "maxLength": 200}})
    return op


CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}
PAGING = [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
          {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": INBOX_MAX_PER_PAGE,
                                                          "default": INBOX_PAGE}}]


def _paged(op: dict) -> dict:
    """An operation answered a page at a time: 400 for a bad page or page size, ``Link`` to the next page."""
    op["responses"]["200"]["headers"] = {"Link": {
        "description": 'the next page as `<url>; rel="next"`, absent on the last page', "schema": {"type": "string"}}}
    op["responses"]["400"] = _error("`page` or `per_page` is not a whole number in range")
    return op


def document() -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "cadreflow API", "version": version("cadreflow")},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/processes": {"get": _op("deployed processes (newest version of each)")},
            "/cases": {"post": _op("start a case (409 duplicate_case with case_id: the cadre's running case of the "
                                   "process; send override_reason to start another all the same)", "201",
                                   "StartCase", idempotent=True),
                       "get": _op("my cases (all=1: everyone's), each with its open steps and what it waits for",
                                  params=[{"name": name, "in": "query", "schema": {"type": "string"}}
                                          for name in ("status", "process", "q", "all", "page")])},
            "/cases/{case_id}": {"get": _op("status, open tasks, data and what the case waits for (waiting)",
                                            params=[CASE_ID])},
            "/cases/{case_id}/cancel": {"post": _op("withdraw a case with a reason", body="Cancel",
                                                    params=[CASE_ID])},
            "/cases/{case_id}/messages": {"post": _op("deliver a message the case waits for",
                                                      body="Message", params=[CASE_ID])},
            "/cases/{case_id}/events": {"get": _op("the case's record", params=[CASE_ID])},
            "/cases/{case_id}/verify": {"get": _op("chain and replay verification",
                                                   params=[CASE_ID])},
            "/inbox": {"get": _paged(_op("open tasks of my roles and those assigned to me, oldest first, "
                                         "a page at a time", params=PAGING))},
            "/tasks/{task_id}": {"get": _op("a task with its JSON Schema form", params=[TASK_ID])},
            "/tasks/{task_id}/claim": {"post": _op("claim a task", params=[TASK_ID])},
            "/tasks/{task_id}/unclaim": {"post": _op("release a claimed task", params=[TASK_ID])},
            "/tasks/{task_id}/complete": {"post": _op("complete a task with form data",
                                                      body="Complete", idempotent=True,
                                                      params=[TASK_ID])},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "StartCase": {"type": "object", "required": ["process"], "properties": {
                    "process": {"type": "string"}, "title": {"type": "string", "maxLength": 300},
                    "subject": {"type": "string"}, "data": {"type": "object"},
                    "override_reason": {"type": "string", "maxLength": 1000},
                    "cadre": {"type": "string",
                              "description": "staff number: subject, title and data from the registry"}}},
                "Complete": {"type": "object", "required": ["data"], "properties": {
                    "data": {"type": "object"}, "version": {"type": "integer"}}},
                "Cancel": {"type": "object", "required": ["reason"], "properties": {
                    "reason": {"type": "string", "maxLength": 1000}}},
                "Message": {"type": "object", "required": ["message"], "properties": {
                    "message": {"type": "string"}, "payload": {"type": "object"}}},
            },
        },
    }
