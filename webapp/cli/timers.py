"""Timers from the command line: the scheduler loop (also inside `serve --with-timers`) and the demo's fast-forward."""

import getpass
import sys
import threading
import time
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from storage import locks
from webapp import checkpointing
from webapp.cli.language import _
from webapp.i18n import translated
from workflows import accounts
from workflows.actors import SYSTEM
from workflows.actors import Actor
from workflows.commands import triggers
from workflows.engine.clock import BEIJING
from workflows.errors import CommandError
from workflows.registry import scans


def _sessions():
    return current_app.extensions["cadreflow.sessions"]


def _now():
    return current_app.extensions["cadreflow.clock"].now()


def timer_pass() -> int:
    """Fire every due timer, one transaction per case; how many cases moved.

    Each case is claimed in its own transaction (``triggers.claim_due_case``), so several schedulers on one
    database share the work and none fires a timer twice. A case whose firing fails is reported and passed over:
    it is tried again next pass, and the cases after it are not held up.
    """
    moved, after = 0, 0
    while True:
        with current_app.extensions["cadreflow.read_sessions"]() as session:
            batch = triggers.due_case_ids(session, _now(), after=after)
        if not batch:
            break
        for case_id in batch:
            moved += _fire_one(case_id)
        after = batch[-1]
    checkpointing.checkpoint_if_due(_now())
    return moved


def _fire_one(case_id: int) -> bool:
    now = _now()
    try:
        with _sessions().begin() as session:
            if not triggers.claim_due_case(session, case_id, now):
                return False  # another scheduler holds it or has fired it since the list was read
            return triggers.fire_timers(session, case_id, now) is not None
    except Exception:  # noqa: BLE001  (one case's failing model must not stop the timers of all the others)
        current_app.logger.exception("the due timers of case %s could not fire", case_id)
        click.echo(_("Error: the due timers of case %(id)s could not fire (they are tried again next pass)",
                     id=case_id), err=True)
        return False


def daily_scan() -> None:
    with _sessions().begin() as session:
        # Several schedulers: the first to come scans, the others then find today's scan on record.
        locks.hold_until_commit(session, "cadreflow.daily-scan")
        if scans.scan_if_due(session, SYSTEM, _now(), current_app.extensions["cadreflow.policy"]):
            click.echo(_("Today's scan of the cadre registry is done"))


@click.command("run-timers")
@click.option("--loop", is_flag=True, help="keep running, one pass every TIMER_INTERVAL seconds")
@click.option("--rounds", type=click.IntRange(min=1), help="with --loop: stop after this many passes")
@with_appcontext
def run_timers(loop, rounds):
    """Fire every due timer, one transaction per case; with --loop also run the registry scan once a day.

    Several ``run-timers --loop`` may run against one PostgreSQL database: they share the due cases
    (FOR UPDATE SKIP LOCKED) and none fires a timer twice. On SQLite they are safe too but take turns on its
    single write lock: run one.
    """
    passes = 0
    while True:
        click.echo(_("Fired the due timers of %(count)s case(s)", count=timer_pass()))
        passes += 1
        if not loop:
            return
        daily_scan()
        if rounds is not None and passes >= rounds:
            return
        time.sleep(current_app.config["TIMER_INTERVAL"])


def start_loop(app) -> threading.Thread:
    """Run the timer loop beside the web server, in the same process (``serve --with-timers``).

    A daemon thread: it ends when the server does, so the demo has one process to start and stop. A pass that
    fails is reported and the loop goes on, as a separate ``run-timers --loop`` would be restarted.
    """
    def loop():
        with app.app_context():
            interval = current_app.config["TIMER_INTERVAL"]
            click.echo(_("Timer loop started: due timers fire every %(seconds)s seconds", seconds=interval))
            while True:
                try:
                    fired = timer_pass()
                    if fired:
                        click.echo(_("Fired the due timers of %(count)s case(s)", count=fired))
                    daily_scan()
                except Exception:  # noqa: BLE001  (one bad pass must not stop the demo's timers)
                    current_app.logger.exception("timer pass failed")
                time.sleep(interval)

    thread = threading.Thread(target=loop, name="cadreflow-timers", daemon=True)
    thread.start()
    return thread


class _Moment(click.ParamType):
    """An ISO date and time; without an offset it is Beijing time."""

    name = "time"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(_("“%(value)s” is not an ISO time such as 2026-12-10T00:00+08:00", value=value), param, ctx)
        return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


@click.command("fire-timers")
@click.option("--case", "case_id", required=True, type=int, help="the case to fast-forward")
@click.option("--at", "at", required=True, type=_Moment(),
              help="fire what is due by this time, e.g. 2026-12-10T00:00+08:00 (Beijing time without an offset)")
@click.option("--by", "username", help="the admin user it is recorded for (default: cli:<login name>)")
@with_appcontext
def fire_timers(case_id, at, username):
    """Fast-forward a demo case: fire its timers due by --at, recorded as a fast-forward (admins only)."""
    try:
        with _sessions().begin() as session:
            actor = (accounts.actor_for(accounts.find_user(session, username)) if username
                     else Actor(None, f"cli:{getpass.getuser()}", frozenset({"admin"}), "admin"))
            answer = triggers.fast_forward(session, actor, at, case_id, _now())
    except CommandError as error:
        click.echo(_("Error: %(message)s", message=translated(error.message)), err=True)
        sys.exit(1)
    comma = _(", ")
    steps = comma.join(task["name"] for task in answer["open_tasks"]) or "—"
    click.echo(_("Case %(id)s fast-forwarded to %(at)s (Beijing time), timers fired: %(timers)s; status %(status)s, "
                 "open steps: %(steps)s", id=case_id, at=f"{at.astimezone(BEIJING):%Y-%m-%d %H:%M}",
                 timers=comma.join(answer["fired_timers"]), status=answer["status"], steps=steps))


COMMANDS = [run_timers, fire_timers]
