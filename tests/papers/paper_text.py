"""Read a paper back as its reader would: the text of a PDF (pdftotext) or a .docx (python-docx), its fonts, a PNG."""

import io
import re
import subprocess
from pathlib import Path

from docx import Document

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order, with the line breaks and spaces of the page taken out."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", "", done.stdout.decode("utf-8"))


def pdf_lines(pdf: bytes) -> list[str]:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True)
    return [line.strip() for line in done.stdout.decode("utf-8").splitlines() if line.strip()]


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of the .docx, spaces taken out."""
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return re.sub(r"\s+", "", "\n".join(parts))


def pdf_fonts(pdf: bytes, folder: Path) -> list[tuple[str, str]]:
    """(name, embedded yes/no) of each font the PDF uses."""
    path = folder / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [(line.split()[0], line.split()[-5]) for line in lines[2:] if line.strip()]


def first_page_png(pdf: bytes, name: str, folder: Path) -> Path:
    """The first page as tests/artifacts/<name>.png at 60 dpi, for review by eye."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-png", str(source),
                    str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"
