"""The page benchmark's looks inside a page: each SQL statement with its plan, and the parts' own timings."""

import statistics
import time
from collections import defaultdict

from sqlalchemy import event

from workflows import access
from workflows import commands
from workflows import diagram
from workflows.queries import case_history
from workflows.queries import case_reads
from workflows.queries import meeting
from workflows.queries import worklists


class Statements:
    """The SQL an engine runs while it is listened to (statement, parameters), in order."""

    def __init__(self, db):
        self.db, self.seen = db, []
        event.listen(db, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        self.seen.append((statement, parameters))

    def close(self):
        event.remove(self.db, "before_cursor_execute", self._seen)


def explain(app, client, url: str, repeat: int = 30) -> None:
    """Each SQL statement of one GET: its time run alone (median ms, fetching every row) and its plan."""
    db = app.extensions["cadreflow.engine"]
    listener = Statements(db)
    client.get(url)
    listener.close()
    plan_of = "EXPLAIN QUERY PLAN " if db.dialect.name == "sqlite" else "EXPLAIN "
    print(f"\n  SQL of GET {url} (each run alone, median of {repeat}, rows fetched):")
    with db.execution_options(read_only=True).connect() as conn:
        for statement, parameters in listener.seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            spent = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                found = conn.exec_driver_sql(statement, parameters).fetchall()
                spent.append(time.perf_counter() - t0)
            plan = conn.exec_driver_sql(plan_of + statement, parameters).fetchall()
            short = " ".join(statement.split())
            print(f"  {1000 * statistics.median(spent):7.2f} ms  {len(found):4d} rows  "
                  f"{short[:150]}{'…' if len(short) > 150 else ''}")
            for row in plan:
                print(f"{'':22}{row[-1]}")
        conn.rollback()


def case_breakdown(app, actor, case_ids: list[int]) -> dict[str, list[float]]:
    """Time the parts of the case page by calling them directly, one fresh session per case."""
    sessions = app.extensions["cadreflow.read_sessions"]
    spent = defaultdict(list)

    def clock(label, function, *args):
        t0 = time.perf_counter()
        value = function(*args)
        spent[label].append(time.perf_counter() - t0)
        return value

    for case_id in case_ids:
        with sessions() as session:
            case = clock("load case + spec (readable_case)", access.readable_case, session, actor, case_id)
            clock("  workflow_state (deferred load)", getattr, case, "workflow_state")
            workflow = clock("case_history.load (restore)", case_history.load, case)
            marks = clock("case_history.marks (walk)", case_history.marks, case, workflow)
            clock("  diagram.render_svg (uncached, for scale)", diagram.render_svg, case.spec.sources, marks)
            clock("case_history.drawing (marks + render)", case_history.drawing, case, workflow)
            clock("case_history.waiting_messages", case_history.waiting_messages, workflow)
            clock("case_history.steps", case_history.steps, session, case)
            clock("meeting_view.board", meeting.board, session, case)
            clock("commands.open_tasks", commands.open_tasks, session, case.id)
            clock("worklists.inbox_count (navigation)", worklists.inbox_count, session, actor)
    return spent


def inbox_breakdown(app, actor, rounds: int) -> dict[str, list[float]]:
    sessions = app.extensions["cadreflow.read_sessions"]
    spent = defaultdict(list)
    parts = [("worklists.inbox", lambda s: worklists.inbox(s, actor)),
             ("worklists.inbox_counts (tabs and navigation)", lambda s: worklists.inbox_counts(s, actor)),
             ("views.processes", case_reads.processes)]
    for _ in range(rounds):
        with sessions() as session:
            for label, function in parts:
                t0 = time.perf_counter()
                function(session)
                spent[label].append(time.perf_counter() - t0)
    return spent


def print_parts(title: str, spent: dict[str, list[float]], page: list[float]) -> None:
    print(f"\n  {title} (median ms; the page's median {1000 * statistics.median(page):.2f} ms)")
    for label, values in spent.items():
        print(f"    {label:<42} {1000 * statistics.median(values):8.2f}")
