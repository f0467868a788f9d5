"""A case's record as people read it: each step with who, in what role, when, and what they decided."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Case
from workflows import diagram
from workflows import engine
from workflows.actors import ROLE_NAMES
from workflows.actors import Actor
from workflows.commands import triggers
from workflows.engine import taken_flows as coverage
from workflows.engine.clock import parse_iso
from workflows.errors import DeployError
from workflows.queries import ballot_secrecy
from workflows.queries import case_diagram
from workflows.queries import case_reads
from workflows.queries.case_reads import case_events
from workflows.queries.people import People
from workflows.queries.people import Table
from workflows.queries.people import role_name
from workflows.queries.people import user_texts
from workflows.text import t
from workflows.vocabulary import Event
from workflows.vocabulary import event_name

# What the engine adds to task data for its own use; a person did not write it.
_MACHINE_KEYS = ("policy", "cadre", "calendar_overrides", "members_roster", "recused_names", "headcount")
# What the command adds and a reader needs: labelled like a form field would be.
_ENGINE_FIELDS = {"calendar_version": {"title": t("工作日历版本")},
                  "headcount_status": {"title": t("职数表核定与空缺（提交时）")},
                  "members_due": {"title": t("应到会成员人数（党组全体成员，含书记）")},
                  "members_present_count": {"title": t("实到人数（含书记和回避成员）")},
                  "secretary": {"title": t("主持会议的书记"), "x-user": "party_secretary"}}


def role_labels(english: bool = False) -> dict[str, str]:
    """The diagram's lane titles: each role's name in the page's language."""
    return {code: role_name(code, english) for code in ROLE_NAMES}


@dataclass
class Step:
    """One event of the record, shown."""

    seq: int
    at: datetime
    type: str
    name: str
    actor: str
    role: str | None
    fields: list[tuple[str, "str | Table"]] = field(default_factory=list)  # a Table for rows of objects
    files: list[tuple[str, str]] = field(default_factory=list)  # (name, sha256) of the files attached
    actor_name: str = ""  # the actor's display name (``actor`` is the username)


def _labelled(data: dict, schema: dict | None, people: People) -> list[tuple[str, "str | Table"]]:
    """Each field a person wrote, under its form's title, read by name (people, sections, choices, row tables)."""
    properties = (schema or {}).get("properties") or {}
    shown = []
    for key, value in data.items():
        if key in _MACHINE_KEYS or key.endswith("_records") or value in (None, "", []):
            continue
        if isinstance(value, list) and all(isinstance(item, dict) and "sha256" in item for item in value):
            continue  # files are listed with their download links
        prop = properties.get(key) or _ENGINE_FIELDS.get(key) or {"title": key}
        shown.append((prop.get("title") or key, people.value(prop, value, data.get(f"{key}_records"))))
    return shown


# What a paper's event shows of its payload (workflows/papers): the paper, its number, its file and digest.
PAPER_KEYS = (("title", t("文书")), ("number", t("文号")), ("file_name", t("文件")), ("sha256", "SHA-256"),
              ("reason", t("原因")))
OTHER_KEYS = (("name", t("任务")), ("reason", t("原因")))


def _written(event, payload: dict, forms: dict, start_id: str | None) -> tuple[dict, dict | None]:
    """What a person wrote with an event (a form's data, a message's payload) and the form it was written on."""
    if event.type == Event.TASK_COMPLETED:
        return payload.get("data") or {}, forms.get(payload.get("bpmn_id"))
    if event.type == Event.CASE_STARTED:
        return payload.get("data") or {}, forms.get(start_id)
    if event.type == Event.MESSAGE_RECEIVED:
        return payload.get("payload") or {}, None
    return {}, None


def steps(session: Session, case: Case, english: bool = False, viewer: Actor | None = None) -> list[Step]:
    """The events of ``case`` in order, with form data labelled by the form's own titles and read by name."""
    forms, people = case.spec.forms, People(session, english)
    start_id = next((b for b, info in case.spec.task_info.items() if info["kind"] == "start"), None)
    shown = []
    events = case_events(session, case.id)
    # ``viewer`` None reads the full record (the auditor's replay); a person reads the ballots they may see.
    secrecy = ballot_secrecy.for_reader(events, viewer, case.status == "running")
    payloads = [ballot_secrecy.event_payload(secrecy, event) for event in events]
    written = [_written(event, payload, forms, start_id) for event, payload in zip(events, payloads, strict=True)]
    # Everyone the record names (who acted, what a user field holds), read in one query; only the user fields'
    # texts are asked for (every short text of a hundred events made a long IN list of names no user has).
    people.know([event.actor for event in events] + [
        text for data, schema in written for key, value in data.items()
        for text in user_texts(((schema or {}).get("properties") or {}).get(key) or _ENGINE_FIELDS.get(key) or {},
                               value)])
    for event, payload, (data, schema) in zip(events, payloads, written, strict=True):
        if event.type == Event.TASK_COMPLETED:
            name, fields = payload.get("name", ""), _labelled(data, schema, people)
        elif event.type == Event.CASE_STARTED:
            name, fields = event_name(event.type), _labelled(data, schema, people)
        elif event.type == Event.MESSAGE_RECEIVED:
            name = t("收到消息：{message}", message=str(payload.get("message")))
            fields = _labelled(data, schema, people)
        else:
            name = event_name(event.type)
            shown_keys = PAPER_KEYS if event.type.startswith("papers.") else OTHER_KEYS
            fields = [(label, str(payload[key])) for key, label in shown_keys if payload.get(key)]
        files = [(item["name"], item["sha256"]) for value in (payload.get("data") or {}).values()
                 if isinstance(value, list) for item in value if isinstance(item, dict) and "sha256" in item]
        shown.append(Step(event.seq, parse_iso(event.at), event.type, name, event.actor, event.role, fields, files,
                          people.name(event.actor)))
    return shown


def load(case: Case):
    """The case's workflow, restored once for all a page shows of it."""
    return case_reads.read_workflow(case)


def marks(case: Case, workflow) -> "diagram.Marks":
    """What the case's diagram marks: elements finished (and how often), flows taken, what is open now."""
    runs: Counter[str] = Counter()
    open_now = set()
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        state = engine.TaskState.get_name(task.state)
        before = coverage.element_before(task)
        # A multi-instance child shares its parent's id: count the activity, not each member's ballot.
        if state == "COMPLETED" and (before is None or before.task_spec.bpmn_id != bpmn_id):
            runs[bpmn_id] += 1
        elif state in ("READY", "WAITING", "STARTED"):
            open_now.add(bpmn_id)
    return diagram.Marks(completed=frozenset(runs), taken_flows=case_diagram.flows_taken(case.spec, workflow),
                         open=frozenset(open_now), counts=dict(runs))


def drawing(case: Case, workflow, english: bool = False, translate: Callable[[str], str] = str,
            diagram_id: str | None = None) -> "diagram.Drawing":
    """The case's diagram, marked with where it has been and where it stands, with what the drawing left out.

    ``translate`` puts the hover texts and the warnings in the page's language (the web layer passes its own; see
    workflows.text). ``diagram_id`` asks for another diagram of the model; an unknown one shows the main diagram.
    """
    return case_diagram.drawing(case.spec, marks(case, workflow), english=english, translate=translate,
                                diagram_id=diagram_id)  # laid out once per version and language


def drawn(sources, marks_shown: "diagram.Marks", *, labels, translate, diagram_id: str | None) -> "diagram.Drawing":
    """The diagram ``diagram_id`` when the model has it, else the main one (a link may outlive a model's version);
    a model that cannot be drawn gives an empty drawing whose warning says why."""
    if diagram_id:
        try:
            return diagram.draw(sources, marks_shown, diagram=diagram_id, labels=labels, translate=translate)
        except DeployError:
            pass
    try:
        return diagram.draw(sources, marks_shown, labels=labels, translate=translate)
    except DeployError as error:
        # Deploy accepts a model without diagram interchange: its cases are shown without a drawing, saying why.
        return diagram.Drawing(svg="", warnings=(translate(error.message),), diagram_id="", diagrams=())


def waiting_messages(workflow) -> list[tuple[str, str, str | None]]:
    """(message name, the catching element's name, its lane) of every message the case waits for now."""
    found = {}
    for task in triggers.waiting_messages(workflow):
        name = task.task_spec.event_definition.name
        found.setdefault(name, (name, task.task_spec.bpmn_name or name, task.task_spec.lane))
    return list(found.values())


def task_data(case: Case, task_id: str, viewer: Actor | None = None) -> dict:
    """The data an open task sees now (values of an earlier round prefill its form), less ballots kept secret."""
    workflow = load(case)
    task = engine.find_task(workflow, task_id)
    data = dict(task.data) if task is not None else {}
    if viewer is not None and viewer.roles.isdisjoint(ballot_secrecy.READ_ALWAYS):
        # A ballot is decided afresh: no earlier round's choices prefill it or show through the form.
        data = {key: value for key, value in data.items() if key not in ballot_secrecy.DATA_KEYS}
    return data
