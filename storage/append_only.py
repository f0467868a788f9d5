"""Database guards that refuse UPDATE, DELETE and TRUNCATE on the record tables (defence in depth).

The guards are prevention, not proof: whoever owns the database can drop them. What proves the
record intact is the hash chain and the signed checkpoints (``workflows/checkpoints.py``).
"""

from sqlalchemy import Connection
from sqlalchemy import text

RECORD_TABLES = ("audit_event", "audit_checkpoint")
REFUSAL = "cadreflow: {table} is append-only"


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL.format(table=table)}'); END"
        for verb in ("update", "delete")
    ]


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION cadreflow_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cadreflow: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$
"""


def _pg_statements(table: str, app_role: str | None) -> list[str]:
    statements = [
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION cadreflow_refuse_change()",
        # Row triggers do not fire on TRUNCATE.
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_refuse_change()",
        # ALWAYS: also under session_replication_role = replica, which skips ordinary triggers.
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_change",
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_truncate",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC",
    ]
    if app_role:
        statements += [f'GRANT SELECT, INSERT ON {table} TO "{app_role}"',
                       f'REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM "{app_role}"']
    return statements


def grant_app_role(connection: Connection, app_role: str) -> None:
    """Give the application's database role what it needs on every table, and no more on the record."""
    for statement in (f'GRANT USAGE ON SCHEMA public TO "{app_role}"',
                      f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app_role}"',
                      f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app_role}"'):
        connection.execute(text(statement))


def apply_app_role(connection: Connection, app_role: str) -> None:
    """Grant the app role its rights again (idempotent): tables added since, or a role named later."""
    if connection.dialect.name != "postgresql":
        return
    grant_app_role(connection, app_role)
    for table in RECORD_TABLES:
        connection.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM "{app_role}"'))


def install(connection: Connection, app_role: str | None = None) -> None:
    """Create the guards on the record tables (and the app role's grants on PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(PG_FUNCTION))
        if app_role:
            grant_app_role(connection, app_role)
        statements = [s for table in RECORD_TABLES for s in _pg_statements(table, app_role)]
    else:
        statements = [s for table in RECORD_TABLES for s in _sqlite_statements(table)]
    for statement in statements:
        connection.execute(text(statement))


def remove(connection: Connection) -> None:
    """Drop the guards (the migration's downgrade; tests that play the attacker)."""
    if connection.dialect.name == "postgresql":
        for table in RECORD_TABLES:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}"))
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
        connection.execute(text("DROP FUNCTION IF EXISTS cadreflow_refuse_change()"))
    else:
        for table in RECORD_TABLES:
            for verb in ("update", "delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
