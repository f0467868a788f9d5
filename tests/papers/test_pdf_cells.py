"""Text in a PDF cell: broken between Chinese characters, never inside a number or before a closing mark."""

from reportlab.pdfbase.pdfmetrics import stringWidth

from workflows.papers import pdf_cells
from workflows.papers.fonts import pdf_font
from workflows.papers.pdf_cells import Box

TEXT = "青浦区数据局办公室一级科员（其间：2012.09--2015.07在中共上海市委党校在职研究生班公共管理专业学习）。"


def test_lines_fit_their_width_and_keep_numbers_and_punctuation_whole():
    font = pdf_font()
    for width in (60, 90, 150, 240):
        lines = pdf_cells.wrap(TEXT, font, 10.5, width)
        assert "".join(lines) == TEXT
        assert all(stringWidth(line, font, 10.5) <= width for line in lines)
        assert not any(line[0] in pdf_cells.CLOSING for line in lines[1:])  # no line starts with ，。）
        assert not any(line[-1] in pdf_cells.OPENING for line in lines)  # none ends with （
        if width >= 90:  # wider than the dates: they stay on one line
            assert any("2012.09--2015.07" in line for line in lines)


def test_a_piece_wider_than_the_line_is_cut_rather_than_drawn_past_the_edge():
    font = pdf_font()
    lines = pdf_cells.wrap("3101181984110400111234567890", font, 12, 40)
    assert len(lines) > 1 and all(stringWidth(line, font, 12) <= 40 for line in lines)


def test_text_shrinks_to_the_floor_and_hands_back_what_does_not_fit():
    font, box = pdf_font(), Box(0, 0, 100, 30)
    size, lines, rest = pdf_cells.fit("数据治理", font, box, 12)
    assert (size, lines, rest) == (12, ["数据治理"], [])
    size, lines, rest = pdf_cells.fit(TEXT, font, Box(0, 0, 100, 80), 12)
    assert 7 < size < 12 and not rest and len(lines) > 1
    size, lines, rest = pdf_cells.fit(TEXT * 4, font, box, 12)
    assert size == pdf_cells.FLOOR and rest and "".join(lines + rest) == TEXT * 4
    assert len(lines) * size * pdf_cells.LEADING - (pdf_cells.LEADING - 1) * size <= box.height


def test_centred_lines_are_balanced():
    font = pdf_font()
    text = "华东师范大学计算机科学与技术专业"
    lines = pdf_cells.wrap(text, font, 10.5, 150)
    balanced = pdf_cells.balanced(text, font, 10.5, 150, lines)
    assert len(balanced) == len(lines) == 2 and len(lines[-1]) <= 2  # greedy: a short tail under a full line
    assert abs(len(balanced[0]) - len(balanced[1])) <= 1 and "".join(balanced) == text
