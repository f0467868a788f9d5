"""Command line for the papers: ``cadreflow filing-package CASE_ID --out FILE.zip`` and ``cadreflow issue-number``."""

import getpass
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from storage.models import Case
from webapp.cli.language import _
from webapp.i18n import translated
from workflows import accounts
from workflows.actors import Actor
from workflows.engine.clock import local_date
from workflows.errors import CommandError
from workflows.papers import filing_package
from workflows.papers import numbers
from workflows.papers.bureau import BureauDetails

BY_HELP = "the account that acts (an office or admin user); default: the shell user, recorded as cli:<login>"


def _actor(session, username: str | None) -> Actor:
    """The acting account, or the shell's user acting for the personnel office."""
    if username:
        return accounts.actor_for(accounts.find_user(session, username))
    return Actor(None, f"cli:{getpass.getuser()}", frozenset({"personnel_office"}), "personnel_office")


def _fail(error: CommandError) -> None:
    click.echo(_("Error: %(message)s", message=translated(error.message)), err=True)
    for field, message in (getattr(error, "errors", None) or {}).items():
        click.echo(f"  {field}: {translated(message)}", err=True)
    sys.exit(1)


@click.command("filing-package")
@click.argument("case_id", type=int)
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="the zip file to write")
@click.option("--by", "username", help=BY_HELP)
@with_appcontext
def filing_package_command(case_id: int, out: Path, username: str | None):
    """Write the 备案 package of a finished appointment (papers, manifest, record bundle); it goes on record."""
    at = current_app.extensions["cadreflow.clock"].now()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            case = session.get(Case, case_id)
            if case is None:
                click.echo(_("Case %(id)s does not exist.", id=case_id), err=True)
                sys.exit(1)
            package = filing_package.build_and_record(session, _actor(session, username), at, case,
                                                      bureau=BureauDetails.from_settings(current_app.config),
                                                      today=local_date(at))
            out.write_bytes(package.content)  # inside the transaction: a file that cannot be written records nothing
    except CommandError as error:
        _fail(error)
    except OSError as error:
        click.echo(_("Cannot write %(file)s: %(reason)s", file=out, reason=error.strerror), err=True)
        sys.exit(1)
    click.echo(_("Filing package of case %(id)s written: %(file)s (%(count)s files, SHA-256 %(sha)s)", id=case_id,
                 file=out, count=len(package.manifest["files"]) + 1, sha=package.sha256))


@click.command("issue-number")
@click.option("--title", required=True, help="the document's title")
@click.option("--kind", default="other", show_default=True, help="what the document is (a code)")
@click.option("--prefix", help="the 代字; default: the bureau's (BUREAU_PREFIX)")
@click.option("--case", "case_id", type=int, help="the case the document belongs to")
@click.option("--by", "username", help=BY_HELP)
@with_appcontext
def issue_number(title: str, kind: str, prefix: str | None, case_id: int | None, username: str | None):
    """Take the next document number (文号) of the year; it goes on record."""
    at = current_app.extensions["cadreflow.clock"].now()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            if case_id is not None and session.get(Case, case_id) is None:
                click.echo(_("Case %(id)s does not exist.", id=case_id), err=True)
                sys.exit(1)
            number = numbers.issue(session, _actor(session, username), at,
                                   prefix=prefix or BureauDetails.from_settings(current_app.config).prefix,
                                   kind=kind, title=title, case_id=case_id)
            text = numbers.formatted(number)
    except CommandError as error:
        _fail(error)
    click.echo(text)


COMMANDS = [filing_package_command, issue_number]
