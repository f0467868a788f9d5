"""Model expressions cannot exhaust memory: visible sizes are refused at deploy, data-dependent ones at run time."""

import json
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import Case
from storage.models import ProcessSpec
from tests.security.expression_models import PEAK_BYTES
from tests.security.expression_models import PREPARED
from tests.security.expression_models import deployed
from tests.security.expression_models import peak_memory
from tests.security.expression_models import started
from workflows import commands
from workflows.errors import DeployError
from workflows.errors import EngineError
from workflows.queries.case_reads import case_events
from workflows.record import replay

HUGE = "99999999999"
# A limit as an error states it (workflows.engine.expression_limits): built, written out, digits, instances.
LIMIT = re.compile(r"上限 (1000000|10000000|4300|1000)(?!\d)")

# (what the probe model gets, the expression the error must quote, the element id and name it must name)
SCRIPT, FLOW, LOOP = ("tidy", "整理数据"), ("f_again", "需要逐人填写"), ("again", "逐人填写")
GATEWAY = ("decide", "是否再填")  # a condition is evaluated by the gateway its flow leaves
VISIBLE = {
    "str_times_constant": ({"script": f"s = 'a' * {HUGE}"}, f"'a' * {HUGE}", SCRIPT),
    "list_times_constant": ({"script": f"rows = [0] * {HUGE}"}, f"[0] * {HUGE}", SCRIPT),
    "constant_times_str": ({"script": f"s = {HUGE} * 'a'"}, f"{HUGE} * 'a'", SCRIPT),
    "tuple_times_constant": ({"script": f"t = ('a', 'b') * {HUGE}"}, f"('a', 'b') * {HUGE}", SCRIPT),
    "bytes_times_constant": ({"script": f"b = b'a' * {HUGE}"}, f"b'a' * {HUGE}", SCRIPT),
    "nested_constants": ({"script": "s = 'ab' * 1000 * 1000"}, "'ab' * 1000 * 1000", SCRIPT),
    "constant_times_parenthesised": ({"script": f"s = ('a' + 'b') * {HUGE}"}, f"('a' + 'b') * {HUGE}", SCRIPT),
    "repetition_in_condition": ({"condition": f"len('a' * {HUGE}) > 0"}, f"len('a' * {HUGE}) > 0", FLOW),
    "fstring_width": ({"script": "s = f'{candidate:>999999999}'"}, "f'{candidate:>999999999}'", SCRIPT),
    "percent_width": ({"script": "s = '%999999999d' % years_in_post"}, "'%999999999d' % years_in_post", SCRIPT),
    "range_of_constant": ({"script": f"r = range({HUGE})"}, f"range({HUGE})", SCRIPT),
    "format_method": ({"script": "s = '{:>999999999}'.format(candidate)"}, "format", SCRIPT),
    "ljust_method": ({"script": "s = candidate.ljust(999999999)"}, "ljust", SCRIPT),
    "long_constant_string": ({"script": "s = '" + "x" * 5000 + "'"}, "4000", SCRIPT),
    "slice_assignment_growth": ({"script": "rows = [candidate]\nrows[:0] = rows"}, "rows[:0] = rows", SCRIPT),
    "constant_loop_cardinality": ({"cardinality": HUGE}, HUGE, LOOP),
}


@pytest.mark.parametrize("case", sorted(VISIBLE))
def test_a_visible_oversized_value_is_refused_at_deploy_naming_element_and_expression(
        sessions, people, clock, case):
    expressions, quoted, (element, name) = VISIBLE[case]
    with pytest.raises(DeployError) as caught:
        deployed(sessions, people["organiser"], clock.now(), **expressions)
    assert (caught.value.file, caught.value.element) == ("size_probe.bpmn", element)
    assert name in caught.value.message and quoted in caught.value.message
    with sessions() as session:
        assert session.scalar(select(func.count(ProcessSpec.id))) == 0


def test_visible_sizes_within_the_limits_still_deploy(sessions, people, clock):
    deployed(sessions, people["organiser"], clock.now(),
             script="line = '-' * 40\npadded = f'{candidate:>10}'\ncode = '%05d' % years_in_post\nrows = [0] * 1000",
             condition="len(candidate * 2) > 100", cardinality="3")


# Data decides the size: years_in_post is 3, candidate "张三" (the form allows 0..60 and 40 characters).
BY_DATA = {
    "str_times_data": ("s = candidate * (years_in_post * 100000000000)", SCRIPT),
    "data_times_str": ("s = (years_in_post * 100000000000) * candidate", SCRIPT),
    "list_times_data": ("rows = [candidate] * (years_in_post * 100000000000)", SCRIPT),
    "augmented_repetition": ("s = candidate\ns *= years_in_post * 100000000000", SCRIPT),
    "concatenation_doubling": ("s = candidate * 500000\ns = s + s\ns = s + s", SCRIPT),
    "many_values_at_once": ("rows = [candidate * 400000, candidate * 400000, candidate * 400000]", SCRIPT),
    "fstring_width_from_data": ("s = f'{candidate:>{years_in_post * 100000000}}'", SCRIPT),
    "percent_star_width": ("s = '%*s' % (years_in_post * 100000000, candidate)", SCRIPT),
    "sum_of_lists": ("s = sum([[candidate] * 100000] * (years_in_post * 4), [])", SCRIPT),
    "str_of_shared_structure": ("a = [candidate]\n" + "a = [a, a]\n" * 30 + "s = str(a)", SCRIPT),
    "shared_structure_left_in_data": ("a = [candidate]\n" + "a = [a, a]\n" * 30, SCRIPT),
    "integer_squaring": ("n = years_in_post * 100000000000\n" + "n = n * n\n" * 12, SCRIPT),
    "condition_on_data": ("tidied = True", GATEWAY),
    "loop_cardinality_from_data": ("tidied = True", LOOP),
}
CONDITIONS = {"condition_on_data": {"condition": "len(candidate * (years_in_post * 100000000000)) > 0"},
              "loop_cardinality_from_data": {"condition": "True", "cardinality": "years_in_post * 100000000000"}}


@pytest.mark.parametrize("case", sorted(BY_DATA))
def test_a_data_dependent_oversized_value_stops_the_task_naming_limit_and_element(
        sessions, people, clock, case):
    script, (element, name) = BY_DATA[case]
    organiser = people["organiser"]
    process = deployed(sessions, organiser, clock.now(), script=script, **CONDITIONS.get(case, {}))
    case_id, task = started(sessions, organiser, clock.now(), process)
    with peak_memory() as peak, pytest.raises(EngineError) as caught, sessions.begin() as session:
        commands.complete_task(session, organiser, clock.now(), task, PREPARED)
    assert peak() < PEAK_BYTES
    message = caught.value.message
    assert f"{element}（{name}）" in message, message
    assert LIMIT.search(message), message
    with sessions() as session:  # nothing recorded: the task is still open
        assert [t.bpmn_id for t in commands.open_tasks(session, case_id)] == ["prepare"]


def test_data_within_the_limits_runs(sessions, people, clock):
    organiser = people["organiser"]
    process = deployed(sessions, organiser, clock.now(),
                       script="s = candidate * (years_in_post * 1000)\nlabel = f'{candidate:>{years_in_post}}'",
                       condition="len(s) == 6000")
    case_id, task = started(sessions, organiser, clock.now(), process)
    with sessions.begin() as session:
        answer = commands.complete_task(session, organiser, clock.now(), task, PREPARED)
    assert [t["bpmn_id"] for t in answer["open_tasks"]] == ["again"] * 2
    with sessions() as session:
        assert replay.replay_case(session, session.get(Case, case_id)).ok


def test_replaying_a_record_that_asks_for_too_much_fails_the_same_way_each_time(sessions, people, clock):
    organiser = people["organiser"]
    process = deployed(sessions, organiser, clock.now(),
                       script="s = candidate * (100000000000 if years_in_post > 50 else 1)")
    case_id, task = started(sessions, organiser, clock.now(), process)
    with sessions.begin() as session:
        commands.complete_task(session, organiser, clock.now(), task, PREPARED)
    with sessions() as session:
        case = session.get(Case, case_id)
        spec_json, rows = case.spec.spec_json, case_events(session, case_id)
    # The record as an exported bundle could carry it: the completion now says 60 years in post.
    events = [SimpleNamespace(seq=row.seq, type=row.type, at=row.at, state_digest=row.state_digest,
                              payload=json.dumps(sixty_years(json.loads(row.payload)))) for row in rows]
    reasons = []
    with peak_memory() as peak:
        for _ in range(2):
            verdict, _workflow = replay.replay_events(events, spec_json)
            reasons.append(verdict.reason)
    assert peak() < PEAK_BYTES
    assert not verdict.ok and reasons[0] == reasons[1]
    assert "上限 1000000（" in reasons[0] and "tidy（整理数据）" in reasons[0], reasons[0]


def sixty_years(payload: dict) -> dict:
    if isinstance(payload.get("data"), dict) and "years_in_post" in payload["data"]:
        payload["data"]["years_in_post"] = 60
    return payload
