"""What the waiting states keep per process about a deployed version is kept by its content, not by its row id."""

from storage.models import Case
from storage.models import ProcessSpec
from workflows.queries import waiting


def case_of(spec_json: str, sha256: str) -> Case:
    return Case(id=1, spec_id=1, spec=ProcessSpec(id=1, process_id="p", sha256=sha256, spec_json=spec_json))


def test_two_databases_whose_version_one_differs_are_not_confused():
    # One process, two databases (tests; a restore into a running server): each has a version with row id 1, one
    # catching messages, the other not. Kept by the row id, the second got the first's answer: a case that waits
    # for a message kept its stale waiting rows, or one that does not rewrote them for nothing.
    catching = case_of('{"spec": {"event_definition": {"typename": "MessageEventDefinition"}}}', "a" * 64)
    plain = case_of('{"spec": {"event_definition": {"typename": "TimerEventDefinition"}}}', "b" * 64)
    assert waiting._catches_messages(catching) is True
    assert waiting._catches_messages(plain) is False
    assert waiting._catches_messages(catching) is True
