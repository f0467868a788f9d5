"""Benchmark the record at scale: a million signed events in SQLite, then verify, replay and verify one case."""

import argparse
import cProfile
import os
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from audit_floor import floor
from sqlalchemy import func
from sqlalchemy import select

from storage import make_engine
from storage import make_session_factory
from storage.migrate import upgrade
from storage.models import AuditCheckpoint
from storage.models import AuditEvent
from storage.models import Case
from workflows.engine.clock import FixedClock
from workflows.engine.clock import iso
from workflows.engine.clock import parse_iso
from workflows.record import audit
from workflows.record import checkpoints
from workflows.record import replay
from workflows.record import verification
from workflows.record.canonical import digest_with_text

ROOT = Path(__file__).resolve().parent.parent
EVERY = 100  # events per signed checkpoint
IN_FLIGHT = 64  # cases running at once: their events interleave, as a bureau's do
BATCH = 20_000  # events per insert transaction
WARMUP, RUNS = 3, 20
EVENT_COLUMNS = ("seq", "case_id", "type", "actor_id", "actor", "role", "at", "payload", "state_digest",
                 "case_prev_hash", "prev_hash", "hash")
CHECKPOINT_COLUMNS = ("seq", "hash", "at", "from_seq", "hashes", "key_id", "public_key", "signature", "made_by")


def drive(url: str) -> int:
    """Walk the sixteen-step selection through the command layer, as its test does; the case's id."""
    sys.path.insert(0, str(ROOT))  # the procedures driver lives with the tests
    from tests.procedures.conftest import START
    from tests.procedures.driver import Bureau
    from tests.procedures.test_selection import appointed_and_confirmed

    engine = make_engine(url)
    upgrade(engine)
    bureau = Bureau(make_session_factory(engine), FixedClock(START), ["cadre_selection.bpmn"])
    case_id = appointed_and_confirmed(bureau).id
    engine.dispose()
    return case_id


class Bulk:
    """Appends clones of the driven case's events after the head, hashed and linked as audit.append does."""

    def __init__(self, db: sqlite3.Connection, case_id: int, signer: checkpoints.Signer):
        self.db, self.signer = db, signer
        rows = db.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit_event ORDER BY seq").fetchall()
        events = [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in rows]
        own = [e["seq"] for e in events if e["case_id"] == case_id]
        # The case's run, with the registry events (no case) it caused in between: what each clone repeats.
        self.template = [e for e in events if own[0] <= e["seq"] <= own[-1]]
        self.case_row = db.execute('SELECT * FROM "case" WHERE id = ?', (case_id,)).fetchone()
        self.case_columns = [d[0] for d in db.execute('SELECT * FROM "case" LIMIT 0').description]
        self.seq, self.prev = events[-1]["seq"], events[-1]["hash"]
        self.at = parse_iso(events[-1]["at"])
        self.case_last = {e["case_id"]: (e["seq"], e["hash"]) for e in events if e["case_id"] is not None}
        self.signed_from, self.unsigned = 0, [e["hash"] for e in events]
        self.next_case = db.execute('SELECT max(id) FROM "case"').fetchone()[0] + 1
        self.batch = {"events": [], "checkpoints": [], "cases": []}
        self.in_flight = [self._new_clone() for _ in range(IN_FLIGHT)]

    def _new_clone(self) -> list:
        """A case row like the driven one, without its workflow state.

        Only the driven case is replayed; 25,000 copies of its 92 KB state would add gigabytes to the
        file that no measurement reads.
        """
        case_id, self.next_case = self.next_case, self.next_case + 1
        row = dict(zip(self.case_columns, self.case_row, strict=True))
        row.update(id=case_id, title=f"{row['title']}（副本 {case_id}）", workflow_state="")
        self.batch["cases"].append(tuple(row[c] for c in self.case_columns))
        return [case_id, 0]

    def append(self, clone: list) -> None:
        source = self.template[clone[1]]
        clone[1] += 1
        self.seq += 1
        self.at += timedelta(seconds=23)
        case_id = clone[0] if source["case_id"] is not None else None
        case_prev = self.case_last.get(case_id, (None, None))[1] if case_id is not None else None
        fields = {"seq": self.seq, "case_id": case_id, "type": source["type"], "actor_id": source["actor_id"],
                  "actor": source["actor"], "role": source["role"], "at": iso(self.at),
                  "state_digest": source["state_digest"], "case_prev_hash": case_prev, "prev_hash": self.prev}
        payload = source["payload"]
        self.prev = digest_with_text(fields, "payload", payload)
        self.batch["events"].append((self.seq, case_id, source["type"], source["actor_id"], source["actor"],
                                     source["role"], fields["at"], payload, source["state_digest"], case_prev,
                                     fields["prev_hash"], self.prev))
        if case_id is not None:
            self.case_last[case_id] = (self.seq, self.prev)
        self.unsigned.append(self.prev)
        if self.seq % EVERY == 0:
            self.sign()

    def sign(self) -> None:
        """A signed checkpoint over the events since the last one, as checkpoints.make writes it."""
        hashes = tuple(self.unsigned)
        checkpoint = self.signer.sign(checkpoints.Checkpoint(
            self.seq, self.prev, iso(self.at), self.signed_from, checkpoints.hashes_digest(hashes),
            self.signer.public_key))
        self.batch["checkpoints"].append((self.seq, self.prev, checkpoint.at, self.signed_from, "\n".join(hashes),
                                          self.signer.key_id, self.signer.public_key, checkpoint.signature, "bench"))
        self.signed_from, self.unsigned = self.seq, []

    def run(self, until: int) -> None:
        turn = 0
        while self.seq < until:
            clone = self.in_flight[turn % IN_FLIGHT]
            if clone[1] == len(self.template):
                clone = self.in_flight[turn % IN_FLIGHT] = self._new_clone()
            self.append(clone)
            turn += 1
            if len(self.batch["events"]) >= BATCH:
                self.flush()
        if self.unsigned:
            self.sign()
        self.flush()
        self.db.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (self.seq, self.prev))
        self.db.executemany("INSERT OR REPLACE INTO case_audit_head (case_id, seq, hash) VALUES (?, ?, ?)",
                            [(case_id, seq, hash_) for case_id, (seq, hash_) in self.case_last.items()])
        self.db.commit()

    def flush(self) -> None:
        cases = self.batch["cases"]
        self.db.executemany(f'INSERT INTO "case" ({", ".join(self.case_columns)}) '
                            f'VALUES ({", ".join("?" * len(self.case_columns))})', cases)
        self.db.executemany(f"INSERT INTO audit_event ({', '.join(EVENT_COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", self.batch["events"])
        self.db.executemany(f"INSERT INTO audit_checkpoint ({', '.join(CHECKPOINT_COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(CHECKPOINT_COLUMNS))})", self.batch["checkpoints"])
        self.db.commit()
        self.batch = {"events": [], "checkpoints": [], "cases": []}


def key_path(db: Path) -> Path:
    return Path(f"{db}.signing-key.pem")


def build(db: Path, events: int) -> dict:
    """The driven case, then the clones up to ``events``; the timings."""
    t0 = time.perf_counter()
    case_id = drive(f"sqlite:///{db}")
    t1 = time.perf_counter()
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA synchronous=OFF")  # a benchmark file: a crash only means building it again
    connection.execute("PRAGMA cache_size=-500000")
    bulk = Bulk(connection, case_id, checkpoints.generate_key(key_path(db)))
    driven = bulk.seq
    bulk.run(events)
    connection.close()
    return {"drive_s": t1 - t0, "driven": driven, "bulk": bulk.seq - driven, "bulk_s": time.perf_counter() - t1}


def timed(sessions, call) -> tuple[float, object]:
    """(seconds, result) of ``call(session)`` in a session of its own."""
    with sessions() as session:
        t0 = time.perf_counter()
        result = call(session)
        return time.perf_counter() - t0, result


def median_ms(sessions, call) -> tuple[float, float, object]:
    """(median ms, slowest ms, last result) of ``call(session)`` over RUNS runs after WARMUP, a session each."""
    times, result = [], None
    for run in range(WARMUP + RUNS):
        seconds, result = timed(sessions, call)
        if run >= WARMUP:
            times.append(seconds * 1000)
    return statistics.median(times), max(times), result


def profile_verify(sessions, trusted, kept, top: int = 12) -> None:
    profiler = cProfile.Profile()
    with sessions() as session:
        profiler.runcall(verification.verify_log, session, trusted, kept)
    stats = pstats.Stats(profiler)
    print(f"\ncProfile of verify_log: top {top} by own time (s, calls)")
    for (file, line, name), (_, calls, own, _, _) in sorted(stats.stats.items(), key=lambda i: -i[1][2])[:top]:
        where = file.split("site-packages/")[-1].replace(f"{ROOT}/", "")
        print(f"  {own:7.2f}  {calls:>9}  {where}:{line}({name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the record (default 1,000,000)")
    parser.add_argument("--keep", type=Path, help="SQLite file to build and keep, or to reuse when it exists")
    parser.add_argument("--profile", action="store_true", help="also run verify_log under cProfile")
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="skip the floor (the same rows and bytes hashed with plain hashlib)")
    args = parser.parse_args()
    tmp = None
    if args.keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="cadreflow-bench-audit-")
        args.keep = Path(tmp.name) / "audit.sqlite"
    built = None if args.keep.exists() else build(args.keep, args.events)

    engine = make_engine(f"sqlite:///{args.keep}")
    sessions = make_session_factory(engine, read_only=True)
    trusted = {checkpoints.load_signer(key_path(args.keep)).public_key}
    with sessions() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        signed = session.scalar(select(func.count()).select_from(AuditCheckpoint))
        cases = session.scalar(select(func.count()).select_from(Case))
        case_id = session.scalar(select(Case.id).where(Case.workflow_state != "").order_by(Case.id).limit(1))
        case_events = session.scalar(select(func.count()).where(AuditEvent.case_id == case_id))
        kept = [checkpoints.parse_text(checkpoints.from_row(checkpoints.latest(session)).to_text())]

    print(f"cadreflow record benchmark: python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"cpus {os.cpu_count()}, {platform.platform()}")
    print(f"db {args.keep}: {events:,} events, {signed:,} signed checkpoints, {cases:,} cases, "
          f"{os.path.getsize(args.keep) / 2**20:,.0f} MiB")
    if built:
        print(f"build: driven case ({built['driven']} events) {built['drive_s']:.1f} s; {built['bulk']:,} events "
              f"in bulk {built['bulk_s']:.1f} s ({built['bulk'] / built['bulk_s']:,.0f} events/s)")
    elif events != args.events:
        print(f"(reused: it holds {events:,} events, not the {args.events:,} asked for)")

    cpu = time.process_time()
    verify_s, verdict = timed(sessions, lambda session: verification.verify_log(session, trusted, kept))
    verify_cpu = time.process_time() - cpu
    chain_s, chain = timed(sessions, audit.verify_chain)
    if not (verdict.ok and chain.ok):
        sys.exit(f"the record does not verify: seq {verdict.first_bad_seq or chain.first_bad_seq}: "
                 f"{verdict.reason or chain.reason}")
    replay_ms, replay_max, replayed = median_ms(sessions, lambda s: replay.replay_case(s, s.get(Case, case_id)))
    case_ms, case_max, case_verdict = median_ms(
        sessions, lambda s: verification.verify_case(s, s.get(Case, case_id), trusted))
    if not (replayed.ok and case_verdict.ok):
        sys.exit(f"case {case_id} does not verify: {replayed.reason or case_verdict.reason}")

    print(f"\n{'measure':<48}{'total':>12}{'rate / slowest':>22}")
    print(f"{'verify_log (chain, ' + f'{signed:,} checkpoints, 1 kept)':<48}{verify_s:>10.2f} s"
          f"{events / verify_s:>16,.0f} ev/s")
    print(f"{'verify_chain alone':<48}{chain_s:>10.2f} s{events / chain_s:>16,.0f} ev/s")
    if args.floor:
        under = floor(engine)
        print(f"{'floor: rows read by the bare driver':<48}{under['read_s'][0]:>10.2f} s"
              f"{under['read_s'][1]:>13.2f} s cpu")
        print(f"{'floor: read + build bytes + sha256, tight loop':<48}{under['loop_s'][0]:>10.2f} s"
              f"{under['loop_s'][1]:>13.2f} s cpu")
        print(f"{'floor: hashlib.sha256 over the same bytes alone':<48}{under['hash_s'][0]:>10.2f} s"
              f"{under['hash_s'][1]:>13.2f} s cpu")
        print(f"{'verify_log / tight loop (wall, cpu)':<48}{verify_s / under['loop_s'][0]:>10.2f} x"
              f"{verify_cpu / under['loop_s'][1]:>13.2f} x cpu (verify_log: {verify_cpu:.2f} s cpu)")
        print(f"{'verify_log / hashlib alone (wall, cpu)':<48}{verify_s / under['hash_s'][0]:>10.2f} x"
              f"{verify_cpu / under['hash_s'][1]:>13.2f} x cpu")
    print(f"{f'replay_case, {case_events} events (median of {RUNS})':<48}{replay_ms:>9.1f} ms"
          f"{replay_max:>13.1f} ms max")
    print(f"{f'verify_case with replay (median of {RUNS})':<48}{case_ms:>9.1f} ms{case_max:>13.1f} ms max")
    if args.profile:
        profile_verify(sessions, trusted, kept)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
