"""Workflows kept in this process between commands: a command restores nothing when its case's row still holds
exactly the state this process stored from the workflow it kept."""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy.orm import Session

from workflows import engine

# Bounded: a worker keeps the cases it touched last (a 100-task case's workflow is a few hundred KB).
SIZE = 128
_kept: OrderedDict = OrderedDict()
_lock = threading.Lock()


@dataclass
class Warm:
    """A workflow, the state text stored from it, and its tasks' data digests (see ``engine.state_digest``)."""

    workflow: object
    state: str
    digests: dict = field(default_factory=dict)


def take(session: Session, case_id: int, state: str | None) -> Warm | None:
    """The kept workflow of case ``case_id`` if the row's ``state`` (read under the case's lock) is the text it was
    stored as; it leaves the cache either way, so no two commands ever hold the same workflow object.

    The text, not the version, decides: a rolled-back command, a row rewritten by another process or by a
    migration all leave another text (a same text is the same workflow, task ids included).
    """
    with _lock:
        kept = _kept.pop((session.get_bind(), case_id), None)
    if kept is None or state is None or kept.state != state:
        return None
    # A fresh script engine as restoring gives one: nothing of the last command's scripts carries over.
    kept.workflow.script_engine = engine.make_script_engine()
    return kept


def keep(session: Session, case_id: int, warm: Warm) -> None:
    """Keep ``warm`` for the case's next command (the command that stored it is done with it)."""
    key = (session.get_bind(), case_id)  # the database too: a process may hold several (the tests do)
    with _lock:
        _kept[key] = warm
        _kept.move_to_end(key)
        while len(_kept) > SIZE:
            _kept.popitem(last=False)


def forget() -> None:
    """Drop every kept workflow."""
    with _lock:
        _kept.clear()
