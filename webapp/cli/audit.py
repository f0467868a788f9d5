"""``cadreflow audit …``: verify the record, make and keep signed checkpoints, manage the signing key."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from storage.models import Case
from webapp import checkpointing
from workflows.errors import CommandError
from workflows.record import checkpoints
from workflows.record import replay
from workflows.record import verification


def fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
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
            fail(f"无法读取检查点文件 {file}：{error.strerror}")
        except CommandError as error:
            fail(error.message)
    return kept


def report(verdict, what: str) -> None:
    for warning in verdict.warnings:
        click.echo(f"注意：{warning}")
    if not verdict.ok:
        click.echo(f"校验失败（{what}）：第一条有问题的记录 seq {verdict.first_bad_seq}：{verdict.reason}", err=True)
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
                fail(f"案件 {case_id} 不存在")
            verdict = verification.verify_case(session, case, trusted, with_replay=with_replay)
            report(verdict, f"案件 {case_id}")
            click.echo(f"案件 {case_id} 的记录完好：共 {verdict.checked} 条，"
                       f"由 {verdict.checkpoints} 个签名检查点覆盖")
            if with_replay:
                click.echo(f"重放一致：案件 {case_id} 的每个 state_digest 均已复现")
            return
        verdict = verification.verify_log(session, trusted, kept)
        report(verdict, "全部记录")
        latest = f"，最新检查点 seq {verdict.latest.seq}" if verdict.latest else ""
        click.echo(f"哈希链完好：共 {verdict.checked} 条记录；{verdict.checkpoints} 个签名检查点均相符{latest}")
        if kept:
            click.echo(f"与您保存的 {len(kept)} 个检查点一致")
        if with_replay:
            cases = list(session.scalars(select(Case).order_by(Case.id)))
            for case in cases:
                result = replay.replay_case(session, case)
                if not result.ok:
                    fail(f"重放失败：案件 {case.id} seq {result.first_bad_seq}：{result.reason}")
            click.echo(f"重放一致：{len(cases)} 个案件的每个 state_digest 均已复现")


@audit_group.command("checkpoint")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="also write the checkpoint to this file")
@with_appcontext
def audit_checkpoint(out):
    """Sign the log as it stands now (CADREFLOW_SIGNING_KEY) and print the checkpoint to keep."""
    signer = checkpointing.signer()
    if signer is None:
        fail("未配置签名密钥：请设置 CADREFLOW_SIGNING_KEY（可用 cadreflow audit keygen 生成）")
    with current_app.extensions["cadreflow.sessions"].begin() as session:
        made = checkpoints.make(session, signer, _now(), made_by="cli")
        latest = made or (checkpoints.from_row(row) if (row := checkpoints.latest(session)) else None)
    if latest is None:
        fail("记录为空，没有可签名的内容")
    if made is None:
        click.echo(f"自上一个检查点（seq {latest.seq}）以来没有新记录，输出该检查点", err=True)
    if out:
        out.write_text(latest.to_text(), encoding="utf-8")
        click.echo(f"检查点已写入 {out}：请保存在数据库以外的地方", err=True)
    click.echo(latest.to_text(), nl=False)


@audit_group.command("keygen")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def audit_keygen(path):
    """Create a new signing key file (mode 0600); point CADREFLOW_SIGNING_KEY at it."""
    try:
        signer = checkpoints.generate_key(path)
    except CommandError as error:
        fail(error.message)
    click.echo(f"已生成签名密钥 {path}")
    click.echo(f"公钥：{signer.public_key}")
    click.echo(f"指纹：{signer.key_id}")


@audit_group.command("public-key")
@with_appcontext
def audit_public_key():
    """Print the public key auditors check checkpoints with."""
    signer = checkpointing.signer()
    if signer is None:
        fail("未配置签名密钥（CADREFLOW_SIGNING_KEY）")
    click.echo(f"公钥：{signer.public_key}")
    click.echo(f"指纹：{signer.key_id}")
