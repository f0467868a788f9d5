"""The app under load, on the benchmark data's calendar: ``load_app:create()`` for gunicorn, ``serve`` as the CLI's.

The 100,000 cases were recorded up to bench_data.NOW (2027-10-11): the app's clock starts there and runs at the
real pace, so that a step completed now comes after the steps its case recorded (bench_pages.py fixes it there).
"""

import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import bench_data  # noqa: E402  (lives in benchmarks/, put on the path just above)


class BenchClock:
    """bench_data.NOW when the app starts, then the real time's passing."""

    def __init__(self):
        self.started = time.monotonic()

    def now(self):
        return bench_data.NOW + timedelta(seconds=time.monotonic() - self.started)


def create():
    """The app as ``webapp:create_app()`` builds it from the CADREFLOW_* settings, on the benchmark's clock."""
    from webapp import create_app
    return create_app({"CLOCK": BenchClock()})


if __name__ == "__main__":
    # `cadreflow serve` itself (waitress, its threads, the GC freeze), with this module's app.
    from webapp.cli import main
    main._create_app = create
    main.serve(sys.argv[1:])
