"""``cadreflow audit …``: verify the record, make and keep signed checkpoints, manage the signing key."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from storage.models import Case
from webapp import checkpointing
from webapp.cli.language import _
from webapp.i18n import translated
from workflows.errors import CommandError
from workflows.record import checkpoints
from workflows.record import replay
from workflows.record import verification


def fail(message: str) -> None:
    click.echo(_("Error: %(message)s", message=translated(message)), err=True)
    sys.exit(1)


def read_sessions():
    return current_app.extensions["cadreflow.read_sessions"]


def _now():
    return current_app.extensions["cadreflow.clock"].now()


def public_key_of(value: str) -> str:
    """A public key given on the command line: the base64 key itself or a file holding it."""
    path = Path(value)
    try:
        return checkpoints.public_key_text(path.read_text() if path.is_file() else value)
    except CommandError as error:
        fail(error.message)


def trusted_keys(given: tuple[str, ...]) -> set[str] | None:
    """The keys named with --public-key, else this instance's key, else None (not pinned)."""
    if given:
        return {public_key_of(value) for value in given}
    return checkpointing.trusted_keys()


def _kept(files: tuple[Path, ...]) -> list[checkpoints.Checkpoint]:
    kept = []
    for file in files:
        try:
            kept.append(checkpoints.parse_text(file.read_text(encoding="utf-8"), str(file)))
        except OSError as error:
            fail(_("Cannot read the checkpoint file %(file)s: %(reason)s", file=file, reason=error.strerror))
        except CommandError as error:
            fail(error.message)
    return kept


def report(verdict, what: str) -> None:
    for warning in verdict.warnings:
        click.echo(_("Note: %(warning)s", warning=translated(warning)))
    if not verdict.ok:
        click.echo(_("Verification failed (%(what)s): the first bad event is seq %(seq)s: %(reason)s", what=what,
                     seq=verdict.first_bad_seq, reason=translated(verdict.reason)), err=True)
        sys.exit(1)


@click.group("audit")
def audit_group():
    """Check the record; signed checkpoints."""


@audit_group.command("verify")
@click.option("--replay", "with_replay", is_flag=True, help="also replay cases and compare digests")
@click.option("--case", "case_id", type=int, help="only this case")
@click.option("--checkpoint", "kept_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="a checkpoint file you kept (repeatable): the log must still contain what it signed")
@click.option("--public-key", "public_keys", multiple=True,
              help="trusted public key (base64, or a file with it); default: this instance's key")
@with_appcontext
def audit_verify(with_replay, case_id, kept_files, public_keys):
    """Verify the hash chain and the signed checkpoints (and replay); exits non-zero naming the first bad seq."""
    kept, trusted = _kept(kept_files), trusted_keys(public_keys)
    with read_sessions()() as session:
        if case_id:
            case = session.get(Case, case_id)
            if case is None:
                fail(_("Case %(id)s does not exist.", id=case_id))
            verdict = verification.verify_case(session, case, trusted, with_replay=with_replay)
            report(verdict, _("Case %(id)s", id=case_id))
            click.echo(_("The record of case %(id)s is intact: %(checked)s events, covered by %(checkpoints)s "
                         "signed checkpoint(s)", id=case_id, checked=verdict.checked, checkpoints=verdict.checkpoints))
            if with_replay:
                click.echo(_("Replay consistent: every state_digest of case %(id)s was reproduced", id=case_id))
            return
        verdict = verification.verify_log(session, trusted, kept)
        report(verdict, _("the whole record"))
        if verdict.latest:
            click.echo(_("Hash chain intact: %(checked)s events; all %(checkpoints)s signed checkpoint(s) match, the "
                         "latest at seq %(seq)s", checked=verdict.checked, checkpoints=verdict.checkpoints,
                         seq=verdict.latest.seq))
        else:
            click.echo(_("Hash chain intact: %(checked)s events; all %(checkpoints)s signed checkpoint(s) match",
                         checked=verdict.checked, checkpoints=verdict.checkpoints))
        if kept:
            click.echo(_("Matches the %(count)s checkpoint(s) you kept", count=len(kept)))
        if with_replay:
            cases = list(session.scalars(select(Case).order_by(Case.id)))
            for case in cases:
                result = replay.replay_case(session, case)
                if not result.ok:
                    fail(_("Replay failed: case %(id)s seq %(seq)s: %(reason)s", id=case.id,
                           seq=result.first_bad_seq, reason=translated(result.reason)))
            click.echo(_("Replay consistent: every state_digest of %(count)s case(s) was reproduced",
                         count=len(cases)))


@audit_group.command("checkpoint")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="also write the checkpoint to this file")
@with_appcontext
def audit_checkpoint(out):
    """Sign the log as it stands now (CADREFLOW_SIGNING_KEY) and print the checkpoint to keep."""
    signer = checkpointing.signer()
    if signer is None:
        fail(_("No signing key is configured: set CADREFLOW_SIGNING_KEY (cadreflow audit keygen makes one)"))
    with current_app.extensions["cadreflow.sessions"].begin() as session:
        made = checkpoints.make(session, signer, _now(), made_by="cli")
        latest = made or (checkpoints.from_row(row) if (row := checkpoints.latest(session)) else None)
    if latest is None:
        fail(_("The record is empty: there is nothing to sign"))
    if made is None:
        click.echo(_("No new events since the last checkpoint (seq %(seq)s); printing that checkpoint",
                     seq=latest.seq), err=True)
    if out:
        out.write_text(latest.to_text(), encoding="utf-8")
        click.echo(_("Checkpoint written to %(file)s: keep it somewhere outside the database", file=out), err=True)
    click.echo(latest.to_text(), nl=False)


@audit_group.command("keygen")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def audit_keygen(path):
    """Create a new signing key file (mode 0600); point CADREFLOW_SIGNING_KEY at it."""
    try:
        signer = checkpoints.generate_key(path)
    except CommandError as error:
        fail(error.message)
    click.echo(_("Signing key created: %(file)s", file=path))
    show_key(signer)


def show_key(signer) -> None:
    click.echo(_("Public key: %(key)s", key=signer.public_key))
    click.echo(_("Fingerprint: %(key)s", key=signer.key_id))


@audit_group.command("public-key")
@with_appcontext
def audit_public_key():
    """Print the public key auditors check checkpoints with."""
    signer = checkpointing.signer()
    if signer is None:
        fail(_("No signing key is configured (CADREFLOW_SIGNING_KEY)"))
    show_key(signer)
