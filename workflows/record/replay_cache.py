"""Replayed states and their drawings kept per process, keyed by a digest of everything they were computed from."""

import hashlib
import threading
from collections import OrderedDict

from workflows.rules import calendar

# A replayed state holds a case's data a few times over (tens of KB): a few hundred cost a few MB.
KEPT = 256
_kept: OrderedDict = OrderedDict()
_lock = threading.Lock()


def record_key(case, events, calendar_events, seq: int) -> str:
    """The digest of what a replay up to ``seq`` reads: the case's events and the calendar changes, whole.

    A replay is a function of these, the deployed version (which never changes) and the code: any change to a
    stored row (tampering too) gives another key, so a kept state is shown only for the very record it came from.
    """
    # The installed calendar too: a test (or a reload) may change it within one process.
    digest = hashlib.sha256(f"replay|{case.id}|{case.spec_id}|{seq}|{calendar.LIBRARY}".encode())
    for event in (*events, None, *calendar_events):
        fields = () if event is None else (event.seq, event.case_id, event.type, event.at, event.payload,
                                           event.state_digest, event.hash)
        digest.update(repr(fields).encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


def drawing_key(spec_id: int, marks, english: bool, translate, diagram_id: str | None) -> tuple:
    """A drawing is a function of the version's sources, its marks, the page's language (the lane titles, and
    ``translate``, which reads it) and the diagram asked for."""
    return ("drawing", spec_id, marks.completed, marks.taken_flows, marks.open, tuple(sorted(marks.counts.items())),
            english, translate, diagram_id)


def get(key):
    """What was kept under ``key``, or None."""
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
        return found


def keep(key, value) -> None:
    """Keep ``value`` (never changed afterwards by anyone) under ``key``, dropping the least recently used."""
    with _lock:
        _kept[key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)


def clear() -> None:
    with _lock:
        _kept.clear()
