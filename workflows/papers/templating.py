r"""The notices' text templates (Jinja2, ``templates/<kind>.j2``) and the line convention that turns them into blocks.

A template renders lines; the start of a line says what it is (docs/papers.md has the table):
``# `` title, ``% `` 文号, ``## `` heading, ``### `` subheading, ``> `` a line without indent, ``^ `` a centred
line, ``-- `` a signature line, ``| a | b |`` a table row (a ``|---|`` row after the first makes it the header),
``____`` a ruled line to write on, ``~~ `` a cut line, ``* `` small print at the foot; any other line is a
paragraph, and an empty line is nothing; ``\n`` breaks the line inside a paragraph or a table cell.
Values filled in with ``{{ … }}`` are text only: their line breaks stay inside their paragraph, and a value can
neither start a line's marker nor split a table cell.

A bureau adapts a template by copying it into its own folder (setting ``PAPER_TEMPLATES``), which is searched
first. Undefined names are errors, reported with the template and the line.
"""

import re
import traceback
from functools import cache
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from workflows.errors import Unavailable
from workflows.papers import layout
from workflows.text import t

PACKAGED = Path(__file__).resolve().parent / "templates"
ZERO_WIDTH = "\u200b"  # put before a value that would otherwise read as a line's marker; taken out again
PIPE = "\ue000"  # a value's "|" while the lines are read (a private-use character), so it cannot split a cell
BACKSLASH = "\ue001"  # a value's "\\", so that only a template's own "\\n" breaks a line inside a cell
MARKERS = ("#", "%", ">", "^", "--", "|", "____", "~~", "*")
SEPARATOR = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")


def _finalize(value) -> str:
    """A filled-in value as plain text of one line: breaks kept inside the paragraph, pipes set aside.

    Idempotent, as a macro's output is finalized again where the macro is called.
    """
    text = "" if value is None else str(value)
    text = text.replace("|", PIPE).replace("\\", BACKSLASH).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\n", layout.LINE_BREAK)
    return ZERO_WIDTH + text if text.lstrip().startswith(MARKERS) else text


@cache
def environment(folder: str | None) -> SandboxedEnvironment:
    """The templates of ``folder`` (a bureau's own, searched first) and the packaged ones."""
    loaders = [jinja2.FileSystemLoader(folder)] if folder else []
    loaders.append(jinja2.FileSystemLoader(str(PACKAGED)))
    # Text, not HTML: nothing to escape; an undefined name is an error, not an empty string. Sandboxed: a
    # template is the bureau's text, it reaches the values given to it and not the program's internals.
    return SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                                undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                keep_trailing_newline=False, finalize=_finalize)


def _where(error: Exception, name: str) -> int | None:
    """The template line a rendering error happened on (Jinja maps its frames to the template's lines)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if Path(frame.filename).name == name]
    return lines[-1] if lines else None


def render_text(kind: str, context: dict, folder: str | None = None) -> str:
    """The lines ``templates/<kind>.j2`` renders; a broken template is reported with its file and line."""
    name = f"{kind}.j2"
    try:
        return environment(folder).get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise Unavailable(t("找不到文书模板 {name}", name=name)) from None
    except jinja2.TemplateSyntaxError as error:
        raise Unavailable(t("文书模板 {name} 第 {line} 行有误：{problem}", name=error.filename or name,
                            line=error.lineno, problem=error.message or "")) from None
    except Exception as error:  # an undefined name, a forbidden attribute, 1/0 …: the template's, named by its line
        raise Unavailable(t("文书模板 {name} 第 {line} 行有误：{problem}", name=_source(folder, name),
                            line=_where(error, name) or "?", problem=str(error))) from None


def _source(folder: str | None, name: str) -> str:
    own = Path(folder) / name if folder else None
    return str(own if own is not None and own.is_file() else PACKAGED / name)


def _cells(line: str) -> tuple[str, ...]:
    """The cells of "| a | b |"."""
    cells = line.strip().split("|")
    inner = cells[1:-1] if not cells[-1].strip() else cells[1:]
    return tuple(_plain(cell.strip()) for cell in inner)


def _plain(text: str) -> str:
    """Text with the template's "\\n" as a line break and the guards of filled-in values taken out."""
    return text.replace("\\n", layout.LINE_BREAK).replace(ZERO_WIDTH, "").replace(PIPE, "|").replace(BACKSLASH, "\\")


def parse(text: str, *, author: str = "", dated=None) -> layout.Document:
    """The document the rendered lines describe."""
    title, number, blocks = "", "", []
    rows: list[tuple[str, ...]] = []
    header = False
    signature: list[str] = []

    def flush():
        nonlocal rows, header, signature
        if rows:
            blocks.append(layout.Table(tuple(rows), header))
        if signature:
            blocks.append(layout.Signature(tuple(signature)))
        rows, header, signature = [], False, []

    for raw in text.split("\n"):  # not splitlines(): it would break at a value's LINE_BREAK too
        line = raw.strip()
        if line.startswith("|"):
            if signature:
                flush()
            if SEPARATOR.match(line) and len(rows) == 1:
                header = True
            elif not SEPARATOR.match(line):
                rows.append(_cells(line))
            continue
        if line.startswith("-- ") or line == "--":
            if rows:
                flush()
            signature.append(_plain(line[3:].strip()))
            continue
        flush()
        if not line:
            continue
        marker, _, rest = line.partition(" ")
        rest = _plain(rest.strip())
        if marker == "#":
            title = rest
        elif marker == "%":
            number = rest
        elif marker in ("##", "###"):
            blocks.append(layout.Heading(rest, len(marker) - 1))
        elif marker == ">":
            blocks.append(layout.Paragraph(rest, indent=False, align="left"))
        elif marker == "^":
            blocks.append(layout.Paragraph(rest, indent=False, align="center"))
        elif marker == "~~":
            blocks.append(layout.CutLine(rest))
        elif marker == "*":
            blocks.append(layout.Note(rest))
        elif set(line) == {"_"} and len(line) >= 4:
            if blocks and isinstance(blocks[-1], layout.Blank):
                blocks[-1] = layout.Blank(blocks[-1].lines + 1)
            else:
                blocks.append(layout.Blank(1))
        else:
            blocks.append(layout.Paragraph(_plain(line)))
    flush()
    return layout.Document(title=title, number=number, blocks=tuple(blocks), author=author, dated=dated)
