"""A PostgreSQL test database put back to a known state by emptying and refilling its tables, its schema kept.

Dropping the public schema and replaying the template's dump makes every table and index anew (~160 ms a test).
While the schema is still exactly the template's, emptying the tables and loading the rows a state had costs
a tenth. A fingerprint of the catalog tells: a test that changed the schema (a migration test, an attacker
dropping the record's guards, a role's grants) leaves another one, and the next test gets the schema replayed.
"""

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

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


def fingerprint(engine: Engine) -> str:
    """A digest of ``engine``'s public schema (not of its rows)."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(FINGERPRINT).scalar()


def refill(url, rows_sql: str, *, schema: str | None = None) -> bool:
    """Empty every table of the database at ``url`` and run ``rows_sql`` (a data-only dump), in one transaction;
    with ``schema`` (a :func:`fingerprint`), only if the database's schema still has it. Whether it refilled."""
    # A connection of its own: the dump sets session settings (search_path = '') that must not stay in a pool.
    refilling = create_engine(url, poolclass=NullPool)
    connection = refilling.raw_connection()
    try:
        driver = connection.driver_connection
        if schema is not None and driver.execute(FINGERPRINT).fetchone()[0] != schema:
            return False
        # DELETE, not TRUNCATE: a test's tables hold a few hundred rows, and TRUNCATE makes every table's and
        # index's file anew (120 ms for the 39 tables, against 5). As a replica's session, the foreign keys are
        # not checked (any order will do, the dump's rows are whole); the guards that fire even then are turned
        # off for the transaction. The dump sets every sequence back too.
        driver.execute("SET LOCAL session_replication_role = replica")
        tables = [name for (name,) in driver.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        guards = driver.execute(ALWAYS_TRIGGERS).fetchall()
        for table, trigger in guards:
            driver.execute(f'ALTER TABLE public."{table}" DISABLE TRIGGER "{trigger}"')
        for table in tables:
            driver.execute(f'DELETE FROM public."{table}"')
        for table, trigger in guards:
            driver.execute(f'ALTER TABLE public."{table}" ENABLE ALWAYS TRIGGER "{trigger}"')
        driver.execute(rows_sql)
        connection.commit()
        return True
    finally:
        connection.close()
        refilling.dispose()
