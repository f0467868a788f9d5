"""Line breaking and placement of diagram labels on small inputs: pauses, punctuation, Latin words, fewest lines."""

from lxml import etree

from tests.workflows.test_text_layout import CLOSING
from tests.workflows.test_text_layout import ICON
from tests.workflows.test_text_layout import MARKERS
from tests.workflows.test_text_layout import PADDING
from tests.workflows.test_text_layout import Label
from tests.workflows.test_text_layout import is_orphan
from tests.workflows.test_text_layout import jieba_words
from tests.workflows.test_text_layout import line_box
from tests.workflows.test_text_layout import measured
from workflows.diagram.interchange import Box
from workflows.diagram.labels import inner_label
from workflows.diagram.svg import Paint
from workflows.diagram.text_layout import text_width
from workflows.diagram.text_layout import wrap


def test_a_two_line_name_is_split_near_the_middle_and_never_leaves_one_character():
    assert wrap("党组成员逐一表态", 84, 12) == ["党组成员", "逐一表态"]
    assert wrap("报区委组织部备案", 84, 12) == ["报区委", "组织部备案"]  # not "报区委组/织部备案": 组织部 is a word
    assert wrap("①分析研判", 84, 12) == ["①分析研判"]


def test_a_break_after_a_chinese_pause_is_preferred_when_near_the_middle():
    assert wrap("缓议：补充了解情况", 84, 12) == ["缓议：", "补充了解情况"]
    assert wrap("⑬党组会议：出席与回避", 84, 12) == ["⑬党组会议：", "出席与回避"]
    assert wrap("安排非领导职务岗位，更新信息库", 84, 12) == ["安排非领导职务", "岗位，", "更新信息库"]
    # Too far from the middle: the lines stay even.
    first, second = wrap("同意：干部选拔任用工作方案", 100, 12)
    assert first != "同意：" and abs(len(first) - len(second)) <= 1


def test_closing_punctuation_stays_on_its_line_and_opening_punctuation_moves_down():
    for text in ["选拔任用，（附条件）同意通过", "干部选拔任用工作。完成", "任用《条例》规定的程序"]:
        for width in range(24, 120, 6):
            lines = wrap(text, width, 12)
            assert "".join(lines) == text
            assert not any(line[0] in CLOSING for line in lines[1:]), (width, lines)
            assert not any(line[-1] in "（《“" for line in lines[:-1]), (width, lines)


def test_latin_words_stay_whole_and_break_beside_cjk_text():
    assert wrap("Review the candidate file", 84, 12) == ["Review the", "candidate file"]
    assert wrap("10 个工作日未完成交接", 90, 11) == ["10 个工作日", "未完成交接"]
    assert wrap("核对 QP0001 的任职年限", 84, 12) == ["核对 QP0001", "的任职年限"]
    # A word wider than a whole line is cut where it must be.
    lines = wrap("Supercalifragilisticexpialidocious", 84, 12)
    assert "".join(lines) == "Supercalifragilisticexpialidocious" and len(lines) == 3
    assert all(text_width(line, 12) <= 84 for line in lines)


def fewest_lines(text: str, width: float, size: float) -> int:
    """How many lines filling each line with whole words as far as it goes takes (punctuation stays with its word)."""
    units: list[str] = []
    for word in jieba_words(text):
        if units and word[0] in CLOSING:
            units[-1] += word
        else:
            units.append(word)
    lines, line = 1, ""
    for unit in units:
        if measured(line + unit, size) > width + 0.01:
            lines, line = lines + 1, unit
        else:
            line += unit
    return lines


def test_every_line_fits_and_the_line_count_is_the_fewest():
    text = "干部选拔任用工作，要坚持党管干部原则，坚持德才兼备、以德为先。" * 3
    for width in (60, 84, 100, 150):
        lines = wrap(text, width, 12)
        assert "".join(lines) == text
        assert all(text_width(line, 12) <= width + 0.01 for line in lines)
        # The fewest whole words allow: at most two more than breaking between any two characters would take.
        assert len(lines) == fewest_lines(text, width, 12) <= -(-len(text) * 12 // width) + 2
        assert not any(is_orphan(line) for line in lines)


def test_paragraphs_and_spaces():
    assert wrap("第一段\n第二段", 84, 12) == ["第一段", "第二段"]
    assert wrap("  a   b  ", 84, 12) == ["a b"]
    assert wrap("", 84, 12) == [] and wrap("   ", 84, 12) == []


def placed(name: str, box: Box, **where) -> tuple[float, list[tuple[float, float, str]]]:
    text = etree.fromstring(inner_label(name, box, Paint(), **where))
    return float(text.get("font-size")), [(float(span.get("x")), float(span.get("y")), span.text) for span in text]


def test_a_short_name_stays_in_the_middle_and_a_long_one_moves_under_the_icon():
    box = Box(100, 100, 100, 80)
    size, [(x, y, text)] = placed("⑥会议推荐", box, icon=True)
    assert (size, x, text) == (12, 150, "⑥会议推荐") and abs(y - 0.35 * size - box.cy) < 0.01
    size, lines = placed("党组成员逐一表态", box, icon=True, markers=True)
    assert size == 12 and [text for *_, text in lines] == ["党组成员", "逐一表态"]
    label = Label("t", "userTask", "", (box.x, box.y, box.width, box.height), True, False, size, lines)
    assert line_box(label, lines[0])[1] >= box.y + ICON and line_box(label, lines[-1])[3] <= box.bottom - MARKERS


def test_a_name_too_long_for_its_task_is_set_smaller_to_fit():
    box = Box(0, 0, 100, 80)
    name = "区委组织部审核暂缓退出领导岗位"  # three lines at 12 px: more than the room between icon and markers
    size, lines = placed(name, box, icon=True, markers=True)
    assert size == 10 and "".join(text for *_, text in lines) == name and len(lines) == 2
    label = Label("t", "userTask", name, (0, 0, 100, 80), True, False, size, lines)
    boxes = [line_box(label, line) for line in lines]
    assert boxes[0][1] >= ICON and boxes[-1][3] <= 80 - MARKERS
    assert all(measured(text, size) <= 100 - 2 * PADDING for *_, text in lines)
    # Too long even at the smallest size: it starts under the icon and runs on at the bottom, all of it shown.
    size, lines = placed(name * 2, box, icon=True, markers=True)
    label = Label("t", "userTask", name, (0, 0, 100, 80), True, False, size, lines)
    assert size == 9 and line_box(label, lines[0])[1] >= ICON and "".join(t for *_, t in lines) == name * 2
