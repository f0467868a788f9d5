"""The load test's harness (benchmarks/load/): the locustfile loads, the runner's options and its report (no timing)."""

import subprocess
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "benchmarks" / "load"
sys.path.insert(0, str(LOAD))

import run  # noqa: E402  (benchmarks/load/run.py, put on the path just above)

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,GET /inbox,120,0,40,45,10,300,9000,2.0,0.0,40,50,60,70,90,120,150,200,300,300,300
POST,POST /api/v1/tasks/[id]/complete,30,1,90,95,50,700,800,0.5,0.0,90,100,110,120,200,350,500,700,700,700,700
POST,POST /login (sign-in),50,0,400,420,300,900,100,0.8,0.0,400,450,500,600,800,900,900,900,900,900,900
,Aggregated,200,1,50,80,10,900,5000,3.3,0.0,50,60,70,80,200,400,600,800,900,900,900
"""


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    path = tmp_path_factory.mktemp("load") / "leg_stats.csv"
    path.write_text(STATS, encoding="utf-8")
    return run.read_stats(path)


def test_the_locustfile_loads_with_its_three_kinds_of_user():
    # Locust patches the process with gevent when imported: a process of its own, not the test session's.
    code = ("import locustfile as f; "
            "print(sorted(c.__name__ for c in (f.Team, f.Office, f.Auditor) if c.tasks and not c.abstract)); "
            "print(f.csrf('<input id=\"csrf_token\" name=\"csrf_token\" type=\"hidden\" value=\"abc.def\">'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=LOAD, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["['Auditor', 'Office', 'Team']", "abc.def"]


def test_the_options_default_to_both_legs_and_fifty_users():
    args = run.parse_args([])
    assert (args.legs, args.users, args.wait) == (["postgres", "sqlite"], 50, (1.0, 3.0))
    assert run.parse_args(["--legs", "sqlite", "--duration", "20s"]).legs == ["sqlite"]
    with pytest.raises(SystemExit):
        run.parse_args(["--legs", "mysql"])


def test_requests_are_classed_by_method_and_the_sign_in_apart():
    assert [run.classify(name) for name in ("GET /inbox", "POST /cases/new (start)", run.SIGN_IN)] == \
        ["read", "write", "sign-in"]


def test_the_table_has_a_line_per_endpoint(rows):
    lines = run.table(rows)
    assert len(lines) == 1 + len(rows)
    assert lines[1].split()[:8] == ["GET", "/inbox", "read", "120", "40", "120", "200", "2.0"]
    assert lines[-1].startswith("Aggregated")


def test_each_target_says_met_or_missed_naming_the_worst(rows):
    lines = run.targets(rows, verified=True)
    assert lines[0].startswith("met") and "GET /inbox p95 120 ms" in lines[0]
    assert lines[1].startswith("MISSED") and "complete p95 350 ms" in lines[1]
    assert lines[2] == "MISSED 0 errors (1)"
    assert lines[3].startswith("met") and run.targets(rows, verified=False)[3].startswith("MISSED")
