"""Verify every case the load wrote to (events after the seeded ones): its chain, its checkpoints and its replay."""

import os
import sys
import time

import seed  # noqa: F401  (puts the project on the path)
from sqlalchemy import select

from storage import make_engine
from storage import make_session_factory
from storage.models import AuditEvent
from storage.models import Case
from workflows.record import checkpoints
from workflows.record import verification


def main(seeded_seq: int) -> int:
    engine = make_engine(os.environ["CADREFLOW_DATABASE_URL"])
    trusted = {checkpoints.load_signer(os.environ["CADREFLOW_SIGNING_KEY"]).public_key}
    t0, bad = time.perf_counter(), []
    with make_session_factory(engine, read_only=True)() as session:
        written = list(session.scalars(select(AuditEvent.case_id).where(
            AuditEvent.seq > seeded_seq, AuditEvent.case_id.is_not(None)).distinct()))
        for case_id in sorted(written):
            verdict = verification.verify_case(session, session.get(Case, case_id), trusted, with_replay=True)
            if not verdict.ok:
                bad.append(f"case {case_id}: seq {verdict.first_bad_seq}: {verdict.reason}")
    engine.dispose()
    print(f"cases the load wrote to: {len(written)}, verified with replay in {time.perf_counter() - t0:.0f} s; "
          f"{len(bad)} failed" + "".join(f"\n  {line}" for line in bad[:10]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
