"""The attacker who owns the database: lift the append-only guards, rewrite the record, put them back."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from storage import append_only


@contextmanager
def guards_lifted(sessions: sessionmaker[Session]) -> Iterator[None]:
    """Drop the guards for the body's (committed) writes, then install them again.

    The drop commits before the body runs: on PostgreSQL DROP TRIGGER locks the table until the end
    of its transaction, so a body writing through other sessions would wait on it forever.
    """
    with sessions.begin() as session:
        append_only.remove(session.connection())
    try:
        yield
    finally:
        with sessions.begin() as session:
            append_only.install(session.connection())


@contextmanager
def tampered_then_undone(engine: Engine) -> Iterator[Session]:
    """A session without the guards whose every change, the guards' removal included, is rolled back.

    DDL is transactional on both backends, so one stored log can take mutation after mutation: the
    body rewrites it, checks what a verifier says, and the rollback restores it byte for byte.
    """
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            append_only.remove(connection)
            with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
                yield session
        finally:
            transaction.rollback()
