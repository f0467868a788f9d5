"""Where a completion's time goes: wrap the command path's parts with timers and print one table per model."""

import statistics
import time
from collections import defaultdict

import linear_model
import sqlalchemy.orm
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import workflows.commands.projection
import workflows.commands.recipe
import workflows.commands.tasks
import workflows.engine
import workflows.engine.transitions
import workflows.forms.form_checks
import workflows.record.audit

# (label, owner, attribute); an indented label is part of the one above it.
PHASES = [
    ("lock case + re-read task", workflows.commands.tasks, "_open_task_locked"),
    ("kept workflow taken (or not)", getattr(workflows.commands, "warm", None), "take"),
    ("restore workflow (spec + state)", workflows.commands.recipe, "load"),
    ("  spec deserialisation", None, "from_dict"),
    ("form checks", workflows.forms.form_checks, "prepare"),
    ("task key (record)", workflows.engine, "task_key"),
    ("the step (run + advance)", workflows.engine.transitions, "task_completed"),
    ("serialise (dump)", workflows.engine, "dump"),
    ("  spec serialisation", None, "to_dict"),
    ("state digest", workflows.engine, "state_digest"),
    ("projection sync", workflows.commands.projection, "sync"),
    ("record event (hash chain)", workflows.record.audit, "append"),
    ("settle (registry effects)", workflows.commands.recipe, "settle"),
    ("case summary", workflows.commands.recipe, "case_summary"),
    ("ORM flush", sqlalchemy.orm.Session, "flush"),
]


def _timed(function, label: str, acc: dict):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter_ns()
        try:
            return function(*args, **kwargs)
        finally:
            acc[label] += time.perf_counter_ns() - t0
    return wrapper


def instrument(acc: dict):
    """Wrap every phase so that each call adds its ns to ``acc[label]``; returns an undo."""
    undo = []
    registry = workflows.engine.serializer().registry
    spec_type = "BpmnProcessSpec"
    for label, owner, attr in PHASES:
        if owner is None and attr in ("from_dict", "to_dict"):  # the spec's converter, in the serializer's registry
            table = registry.convert_from_dict if attr == "from_dict" else registry.convert_to_dict
            original = table[spec_type]
            table[spec_type] = _timed(original, label, acc)
            undo.append(lambda table=table, original=original: table.__setitem__(spec_type, original))
            continue
        if owner is None or not hasattr(owner, attr):  # a phase an older tree does not have
            continue
        original = getattr(owner, attr)
        setattr(owner, attr, _timed(original, label, acc))
        undo.append(lambda owner=owner, attr=attr, original=original: setattr(owner, attr, original))

    def restore():
        for step in reversed(undo):
            step()
    return restore


def breakdown(title: str, complete, n: int) -> None:
    """Run ``n`` completions (``complete()`` gives (total ns, commit ns)) and print each phase's median."""
    acc: dict = defaultdict(int)
    per_phase: dict = defaultdict(list)
    totals, commits = [], []
    undo = instrument(acc)
    try:
        for _ in range(n):
            acc.clear()
            total, commit = complete()
            totals.append(total), commits.append(commit)
            for label, _, _ in PHASES:
                per_phase[label].append(acc[label])
    finally:
        undo()
    median_total = statistics.median(totals) / 1e6
    print(f"\n  breakdown, {title}: n={n}, median ms (% of the median total); ORM flush overlaps the phases")
    top = [per_phase[label] for label, _, _ in PHASES if not label.startswith(" ") and label != "ORM flush"]
    rest = [total - commit - sum(parts)
            for total, commit, parts in zip(totals, commits, zip(*top, strict=True), strict=True)]
    rows = [(label, per_phase[label]) for label, _, _ in PHASES] + [
        ("rest (BEGIN, checks, glue)", rest), ("commit", commits), ("TOTAL", totals)]
    for label, values in rows:
        value = statistics.median(values) / 1e6
        print(f"    {label:<34} {value:8.3f}  {100 * value / median_total:5.1f}%")


def phases(bench, n: int, steps: int) -> None:
    """The phase table of ``n`` two-task completions and of ``n`` steps (from step 1) of 100-task cases."""
    starts = [bench.start("two_lane_review")[1] for _ in range(n)]

    def two():
        bench.complete(starts.pop())
        return bench.last_step, bench.last_commit
    breakdown("two-task model", two, n)
    current = []

    def hundred():
        if not current or current[-1] is None:
            current.append(bench.start(linear_model.process_id(steps))[1])
        current.append(bench.complete(current[-1])[0])
        return bench.last_step, bench.last_commit
    breakdown("100-task model", hundred, n)


def wal_per_completion(bench, steps: int, hundred: bool = False, n: int = 50) -> str:
    """WAL bytes per completion on PostgreSQL: the records of this database's transactions (pg_walinspect),
    so that other databases on a shared server do not count; full-page images shown apart."""
    if hundred:
        tasks = [bench.start(linear_model.process_id(steps))[1]]
    else:
        tasks = [bench.start("two_lane_review")[1] for _ in range(n)]
    with bench.engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_walinspect"))
        before = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar()
    for i in range(n):
        next_task, _ns = bench.complete(tasks[i])
        if hundred:
            tasks.append(next_task)
    try:
        with bench.engine.connect() as conn:
            total, fpi = _our_wal(conn, before)
    except DBAPIError as error:  # a busy shared server may have recycled the segment already
        return f"not measured ({str(error.orig).splitlines()[0]})"
    # Full-page images come with the first change of a page after a checkpoint: they follow the checkpoint's timing.
    return f"{float(total - fpi) / n:,.0f} bytes + {float(fpi) / n:,.0f} of full-page images"


def _our_wal(conn, before):
    """(bytes, full-page image bytes) of the WAL records of this database's transactions since ``before``."""
    return conn.execute(text(
            "WITH r AS (SELECT * FROM pg_get_wal_records_info(:b, pg_current_wal_lsn())), "
            "ours AS (SELECT DISTINCT xid FROM r WHERE xid <> 0 AND block_ref LIKE "
            "'%/' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '/%') "
            "SELECT sum(record_length), sum(fpi_length) FROM r WHERE xid IN (SELECT xid FROM ours)"),
            {"b": before}).one()
