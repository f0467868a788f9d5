"""`init-db` with CADREFLOW_DB_APP_ROLE grants a role named after the schema was made, record tables append-only."""

import uuid

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from tests.webapp.conftest import make_app

ON_POSTGRES = pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                                      indirect=True)


@ON_POSTGRES
def test_init_db_grants_a_later_app_role(db_url, clock):
    name = f"cadreflow_late_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{name}" NOLOGIN'))
    app = make_app(db_url, clock, DB_APP_ROLE=name)  # migrated before: the role had no rights then
    try:
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        with app.extensions["cadreflow.engine"].connect() as connection:
            connection.execute(text(f'SET ROLE "{name}"'))
            connection.execute(text("INSERT INTO unit (code, name) VALUES ('X', '测试单位')"))
            assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar() == 0
            with pytest.raises(ProgrammingError) as refused:
                connection.execute(text("DELETE FROM audit_event"))
            assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege)
            connection.rollback()
    finally:
        app.extensions["cadreflow.engine"].dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP OWNED BY "{name}"'))
            connection.execute(text(f'DROP ROLE "{name}"'))
        admin.dispose()
