"""``cadreflow diagram FILE.bpmn… --out PATH``: BPMN files drawn to SVG, with what each drawing left out or repaired."""

import sys
from pathlib import Path

import click

from webapp.cli.language import _
from webapp.i18n import translated
from workflows import diagram as renderer
from workflows.errors import DeployError


def _targets(files: tuple[Path, ...], out: Path) -> list[tuple[Path, Path]]:
    """Each file with the SVG it is drawn to: ``out`` itself for one file, ``out/<stem>.svg`` for several."""
    for file in files:
        if not file.is_file():
            raise click.UsageError(_("No such BPMN file: %(file)s", file=file))
    if len(files) == 1 and not out.is_dir():
        return [(files[0], out)]
    if out.exists() and not out.is_dir():
        raise click.UsageError(_("With several files --out must be a folder, and %(out)s is a file", out=out))
    targets = [(file, out / f"{file.stem}.svg") for file in files]
    seen: dict[Path, Path] = {}
    for file, target in targets:
        if target in seen:
            raise click.UsageError(_("%(first)s and %(second)s would both be drawn to %(target)s",
                                     first=seen[target], second=file, target=target))
        seen[target] = file
    return targets


def _draw_one(file: Path, target: Path, diagram_id: str | None) -> bool:
    """Draw ``file`` to ``target`` and print its summary line and warnings; False when it could not be drawn."""
    try:
        drawing = renderer.draw({file.name: file.read_bytes()}, diagram=diagram_id, translate=translated)
    except OSError as error:
        click.echo(_("%(file)s: cannot be read: %(reason)s", file=file, reason=error.strerror), err=True)
        return False
    except DeployError as error:
        click.echo(translated(error.message), err=True)  # names the file and says why it cannot be drawn
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(drawing.svg, encoding="utf-8")
    except OSError as error:
        click.echo(_("Cannot write %(file)s: %(reason)s", file=target, reason=error.strerror), err=True)
        return False
    click.echo(_("%(file)s: drawn, %(shapes)s shapes, %(edges)s edges, %(warnings)s warnings",
                 file=file.name, shapes=drawing.shapes, edges=drawing.edges, warnings=len(drawing.warnings)))
    for warning in drawing.warnings:
        click.echo(f"  - {warning}")
    if len(drawing.diagrams) > 1:
        others = "; ".join(f"{choice.id} ({choice.title}, {choice.shapes})" for choice in drawing.diagrams
                           if choice.id != drawing.diagram_id)
        click.echo("  " + _("diagram %(id)s drawn; the others (--diagram ID): %(others)s",
                            id=drawing.diagram_id, others=others))
    return True


@click.command("diagram")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="the SVG file (one BPMN file) or the folder for one <name>.svg per file (several)")
@click.option("--diagram", "diagram_id", default=None, help="the id of the BPMNDiagram to draw (default: the main one)")
def diagram(files: tuple[Path, ...], out: Path, diagram_id: str | None):
    """Draw BPMN files to SVG and print what each drawing left out; exits 1 when a file cannot be drawn."""
    targets = _targets(files, out)
    drawn = [_draw_one(file, target, diagram_id) for file, target in targets]
    if len(targets) == 1 and drawn[0]:
        click.echo(_("Written to %(file)s", file=targets[0][1]))
    if not all(drawn):
        sys.exit(1)


COMMANDS = [diagram]
