"""A PostgreSQL test database put back to a known state by emptying and refilling its tables, its schema kept.

Dropping the public schema and replaying the template's dump makes every table and index anew (~160 ms a test).
While the schema is still exactly the template's, emptying the tables and loading the rows a state had costs
a tenth. A fingerprint of the catalog tells: a test that changed the schema (a migration test, an attacker
dropping the record's guards, a role's grants) leaves another one, and the next test gets the schema replayed.
"""

import psycopg
from sqlalchemy import Engine
from sqlalchemy import make_url

# Everything of the public schema a test could change: tables and their rights, columns, constraints, indexes,
# triggers and whether they fire, functions, the schema's own rights and the default privileges.
FINGERPRINT = """
SELECT md5(string_agg(item, '|' ORDER BY item)) FROM (
  SELECT 'c ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.relacl, acldefault('r', c.relowner))::text
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'a ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
         || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'k ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
   WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'i ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT 't ' || t.tgname || ' ' || t.tgenabled::text || ' ' || pg_get_triggerdef(t.oid)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT 'f ' || p.proname || ' ' || md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'n ' || coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname = 'public'
  UNION ALL
  SELECT 'd ' || defaclacl::text FROM pg_default_acl
) AS catalog(item)
"""
# The triggers that fire even for a replica's session: the record's guards (storage/append_only.py).
ALWAYS_TRIGGERS = """
SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal AND t.tgenabled = 'A'
"""


_connections: dict[str, psycopg.Connection] = {}  # database URL → this process's connection resetting it
_emptying: dict[str, str] = {}  # a schema's fingerprint → the statements that empty every table of that schema


def fingerprint(engine: Engine) -> str:
    """A digest of ``engine``'s public schema (not of its rows)."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(FINGERPRINT).scalar()


def refill(url, rows_sql: str, *, schema: str | None = None) -> bool:
    """Empty every table of the database at ``url`` and run ``rows_sql`` (a data-only dump), in one transaction;
    with ``schema`` (a :func:`fingerprint`), only if the database's schema still has it. Whether it refilled."""
    def work(connection: psycopg.Connection) -> bool:
        found = connection.execute(FINGERPRINT).fetchone()[0]
        if schema is not None and found != schema:
            return False
        if found not in _emptying:
            _emptying[found] = _emptying_statements(connection)
        # One round trip: the statements one by one cost a round trip each (39 tables: 11 ms, against 1). The
        # dump sets session settings (search_path = ''), which RESET ALL takes back: the connection is kept.
        connection.execute(f"{_emptying[found]}\n{rows_sql}\nRESET ALL;")
        return True
    return _in_transaction(url, work)


def row_counts(url, tables: list[str]) -> tuple[int, ...]:
    """The number of rows of each of ``tables`` in the public schema of the database at ``url``."""
    counts = ", ".join(f'(SELECT count(*) FROM public."{table}")' for table in tables)
    return _in_transaction(url, lambda connection: tuple(connection.execute(f"SELECT {counts}").fetchone()))


def _in_transaction(url, work):
    """``work(connection)`` in one transaction on this process's connection to the database at ``url``.

    The connection is kept from one test to the next: a new one is a new server process that reads the catalog
    again for every table it touches (the fingerprint, the emptying and the counts took 12 + 11 + 19 ms a test on
    one). One the server closed (its database dropped, its process ended) is replaced once, and the work done again.
    """
    key = make_url(url).render_as_string(hide_password=False)
    for attempt in (1, 2):
        connection = _connections.get(key)
        if connection is None or connection.closed:
            libpq_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
            connection = _connections[key] = psycopg.connect(libpq_url)
        try:
            with connection.transaction():  # committed when the work returns, rolled back when it raises
                return work(connection)
        except psycopg.OperationalError:
            if attempt == 2 or not connection.broken:
                raise
            connection.close()


def _emptying_statements(connection: psycopg.Connection) -> str:
    """The statements that empty every table of the public schema, its guards turned off meanwhile."""
    # DELETE, not TRUNCATE: a test's tables hold a few hundred rows, and TRUNCATE makes every table's and index's
    # file anew (120 ms for the 39 tables, against 5). As a replica's session, the foreign keys are not checked
    # (any order will do, the dump's rows are whole); the guards that fire even then are turned off for the
    # transaction. The dump sets every sequence back too.
    tables = [name for (name,) in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    guards = connection.execute(ALWAYS_TRIGGERS).fetchall()
    return "\n".join(["SET LOCAL session_replication_role = replica;",
                      *(f'ALTER TABLE public."{table}" DISABLE TRIGGER "{name}";' for table, name in guards),
                      *(f'DELETE FROM public."{table}";' for table in tables),
                      *(f'ALTER TABLE public."{table}" ENABLE ALWAYS TRIGGER "{name}";' for table, name in guards)])
