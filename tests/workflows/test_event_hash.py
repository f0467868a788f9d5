"""The chain check's written-out event hash equals the general canonical digest for any row a database may hold."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from workflows.record import chain_scan

texts = st.text()  # any code point, lone surrogates and control characters included
numbers = st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), texts)
optional_texts = st.one_of(st.none(), texts, st.integers())
payloads = st.one_of(st.sampled_from(['{"a":1}', '{"b": 1}', "[]", "not json", '{"名":"值"}']), texts,
                     st.integers(), st.binary())
rows = st.tuples(st.one_of(st.integers(), numbers), st.one_of(st.none(), numbers), texts,
                 st.one_of(st.none(), numbers), texts, optional_texts, texts, payloads, optional_texts,
                 optional_texts, texts, texts)


@settings(max_examples=2000)
@given(rows)
def test_event_hash_is_the_general_hash(row):
    general = chain_scan.recompute_hash(SimpleNamespace(**dict(zip(chain_scan.NAMES, row, strict=True))))
    assert chain_scan.event_hash(row) == general


def test_event_hash_of_a_usual_row():
    row = (7, 3, "task.completed", 2, "王敏", "personnel_office", "2026-09-01T09:00:00+08:00",
           '{"data":{"意见":"同意\\n"}}', "ab" * 32, "cd" * 32, "ef" * 32, "")
    assert chain_scan.event_hash(row) == chain_scan.recompute_hash(
        SimpleNamespace(**dict(zip(chain_scan.NAMES, row, strict=True))))
