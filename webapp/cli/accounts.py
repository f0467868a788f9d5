"""Account rescue from the shell: unlock an account, reset a lost second factor (e.g. the only administrator's)."""

import getpass
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.cli.language import _
from webapp.i18n import translated
from workflows import accounts
from workflows.accounts import admin as account_admin
from workflows.actors import Actor
from workflows.errors import CommandError


def _rescue(change, username: str) -> None:
    """Run an admin change on ``username`` in one transaction, recorded for ``cli:<login name>``."""
    actor = Actor(None, f"cli:{getpass.getuser()}", frozenset({"admin"}), "admin")
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            user = accounts.find_user(session, username)
            change(session, actor, current_app.extensions["cadreflow.clock"].now(), user.id)
    except CommandError as error:
        click.echo(_("Error: %(message)s", message=translated(error.message)), err=True)
        sys.exit(1)


@click.command("unlock")
@click.argument("username")
@with_appcontext
def unlock(username):
    """Lift the lockout that failed sign-ins put on an account."""
    _rescue(account_admin.unlock, username)
    click.echo(_("%(username)s can sign in again.", username=username))


@click.command("reset-two-factor")
@click.argument("username")
@with_appcontext
def reset_two_factor(username):
    """Take away a user's second factor (a lost phone); they set it up again at their next sign-in."""
    _rescue(account_admin.reset_two_factor, username)
    click.echo(_("%(username)s sets up two-factor sign-in again at the next sign-in.", username=username))


COMMANDS = [unlock, reset_two_factor]
