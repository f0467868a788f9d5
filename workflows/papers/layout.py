"""The notices' one layout: a small document model, written as an A4 PDF and as a .docx by the same rules.

The look follows the plain official document (GB/T 9704 without the red masthead): the 文号 centred above the
title, the title in 2号 type, the body in 3号 type with a two-character first-line indent, 22 lines a page, the
signature and date to the right, the 抄送/印发 lines between rules at the foot, and "— n —" page numbers.
The same document gives the same bytes in both formats. The model and the sizes are in ``layout_model``, the
writers in ``layout_pdf`` (reportlab, the font embedded) and ``layout_docx`` (python-docx); this module is
what callers use.
"""

from workflows.papers.layout_docx import to_docx
from workflows.papers.layout_model import BODY
from workflows.papers.layout_model import CELL
from workflows.papers.layout_model import LINE_BREAK
from workflows.papers.layout_model import WIDTH
from workflows.papers.layout_model import Blank
from workflows.papers.layout_model import Block
from workflows.papers.layout_model import CutLine
from workflows.papers.layout_model import Document
from workflows.papers.layout_model import Heading
from workflows.papers.layout_model import Note
from workflows.papers.layout_model import Paragraph
from workflows.papers.layout_model import Signature
from workflows.papers.layout_model import Table
from workflows.papers.layout_model import short
from workflows.papers.layout_model import span
from workflows.papers.layout_model import widths
from workflows.papers.layout_pdf import to_pdf

__all__ = ["BODY", "CELL", "LINE_BREAK", "WIDTH", "Blank", "Block", "CutLine", "Document", "Heading", "Note",
           "Paragraph", "Signature", "Table", "short", "span", "to_docx", "to_pdf", "widths"]
