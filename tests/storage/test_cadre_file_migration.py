"""Migration 0010: talks and filings entered before it keep their values; leave periods get a table of their own."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import make_engine
from storage import make_session_factory
from storage.migrate import alembic_config
from storage.migrate import upgrade
from storage.models import Cadre
from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import TalkRecord

CADRE = {"id": 1, "staff_no": "QP0001", "name": "张三", "gender": "male", "birth_date": date(1980, 1, 1),
         "ethnicity": "汉族", "political_affiliation": "cpc_member", "staff_category": "civil_servant",
         "retirement_category": "male", "under_investigation": False, "active": True,
         "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}


@pytest.fixture
def before_0010(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    yield engine
    engine.dispose()


def test_rows_entered_before_keep_their_values(before_0010):
    with before_0010.begin() as conn:
        conn.execute(insert(Cadre.__table__).values(**CADRE))
        conn.execute(text("INSERT INTO talk_record (cadre_id, held_on, led_by, summary) "
                          "VALUES (1, '2024-05-06', '郑晓燕', '谈心')"))
        conn.execute(text("INSERT INTO filing (cadre_id, kind, filed_on, note) "
                          "VALUES (1, 'honour', '2024-06-01', '区三八红旗手')"))
    upgrade(before_0010)
    with make_session_factory(before_0010)() as session:
        talk, filing = session.scalar(select(TalkRecord)), session.scalar(select(Filing))
        assert (talk.held_on, talk.kind, talk.talkers, talk.summary, talk.case_id) == (
            date(2024, 5, 6), "heart_to_heart", "郑晓燕", "谈心", None)
        assert talk.created_at.tzinfo is not None
        assert (filing.kind, filing.content, filing.document_no) == ("honour", "区三八红旗手", None)


def test_a_leave_cannot_end_before_it_starts_in_the_database_either(before_0010):
    upgrade(before_0010)
    sessions = make_session_factory(before_0010)
    with sessions.begin() as session:
        session.execute(insert(Cadre.__table__).values(**CADRE))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(LeavePeriod(cadre_id=1, kind="sick", start_date=date(2026, 3, 2), end_date=date(2026, 3, 1)))


def test_downgrade_gives_back_the_0009_tables(before_0010):
    upgrade(before_0010)
    command.downgrade(alembic_config(before_0010), "0009")
    schema = inspect(before_0010)
    assert "leave_period" not in schema.get_table_names()
    assert {column["name"] for column in schema.get_columns("talk_record")} == {
        "id", "cadre_id", "held_on", "led_by", "summary"}
    assert {column["name"] for column in schema.get_columns("filing")} == {
        "id", "cadre_id", "kind", "filed_on", "note", "document_sha256"}
    upgrade(before_0010)  # and up again
    assert "leave_period" in inspect(before_0010).get_table_names()
