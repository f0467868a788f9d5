"""Idempotency keys: the same key with the same request gives the first answer again, once applied."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import IdempotencyRecord
from storage.models import User
from workflows.actors import Actor
from workflows.errors import Conflict
from workflows.record.canonical import digest
from workflows.text import t


def recall(session: Session, actor: Actor, key: str | None, request: dict) -> dict | None:
    """The stored answer for ``key``, or None when the key is new (or absent)."""
    if key is None:
        return None
    if len(key) > 200:
        raise Conflict(t("Idempotency-Key 过长（最多 200 个字符）"))
    if session.get_bind().dialect.name == "postgresql" and actor.user_id is not None:
        # Serialise one user's keyed commands so two requests with one key cannot both miss.
        session.execute(select(User.id).where(User.id == actor.user_id).with_for_update())
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == actor.user_id, IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.request_sha256 != digest(request):
        raise Conflict(t("该 Idempotency-Key 已用于另一个不同的请求"))
    return record.response


def remember(session: Session, actor: Actor, key: str | None, request: dict, response: dict) -> None:
    """Store the answer given for ``key``."""
    if key is None or actor.user_id is None:
        return
    session.add(IdempotencyRecord(user_id=actor.user_id, key=key, request_sha256=digest(request),
                                  response=response))
    session.flush()
