"""A completion's round trips to the database: counted, so that one more per command is a decision, not a drift."""

from sqlalchemy import event

from workflows import commands

PREPARED = {"candidate": "Zhang San", "years_in_post": 3}
# lock the case, its open rows, the case's new state, the next task's row, the chain heads (locked), then the
# event with both heads moved: in one statement on PostgreSQL, three on SQLite (which has no data-modifying WITH).
STATEMENTS = {"postgresql": 6, "sqlite": 8}


def test_a_completion_takes_a_known_number_of_statements(sessions, people, two_lane, clock):
    organiser = people["organiser"]
    with sessions.begin() as session:
        first, second = (commands.start_case(session, organiser, clock.now(), two_lane, title)["id"]
                         for title in ("甲", "乙"))
    clock.advance(minutes=10)
    with sessions.begin() as session:  # the first completion of a version reads its forms once per process
        (task,) = commands.open_tasks(session, first)
        commands.complete_task(session, organiser, clock.now(), task.id, PREPARED)
    with sessions.begin() as session:
        (task,) = commands.open_tasks(session, second)
        engine = session.get_bind()
        statements = []

        def note(_connection, _cursor, statement, *_rest):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            commands.complete_task(session, organiser, clock.now(), task.id, PREPARED)
            session.flush()
        finally:
            event.remove(engine, "before_cursor_execute", note)
    assert len(statements) == STATEMENTS[engine.dialect.name], "\n".join(s.split("\n")[0] for s in statements)
