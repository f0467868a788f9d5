"""A deployed version's forms and inbox details, decoded once per process: every command on a case reads them."""

import threading
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import ProcessSpec

# A deployed version never changes (its sha256 names its sources), so what is decoded once stands. The JSON of a
# large model's forms was a tenth of a completion, decoded again by every command.
SIZE = 64
_decoded: OrderedDict = OrderedDict()
_lock = threading.Lock()
COLUMNS = ("forms", "task_info")


def fill(session: Session, spec: ProcessSpec) -> None:
    """Give ``spec`` (loaded with :data:`COLUMNS` deferred) its forms and task details from the cache.

    The dicts are shared by every command of the process: readers only (deployed versions are immutable).
    """
    if all(name in vars(spec) for name in COLUMNS):
        return
    key = (spec.id, spec.sha256)
    with _lock:
        found = _decoded.get(key)
        if found is not None:
            _decoded.move_to_end(key)
    if found is None:
        found = tuple(session.execute(select(ProcessSpec.forms, ProcessSpec.task_info)
                                      .where(ProcessSpec.id == spec.id)).one())
        with _lock:
            found = _decoded.setdefault(key, found)
            while len(_decoded) > SIZE:
                _decoded.popitem(last=False)
    for name, value in zip(COLUMNS, found, strict=True):
        if name not in vars(spec):
            set_committed_value(spec, name, value)
