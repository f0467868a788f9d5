"""A search box's text is found anywhere in a column, taken literally, ignoring the case of letters, on each backend."""

import pytest
from sqlalchemy import literal
from sqlalchemy import select

from storage import make_engine
from workflows.queries.text_search import found_in

HELD = "Qp0012 网络安全科科长 100%_done"


@pytest.mark.parametrize(("typed", "found"), [
    ("qP0012", True), ("科科长", True), ("100%_d", True), ("安全 科", False),
    ("100%d", False),  # % is a character here, not "anything"
    ("qp0012_", False),  # and _ is not "any one character"
])
def test_found_in_matches_literally_and_ignores_case(db_url, typed, found):
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.scalar(select(found_in(literal(HELD), typed))) is found
    engine.dispose()


def test_sqlite_is_asked_for_like_as_it_stands_and_postgresql_for_ilike(db_url):
    engine = make_engine(db_url)
    sql = str(select(found_in(literal(HELD), "qp")).compile(engine)).lower()
    # SQLite's LIKE ignores the case of ASCII letters itself; lower() on both sides cost a call per row.
    assert ("lower(" not in sql and " like " in sql) if engine.dialect.name == "sqlite" else " ilike " in sql
    engine.dispose()
