"""Command line: ``cadreflow …`` (also ``flask --app webapp …``) for set-up, deployment, timers and audit."""

import getpass
import sys
from importlib import resources
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from webapp.cli import accounts as accounts_cli
from webapp.cli import approval_form as approval_form_cli
from webapp.cli import backup as backup_cli
from webapp.cli import diagram as diagram_cli
from webapp.cli import exports
from webapp.cli import notices as notices_cli
from webapp.cli import papers as papers_cli
from webapp.cli import papers_lrmx as lrmx_cli
from webapp.cli import registry as registry_cli
from webapp.cli import timers as timer_cli
from webapp.cli.language import _
from webapp.i18n import translated
from workflows import accounts
from workflows.actors import Actor
from workflows.commands import case_state
from workflows.engine.clock import local_date
from workflows.errors import CommandError
from workflows.processes import deploy as deployment
from workflows.queries import waiting
from workflows.registry.demo import seed_registry

DEMO_PASSWORD = "cadreflow-demo"
# Names only: the pages show each person as "姓名（角色）" from the roles they hold.
DEMO_USERS = [
    ("organiser", "王敏", ["personnel_office"]),
    ("secretary", "李华", ["party_secretary", "party_group"]),
    ("member1", "张强", ["party_group"]),
    ("member2", "陈静", ["party_group"]),
    ("discipline", "刘洋", ["discipline"]),
    ("inspector", "赵磊", ["inspection_team"]),
    ("district", "孙丽", ["district_org_dept"]),
    ("auditor", "周婷", ["auditor"]),
    ("admin", "系统管理员", ["admin"]),
]


def _sessions():
    return current_app.extensions["cadreflow.sessions"]


def _now():
    return current_app.extensions["cadreflow.clock"].now()


def _cli_actor() -> Actor:
    return Actor(None, f"cli:{getpass.getuser()}", frozenset({"admin"}), "admin")


def _fail(error: CommandError) -> None:
    click.echo(_("Error: %(message)s", message=translated(error.message)), err=True)
    for field, message in (getattr(error, "errors", None) or {}).items():
        click.echo(f"  {field}: {translated(message)}", err=True)
    sys.exit(1)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (idempotent)."""
    engine, app_role = current_app.extensions["cadreflow.engine"], current_app.config["DB_APP_ROLE"]
    upgrade(engine, app_role=app_role)  # grants the app role its rights on every table, the record append-only
    with _sessions().begin() as session:
        accounts.ensure_roles(session)
        # Cases running from before the table of waits (0008) get their rows now, not at their next step.
        waiting.refresh_running(session, case_state.load)
    # The URL without its password: this line ends up in the journal and the deployment's logs.
    url = make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)
    click.echo(_("The database is ready: %(url)s", url=url))


@click.command("create-user")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="role code; repeat for more")
@click.option("--name", "display_name", help="the name shown on pages")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_appcontext
def create_user(username, roles, display_name, password_stdin):
    """Create a user holding the given roles."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        with _sessions().begin() as session:
            accounts.create_user(session, username, list(roles), password=password,
                                 display_name=display_name,
                                 profile=current_app.config["PASSWORD_PROFILE"])
    except CommandError as error:
        _fail(error)
    click.echo(_("User %(username)s created (%(roles)s)", username=username, roles=", ".join(roles)))


@click.command("create-token")
@click.argument("username")
@click.option("--label", default="", help="what the token is for")
@click.option("--days", type=click.IntRange(1, accounts.MAX_TOKEN_DAYS), default=accounts.TOKEN_DAYS,
              show_default=True, help="how many days the token works")
@with_appcontext
def create_token(username, label, days):
    """Issue an API token; it is printed once, as the last line."""
    try:
        with _sessions().begin() as session:
            token = accounts.create_token(session, accounts.find_user(session, username), label,
                                          at=current_app.extensions["cadreflow.clock"].now(), days=days)
    except CommandError as error:
        _fail(error)
    click.echo(_("API token of user %(username)s (shown this once only):", username=username))
    click.echo(token)


@click.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@with_appcontext
def deploy(paths):
    """Validate and deploy BPMN/DMN files (forms are found beside them); nothing is stored on error."""
    try:
        with _sessions().begin() as session:
            stored = deployment.deploy(session, deployment.bundle_from_paths(list(paths)),
                                       _cli_actor(), _now())
            lines = [f"{s.process_id} v{s.version} sha256={s.sha256[:12]}…" for s in stored]
    except CommandError as error:
        _fail(error)
    for line in lines:
        click.echo(_("Deployed %(process)s", process=line))


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create the demo users and deploy the packaged processes (idempotent)."""
    profile = current_app.config["PASSWORD_PROFILE"]
    with _sessions().begin() as session:
        accounts.ensure_roles(session)
        for username, name, roles in DEMO_USERS:
            try:
                accounts.find_user(session, username)
            except CommandError:
                accounts.create_user(session, username, roles, password=DEMO_PASSWORD,
                                     display_name=name, profile=profile)
        cadres = seed_registry(session, local_date(_now()))
        packaged = sorted(Path(str(resources.files("bpmn"))).glob("*.bpmn"))
        for path in packaged:  # one bundle per file: a change to one process leaves the others' versions
            deployment.deploy(session, deployment.bundle_from_paths([path]), _cli_actor(), _now())
    if cadres:
        click.echo(_("Demo cadre registry: %(count)s section-level cadres (made-up data)", count=cadres))
    click.echo(_("Demo accounts (the password of each is %(password)s):", password=DEMO_PASSWORD))
    for username, name, roles in DEMO_USERS:
        click.echo(f"  {username:<11} {name}  [{', '.join(roles)}]")


COMMANDS = [init_db, create_user, create_token, deploy, seed_demo, *accounts_cli.COMMANDS, *timer_cli.COMMANDS,
            exports.audit_group, *registry_cli.COMMANDS, *approval_form_cli.COMMANDS,
            *lrmx_cli.COMMANDS, *notices_cli.COMMANDS, *papers_cli.COMMANDS, *diagram_cli.COMMANDS,
            *backup_cli.COMMANDS]


def register(app) -> None:
    """Make the commands reachable as ``flask --app webapp …``."""
    for command in COMMANDS:
        app.cli.add_command(command)
