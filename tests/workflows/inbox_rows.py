"""Processes, users, cases and tasks written straight into a migrated database, for the inbox's queries to read."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import insert

from storage.models import Case
from storage.models import HumanTask
from storage.models import ProcessSpec
from storage.models import User

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def store(engine, *, processes: dict[int, str], users: tuple[int, ...], cases: dict[int, tuple],
          tasks: list[dict]) -> None:
    """``processes`` {spec id: process id}, ``cases`` {case id: (spec id, title, subject)}, ``tasks`` rows of
    human_task (bpmn_id, name, status, has_form and created_at have defaults)."""
    with engine.begin() as connection:
        for spec_id, process_id in processes.items():
            connection.execute(insert(ProcessSpec.__table__).values(
                id=spec_id, process_id=process_id, name=process_id, version=1, sha256=str(spec_id) * 64, sources={},
                forms={}, task_info={}, spec_json="{}", serializer_version="1.5", deployed_at=AT))
        for user_id in users:
            connection.execute(insert(User.__table__).values(id=user_id, username=f"u{user_id}",
                                                             display_name=f"用户{user_id}", active=True, created_at=AT))
        for case_id, (spec_id, title, subject) in cases.items():
            connection.execute(insert(Case.__table__).values(
                id=case_id, spec_id=spec_id, title=title, subject=subject, status="running", started_at=AT,
                version=1, serializer_version="1.5", state_digest="x"))
        defaults = {"bpmn_id": "step", "status": "open", "has_form": True, "created_at": AT}
        connection.execute(insert(HumanTask.__table__), [{**defaults, "name": task["id"], **task} for task in tasks])
