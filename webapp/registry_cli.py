"""Command line for the registry: import and export the cadre workbook, and the daily scan."""

import getpass
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from workflows import cadre_export
from workflows import registry_edit
from workflows.actors import Actor
from workflows.errors import CommandError


def _cli_actor() -> Actor:
    return Actor(None, f"cli:{getpass.getuser()}", frozenset({"personnel_office"}), "personnel_office")


@click.command("import-cadres")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_cadres(file: Path):
    """Import a registry workbook (.xlsx) or CSV: all rows or none."""
    data = file.read_bytes()
    try:
        with current_app.extensions["cadreflow.sessions"].begin() as session:
            with click.progressbar(length=1, label="导入中", show_pos=True) as bar:
                def progress(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                summary = registry_edit.import_file(session, _cli_actor(), current_app.extensions[
                    "cadreflow.clock"].now(), data, file.name, progress)
    except CommandError as error:
        click.echo(f"导入失败，未写入任何数据：{error.message}", err=True)
        for cell in getattr(error, "cell_errors", []):
            click.echo(f"  {cell}", err=True)
        sys.exit(1)
    click.echo(f"导入完成：{summary}")


@click.command("export-cadres")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_cadres(file: Path):
    """Export the registry as .xlsx (all sheets) or .csv (the cadre sheet), by the file's suffix."""
    with current_app.extensions["cadreflow.read_sessions"]() as session:
        data = (cadre_export.export_csv(session) if file.suffix.lower() == ".csv"
                else cadre_export.export_workbook(session))
    file.write_bytes(data)
    click.echo(f"已导出到 {file}")


def parse_day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD") from None


COMMANDS = [import_cadres, export_cadres]
