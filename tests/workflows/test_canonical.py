"""The record's hashing: the fast event hash equals RFC 8785 hashing, and state digests are stable."""

import hashlib
import json
import random

import pytest

from workflows.record.canonical import canonical_text
from workflows.record.canonical import digest
from workflows.record.canonical import digest_with_text
from workflows.record.canonical import fast_digest

# Strings RFC 8785 escapes in its own way (control characters, quotes, backslash), non-BMP characters,
# U+2028 and DEL, which some encoders escape and RFC 8785 does not.
AWKWARD = ["", "\x00\x01\x1f", '"\\/', "\b\f\n\r\t", "\u2028\u2029\x7f", "党组会 ⑬ 𠀀😀", "é\u0301"]


def event_fields(rng: random.Random) -> dict:
    def text():
        return "".join(chr(rng.choice([rng.randint(0, 0x7f), rng.randint(0x80, 0xd7ff),
                                       rng.randint(0xe000, 0x10ffff)])) for _ in range(rng.randint(0, 8)))
    return {"seq": rng.randint(1, 2**53 - 1), "case_id": rng.choice([None, rng.randint(1, 10**6)]),
            "type": text(), "actor_id": rng.choice([None, 7]), "actor": rng.choice(AWKWARD + [text()]),
            "role": rng.choice([None, text()]), "at": "2026-09-01T01:00:00.000000+00:00",
            "state_digest": rng.choice([None, "a" * 64]), "case_prev_hash": None, "prev_hash": "0" * 64}


def test_the_fast_event_hash_equals_rfc8785_hashing():
    rng = random.Random(8785)
    for _ in range(3000):
        fields = event_fields(rng)
        payload = {"data": {"opinion": rng.choice(AWKWARD), "n": rng.randint(-5, 5), "f": 1.5, "ok": True,
                            "list": [None, "x"]}}
        text = canonical_text(payload)
        assert digest_with_text(fields, "payload", text) == digest({**fields, "payload": payload}), fields


def test_rfc8785_golden_bytes():
    # RFC 8785 section 3.2.2 (sorting and number forms), then one event body written out by hand: a
    # serialiser change that alters the bytes of the record fails here.
    assert canonical_text({"b": 1, "a": [1e30, 4.5, 0.002, 1e-7], "c": "€"}) == \
        '{"a":[1e+30,4.5,0.002,1e-7],"b":1,"c":"€"}'
    body = {"seq": 1, "case_id": None, "type": "spec.deployed", "actor_id": None, "actor": "系统", "role": None,
            "at": "2026-09-01T01:00:00.000000+00:00", "state_digest": None, "case_prev_hash": None,
            "prev_hash": "0" * 64}
    written = ('{"actor":"系统","actor_id":null,"at":"2026-09-01T01:00:00.000000+00:00","case_id":null,'
               '"case_prev_hash":null,"payload":{"x":1},"prev_hash":"' + "0" * 64 + '","role":null,"seq":1,'
               '"state_digest":null,"type":"spec.deployed"}')
    assert hashlib.sha256(written.encode("utf-8")).hexdigest() == \
        "5dc9fee215f31aa108c552e10e2b0d690b6b43f1776f8c92d4a60227ad260bdb"
    assert digest_with_text(body, "payload", '{"x":1}') == digest({**body, "payload": {"x": 1}}) == \
        "5dc9fee215f31aa108c552e10e2b0d690b6b43f1776f8c92d4a60227ad260bdb"


def test_any_change_to_the_stored_payload_text_changes_the_hash():
    fields = {"seq": 3, "type": "task.completed"}
    canonical = canonical_text({"b": 1, "a": "同意"})
    respaced = json.dumps({"b": 1, "a": "同意"}, ensure_ascii=False)
    assert digest_with_text(fields, "payload", canonical) != digest_with_text(fields, "payload", respaced)


def test_a_payload_text_that_is_not_canonical_is_refused_on_the_general_path():
    with pytest.raises(ValueError):
        digest_with_text({"nested": {"a": 1}}, "payload", '{ "x": 1 }')


def test_state_digest_ignores_key_order_and_sees_every_value():
    assert fast_digest({"a": 1, "b": [1, "二"]}) == fast_digest({"b": [1, "二"], "a": 1})
    assert fast_digest({"a": 1}) != fast_digest({"a": 2})
    assert fast_digest({"big": 2**80}) != fast_digest({"big": 2**80 + 1})  # beyond orjson: the json path
