"""SQLite's writers in one process take the write lock in the order they asked for it, and a lost one frees it."""

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import engine as storage_engine
from storage import make_engine
from storage.engine import writers_waiting
from storage.write_queue import WriteQueue


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_writers_go_in_arrival_order_and_a_timed_out_one_is_skipped():
    queue = WriteQueue()
    assert queue.enter(1)
    order = []

    def writer(name):
        if queue.enter(5):
            order.append(name)
            queue.leave()

    threads = []
    for name in range(5):
        threads.append(threading.Thread(target=writer, args=(name,)))
        threads[-1].start()
        wait_until(lambda expected=name + 2: queue.waiting() == expected)
    assert queue.enter(0.05) is False  # gave up: its place must not stop the ones behind it
    late = threading.Thread(target=writer, args=("late",))
    late.start()
    wait_until(lambda: queue.waiting() == 7)
    queue.leave()
    for thread in [*threads, late]:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4, "late"]
    assert queue.waiting() == 0


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE written (name TEXT)"))
    yield engine
    engine.dispose()


def test_sqlite_writers_get_the_lock_in_the_order_they_asked(sqlite_engine):
    # SQLite's own busy handler polls with sleeps growing to 100 ms: a writer that came later, polling more
    # often, used to go before one that had waited longer.
    holder = sqlite_engine.connect()
    holder.begin()
    holder.execute(text("INSERT INTO written VALUES ('holder')"))

    def writer(name):
        with sqlite_engine.begin() as connection:
            connection.execute(text("INSERT INTO written VALUES (:name)"), {"name": name})

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(6)]
    for asked, thread in enumerate(threads, start=2):
        thread.start()
        wait_until(lambda asked=asked: writers_waiting(sqlite_engine) == asked)  # waiting before the next asks
    holder.commit()
    holder.close()
    for thread in threads:
        thread.join(10)
    with sqlite_engine.connect() as connection:
        written = list(connection.scalars(text("SELECT name FROM written ORDER BY rowid")))
    assert written == ["holder", *[f"w{n}" for n in range(6)]]


def test_a_writer_dropped_mid_transaction_does_not_stop_the_next(sqlite_engine):
    dropped = sqlite_engine.connect()
    dropped.begin()
    dropped.execute(text("INSERT INTO written VALUES ('dropped')"))
    dropped.invalidate()  # a broken connection: never rolled back through SQLAlchemy
    started = time.monotonic()
    with sqlite_engine.begin() as connection:
        connection.execute(text("INSERT INTO written VALUES ('next')"))
    assert time.monotonic() - started < 2


def test_a_writer_that_waited_too_long_gets_sqlites_own_error(sqlite_engine, monkeypatch):
    monkeypatch.setattr(storage_engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder = sqlite_engine.connect()
    holder.begin()
    holder.execute(text("INSERT INTO written VALUES ('holder')"))
    errors = []

    def writer():
        try:
            with sqlite_engine.begin() as connection:
                connection.execute(text("INSERT INTO written VALUES ('late')"))
        except OperationalError as error:
            errors.append(str(error.orig))

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(5)
    holder.rollback()
    holder.close()
    assert errors == ["database is locked"]
    with sqlite_engine.begin() as connection:  # the queue moved on
        connection.execute(text("INSERT INTO written VALUES ('after')"))
