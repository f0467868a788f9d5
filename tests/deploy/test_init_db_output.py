"""``init-db`` says which database is ready without printing its password (the output lands in logs and journals)."""

from sqlalchemy.engine import make_url

from tests.webapp.conftest import make_app


def test_init_db_names_the_database_but_not_its_password(pg_url, clock):
    with_password = make_url(pg_url).set(password="pw-not-for-the-journal").render_as_string(hide_password=False)
    app = make_app(with_password, clock)
    try:
        result = app.test_cli_runner().invoke(args=["init-db"])
    finally:
        app.extensions["cadreflow.engine"].dispose()
    assert result.exit_code == 0, result.output
    assert make_url(pg_url).database in result.output and "pw-not-for-the-journal" not in result.output
