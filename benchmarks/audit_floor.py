"""The floor under `audit verify`: the same rows through the bare driver, the same bytes hashed with plain hashlib."""

import hashlib
import sys
import time
from json.encoder import encode_basestring

SQL = ("SELECT seq, case_id, type, actor_id, actor, role, at, payload, state_digest, case_prev_hash, prev_hash, hash "
       "FROM audit_event ORDER BY seq")


def floor(engine) -> dict:
    """The floor under verify: the same rows read through the bare driver, the same bytes built and hashed.

    ``read_s``: fetching the rows alone; ``loop_s``: fetching, building each event's canonical bytes in one
    f-string and sha256 in a tight loop (no checks beyond the hash); ``hash_s``: hashlib over those bytes alone.
    Each is (wall, cpu) seconds.
    """
    def rows(connection):
        if engine.dialect.name == "postgresql":  # a server-side cursor, as verify streams
            cursor = connection.driver_connection.cursor(name="bench_floor")
        else:
            cursor = connection.cursor()
        cursor.execute(SQL)
        while batch := cursor.fetchmany(5000):
            yield batch

    def clocked(call) -> tuple[float, float, object]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        return time.perf_counter() - wall, time.process_time() - cpu, result

    def read():
        connection = engine.raw_connection()
        try:
            return sum(len(batch) for batch in rows(connection))
        finally:
            connection.close()

    def loop():
        es, sha, hashing, hashing_cpu = encode_basestring, hashlib.sha256, 0.0, 0.0
        connection = engine.raw_connection()
        try:
            for batch in rows(connection):
                built = []
                for seq, case_id, type_, actor_id, actor, role, at, payload, digest, case_prev, prev, _ in batch:
                    built.append((
                        f'{{"actor":{es(actor)},"actor_id":{"null" if actor_id is None else actor_id},"at":{es(at)},'
                        f'"case_id":{"null" if case_id is None else case_id},'
                        f'"case_prev_hash":{"null" if case_prev is None else es(case_prev)},"payload":{payload},'
                        f'"prev_hash":{es(prev)},"role":{"null" if role is None else es(role)},"seq":{seq},'
                        f'"state_digest":{"null" if digest is None else es(digest)},"type":{es(type_)}}}'
                    ).encode())
                wall, cpu = time.perf_counter(), time.process_time()
                hashes = [sha(data).hexdigest() for data in built]
                hashing, hashing_cpu = hashing + time.perf_counter() - wall, hashing_cpu + time.process_time() - cpu
                if hashes != [row[-1] for row in batch]:
                    sys.exit(f"the floor's bytes are not verify's: seqs {batch[0][0]}–{batch[-1][0]}")
        finally:
            connection.close()
        return hashing, hashing_cpu

    read_wall, read_cpu, _ = clocked(read)
    loop_wall, loop_cpu, (hash_wall, hash_cpu) = clocked(loop)
    return {"read_s": (read_wall, read_cpu), "loop_s": (loop_wall, loop_cpu), "hash_s": (hash_wall, hash_cpu)}
