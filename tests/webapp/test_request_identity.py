"""What every request pays to know who asks: one read for the session and its user; none for a static file."""

from sqlalchemy import event

from tests.webapp.conftest import add_user
from tests.webapp.conftest import signed_in


def statements_of(app, client, url: str) -> list[str]:
    """The SQL statements the app sends while answering GET ``url``."""
    sent = []

    def note(_connection, _cursor, sql, _parameters, _context, _many):
        sent.append(sql)

    engine = app.extensions["cadreflow.engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return sent


def test_a_page_reads_the_session_and_its_user_in_one_statement(app):
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "wangmin", "personnel_office")
    client = signed_in(app, "wangmin")
    client.get("/account")  # the session's last-seen time written now, not within the next request
    sent = statements_of(app, client, "/account")
    identity = [sql for sql in sent if "user_session" in sql]
    assert len(identity) == 1, identity
    assert "user_account" in identity[0]
    assert "wangmin" in client.get("/account").get_data(as_text=True)


def test_a_static_file_reads_nothing(app):
    app.config["WTF_CSRF_ENABLED"] = False
    add_user(app, "wangmin", "personnel_office")
    client = signed_in(app, "wangmin")
    assert statements_of(app, client, "/static/app.css") == []
