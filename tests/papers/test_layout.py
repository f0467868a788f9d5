"""The notices' layout (PDF and .docx) and the line convention of their templates, without a database."""

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document as WordDocument

from tests.papers import paper_text
from workflows.errors import Unavailable
from workflows.papers import layout
from workflows.papers import templating
from workflows.papers.bureau import BureauDetails

LINES = """
% 青数〔2026〕5号
# 关于某某同志任职的通知
> 局机关各科室：
## 一、事项
### （一）细目
正文第一段。
^ （居中）
| 姓名 | 职务 |
|---|---|
| 张三 | 科长 |
| 李四 | 副科长\\n（兼） |
____
____
~~ 回　执
-- 上海市青浦区数据局
-- 2026年10月12日
* 抄送：区委组织部。
"""


def test_each_marker_makes_its_block():
    document = templating.parse(LINES, author="局", dated=date(2026, 10, 12))
    assert (document.title, document.number) == ("关于某某同志任职的通知", "青数〔2026〕5号")
    assert document.blocks == (
        layout.Paragraph("局机关各科室：", indent=False, align="left"), layout.Heading("一、事项", 1),
        layout.Heading("（一）细目", 2), layout.Paragraph("正文第一段。"),
        layout.Paragraph("（居中）", indent=False, align="center"),
        layout.Table((("姓名", "职务"), ("张三", "科长"), ("李四", f"副科长{layout.LINE_BREAK}（兼）")), header=True),
        layout.Blank(2), layout.CutLine("回　执"), layout.Signature(("上海市青浦区数据局", "2026年10月12日")),
        layout.Note("抄送：区委组织部。"))


def test_a_value_is_text_whatever_it_holds(tmp_path):
    """A user's text with markers, pipes and line breaks stays inside its paragraph or cell."""
    (tmp_path / "probe.j2").write_text("# 标题\n{{ value }}\n| 甲 | {{ value }} |\n", encoding="utf-8")
    value = "# 假标题\n| 伪造 | 表格 |\n-- 假签名"
    text = templating.render_text("probe", {"value": value}, str(tmp_path))
    document = templating.parse(text)
    flat = value.replace("\n", layout.LINE_BREAK)
    assert document.title == "标题"
    assert document.blocks == (layout.Paragraph(flat), layout.Table((("甲", flat),)))


def test_a_bureau_folder_replaces_a_packaged_template_and_keeps_the_others(tmp_path):
    (tmp_path / "publicity.j2").write_text("# {{ bureau.name }}任前公示（本局格式）\n", encoding="utf-8")
    assert templating.render_text("publicity", {"bureau": BureauDetails()}, str(tmp_path)).startswith(
        "# 上海市青浦区数据局任前公示（本局格式）")
    packaged = templating.render_text("removal_notice", {
        "bureau": BureauDetails(), "number": "", "year": 2026, "appointee": {"name": "甲", "current_post": "乙"},
        "decided_on": "", "notice_date": "", "today": ""}, str(tmp_path))
    assert "免去甲同志乙职务" in packaged


def test_a_broken_template_is_named_with_its_line(tmp_path):
    (tmp_path / "publicity.j2").write_text("# 公示\n正文\n{{ apointee.name }}\n", encoding="utf-8")
    with pytest.raises(Unavailable, match=r"文书模板 .*publicity\.j2 第 3 行有误：'apointee' is undefined"):
        templating.render_text("publicity", {"appointee": {}}, str(tmp_path))
    (tmp_path / "recommendation.j2").write_text("# 推荐\n{% if %}\n", encoding="utf-8")
    with pytest.raises(Unavailable, match=r"文书模板 .*recommendation\.j2 第 2 行有误"):
        templating.render_text("recommendation", {}, str(tmp_path))
    (tmp_path / "meeting_minutes.j2").write_text("# 纪要\n\n{{ bureau.__class__.__init__.__globals__ }}\n",
                                                  encoding="utf-8")
    with pytest.raises(Unavailable, match=r"meeting_minutes\.j2 第 3 行有误：.*unsafe"):
        templating.render_text("meeting_minutes", {"bureau": BureauDetails()}, str(tmp_path))
    with pytest.raises(Unavailable, match="找不到文书模板 leaflet.j2"):
        templating.render_text("leaflet", {}, str(tmp_path))


def _document() -> layout.Document:
    return templating.parse(LINES + "\n" + "本段文字" * 40 + "\n", author="上海市青浦区数据局",
                            dated=date(2026, 10, 12))


def test_the_pdf_is_a4_with_the_font_embedded_and_the_same_bytes_each_time(tmp_path):
    pdf = layout.to_pdf(_document())
    assert pdf == layout.to_pdf(_document())
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf
    fonts = paper_text.pdf_fonts(pdf, tmp_path)
    assert fonts and {embedded for _name, embedded in fonts} == {"yes"}, fonts
    text = paper_text.pdf_text(pdf)
    for part in ("青数〔2026〕5号", "关于某某同志任职的通知", "李四", "副科长", "（兼）", "回执", "抄送：区委组织部。",
                 "—1—"):
        assert part in text, part


def test_no_line_starts_with_a_full_width_comma():
    """24 characters and the indent fill a line of 3号 type: the comma after them hangs at its end."""
    document = layout.Document("标题", blocks=(layout.Paragraph("字" * 24 + "，之后的文字。" + "字" * 20),))
    lines = paper_text.pdf_lines(layout.to_pdf(document))
    assert not [line for line in lines if line.startswith("，")], lines


def test_a_long_cell_wraps_inside_the_table():
    long = "很长的单位名称及职务" * 30
    document = layout.Document("表", blocks=(layout.Table((("项目", "内容"), ("现任职务", long)), header=True),))
    assert sum(layout.widths(document.blocks[0].rows)) == pytest.approx(layout.WIDTH)
    assert long in paper_text.pdf_text(layout.to_pdf(document)).replace("现任职务", "")


def test_the_docx_holds_the_text_the_fonts_and_fixed_properties():
    data = layout.to_docx(_document())
    assert data == layout.to_docx(_document())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {member.date_time for member in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    word = WordDocument(io.BytesIO(data))
    texts = [paragraph.text for paragraph in word.paragraphs]
    assert texts[:2] == ["青数〔2026〕5号", "关于某某同志任职的通知"] and "正文第一段。" in texts
    table = word.tables[0]
    assert [cell.text for cell in table.rows[2].cells] == ["李四", "副科长\n（兼）"]
    assert word.core_properties.author == "上海市青浦区数据局"
    assert word.core_properties.created.date() == date(2026, 10, 12)
    east_asia = set(re.findall(r'w:eastAsia="([^"]+)"', word.element.xml))
    assert {"宋体", "方正小标宋简体", "黑体", "楷体"} <= east_asia
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
