"""The template that test databases are copied from (tests/template_db.py) equals a freshly migrated database."""

import pytest
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

from storage import make_engine
from storage.migrate import upgrade
from tests import pg_reset
from tests.conftest import empty_public_schema
from tests.template_db import dump_pg
from tests.template_db import migrate
from tests.template_db import refill_as_template


def snapshot(engine: Engine) -> object:
    """Everything a database holds: its schema, the rights on it and its rows."""
    if engine.dialect.name == "postgresql":
        return dump_pg(engine)  # tables, columns, defaults, indexes, constraints, triggers, functions, grants, rows
    with engine.connect() as connection:
        schema = [(kind, name, table, normalised(sql)) for kind, name, table, sql in connection.execute(
            text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"))]
        rows = {table: sorted(connection.execute(text(f'SELECT * FROM "{table}"')).all(), key=repr)
                for table in inspect(connection).get_table_names()}
        header = [connection.execute(text(f"PRAGMA {name}")).scalar()
                  for name in ("user_version", "application_id", "page_size", "auto_vacuum", "encoding")]
    return schema, rows, header


def normalised(sql: str | None) -> tuple | None:
    """A CREATE statement with its table constraints as a set: Alembic's batch mode (SQLite) rebuilds a table
    with its constraints in set order, so that two runs of the same migrations may list them differently."""
    if sql is None:
        return None
    lines = [line.strip().rstrip(",").strip() for line in sql.splitlines()]
    constraint = ("CONSTRAINT ", "PRIMARY KEY", "UNIQUE ", "FOREIGN KEY", "CHECK ")
    return (tuple(line for line in lines if not line.startswith(constraint)),
            frozenset(line for line in lines if line.startswith(constraint)))


def fresh(db_url: str, backend: str, name: str) -> str:
    """A new empty database next to ``db_url``: another SQLite file, or the same PostgreSQL database emptied."""
    if backend == "sqlite":
        return db_url.replace("test.sqlite", f"{name}.sqlite")
    empty_public_schema(db_url)
    return db_url


def test_a_copy_of_the_template_equals_a_database_the_migrations_built(db_url, request):
    backend = request.node.callspec.params["db_url"]
    migrated = make_engine(db_url)
    upgrade(migrated)  # every migration, run for real
    expected = snapshot(migrated)
    migrated.dispose()
    if backend == "postgresql" and expected is None:
        pytest.skip("no usable pg_dump: PostgreSQL test databases are migrated one by one, not copied")

    copied = make_engine(fresh(db_url, backend, "copy"))
    how = migrate(copied)
    if how == "migrated":  # the first database of this worker: migrated, and become the template; copy now
        copied.dispose()
        copied = make_engine(fresh(db_url, backend, "copy2"))
        how = migrate(copied)
    assert how == "copied"
    assert snapshot(copied) == expected
    copied.dispose()


def test_a_refilled_database_equals_the_template_and_a_changed_schema_is_replayed(db_url, request):
    # tests/pg_reset.py: a PostgreSQL test database gets the template's rows in its tables again, while its schema
    # is the template's; the rows a test left, its sequences and the record's guards are all as the template's.
    if request.node.callspec.params["db_url"] != "postgresql":
        pytest.skip("SQLite test databases are copied files")
    engine = make_engine(db_url)
    if migrate(engine) == "migrated":  # the worker's first database became the template: a copy from now on
        empty_public_schema(db_url)
        migrate(engine)
    expected = snapshot(engine)
    if expected is None:
        pytest.skip("no usable pg_dump: PostgreSQL test databases are migrated one by one, not copied")
    with engine.begin() as connection:  # what a test leaves behind: rows, a used sequence, a guard turned off
        connection.execute(text("INSERT INTO role (code, name_zh, name_en) VALUES ('extra', '额外', 'extra')"))
        connection.execute(text("INSERT INTO unit (code, name) VALUES ('OTHER', '另一个单位')"))
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
    engine.dispose()
    assert refill_as_template(db_url) is False  # a guard that does not fire: not the template's schema

    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_change"))
    assert refill_as_template(db_url) is True
    assert migrate(engine) == "copied"
    assert snapshot(engine) == expected
    engine.dispose()


def test_a_refill_keeps_its_connection_as_it_found_it_and_replaces_one_the_server_closed(db_url, request):
    # tests/pg_reset.py keeps one connection per database from test to test: the dump it runs sets session
    # settings (search_path = '', under which the catalog names every table with its schema, and the fingerprint
    # differs), and a connection the server ended (its database dropped and made anew) must not end the run.
    if request.node.callspec.params["db_url"] != "postgresql":
        pytest.skip("SQLite test databases are copied files")
    engine = make_engine(db_url)
    if migrate(engine) == "migrated":
        empty_public_schema(db_url)
        migrate(engine)
    engine.dispose()
    assert refill_as_template(db_url) is True
    kept = pg_reset._connections[db_url]
    assert kept.execute("SHOW search_path").fetchone()[0] == '"$user", public'
    kept.rollback()
    assert refill_as_template(db_url) is True
    assert pg_reset._connections[db_url] is kept

    with make_engine(db_url).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": kept.info.backend_pid})
    assert refill_as_template(db_url) is True
    assert pg_reset._connections[db_url] is not kept
