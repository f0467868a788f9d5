"""The .lrmx file itself: written in the format's order and shape, read back the same, hostile files refused."""

import base64
import io
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from workflows.errors import InvalidData
from workflows.papers import lrmx
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_form import FamilyRow
from workflows.papers.approval_form import ResumeLine

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "lrmx" / "zhang_wei_every_field.lrmx"
ORDER = ["XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
         "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
         "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
         "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
         "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu",
         "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan",
         "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
         "Version"]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), (80, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def a_form(**changes) -> ApprovalForm:
    values = dict(
        name="张伟", gender="男", birth="1985.06", ethnicity="汉族", native_place="江苏南通", birthplace="上海青浦",
        party_join="2007.05", work_start="2008.07", health="健康", professional_title="高级工程师",
        expertise="政务数据治理", ft_education="大学本科", ft_degree="工学学士",
        ft_school="同济大学计算机科学与技术专业", ft_degree_school="同济大学电子与信息工程学院",
        pt_education="硕士研究生", pt_degree="公共管理硕士", pt_school="复旦大学公共管理专业",
        pt_degree_school="复旦大学国际关系与公共事务学院", current_post="数据资源科科长",
        proposed_post="数据应用科科长", removed_post="数据资源科科长",
        resume=(ResumeLine("2003.09", "2007.07", "同济大学计算机科学与技术专业学习"),
                ResumeLine("2008.07", "2021.03", "上海市青浦区信息化委员会科员"),
                ResumeLine("2021.03", "", "上海市青浦区数据局数据资源科科长")),
        rewards="2022年记三等功。", assessments="2023年度考核称职；2024年度考核优秀；2025年度考核称职。",
        reason="工作需要", family=(FamilyRow("妻子", "李静", "1987.09", "中共党员", "上海市青浦区教育局科员"),
                               FamilyRow("儿子", "张子涵", "2014.03", "群众", "学生")),
        reporting_unit="中共上海市青浦区数据局党组", age_at="2026.03", filled_on="2026.03", filled_by="王敏",
        identity_no="310118198506120033", photo=jpeg(), photo_type="image/jpeg")
    values.update(changes)
    return ApprovalForm(**values)


def refused(data: bytes, name: str = "坏文件.lrmx") -> InvalidData:
    with pytest.raises(InvalidData) as caught:
        lrmx.read(data, name)
    assert all(name in message for message in caught.value.errors.values()), caught.value.errors
    return caught.value


def test_written_in_the_formats_order_and_shape():
    form = a_form()
    root = etree.fromstring(lrmx.write(form))
    assert lrmx.write(form).startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert root.tag == "Person"
    assert [child.tag for child in root] == ORDER
    assert root.findtext("ChuShengNianYue") == "198506"
    assert root.findtext("RuDangShiJian") == "200705"
    assert root.findtext("JiSuanNianLingShiJian") == "202603"
    assert root.findtext("JianLi") == ("2003.09--2007.07  同济大学计算机科学与技术专业学习\r\n"
                                      "2008.07--2021.03  上海市青浦区信息化委员会科员\r\n"
                                      "2021.03--         上海市青浦区数据局数据资源科科长")
    items = root.findall("JiaTingChengYuan/Item")
    assert len(items) == 10
    assert [child.tag for child in items[0]] == ["ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao",
                                                 "GongZuoDanWeiJiZhiWu"]
    assert items[0].findtext("ChuShengRiQi") == "198709"
    assert all(not (child.text or "") for item in items[2:] for child in item)
    photo = root.findtext("ZhaoPian")
    assert "\n" not in photo and base64.b64decode(photo) == form.photo
    assert root.findtext("Version") == "3.2.1.16"
    assert root.findtext("ShenFenZheng") == "310118198506120033"


def test_a_form_read_back_is_the_same_form():
    form = a_form()
    assert lrmx.read(lrmx.write(form), "a.lrmx") == form


def test_a_non_member_and_an_empty_form_read_back_the_same():
    assert lrmx.read(lrmx.write(a_form(party_join="群众")), "a.lrmx").party_join == "群众"
    empty = a_form(**{name: "" for name in ("name", "gender", "birth", "party_join", "identity_no", "age_at")},
                   resume=(), family=(), photo=None, photo_type="")
    assert lrmx.read(lrmx.write(empty), "a.lrmx") == empty


def test_the_hand_written_fixture_is_read_with_every_field():
    form = lrmx.read(FIXTURE.read_bytes(), FIXTURE.name)
    assert form.birth == "1985.06"  # written 19850612
    assert form.filled_on == "2026.02"  # written 20260215
    assert len(form.resume) == 5 and form.resume[-1].end == ""
    assert form.resume[2].text.endswith("在复旦大学公共管理专业在职研究生学习，获公共管理硕士学位）")  # a wrapped line
    assert len(form.family) == 4  # the six empty items are the table's padding
    assert form.photo_type == "image/jpeg" and form.photo.startswith(b"\xff\xd8\xff")
    assert form.extra == {}  # NianLing is derived, not kept
    empty = [name for name, value in vars(form).items() if value in ("", (), None, {}) and name not in (
        "extra", "staff_no")]
    assert empty == []


def test_missing_elements_empty_text_and_an_extra_nianling_are_tolerated():
    data = ("<Person><XingMing>李娜</XingMing><XingBie></XingBie><NianLing>39</NianLing>"
            "<ChuShengNianYue>19870203</ChuShengNianYue><JiaTingChengYuan/><ZhaoPian/></Person>").encode()
    form = lrmx.read(data, "a.lrmx")
    assert (form.name, form.gender, form.birth, form.family, form.photo) == ("李娜", "", "1987.02", (), None)


def test_unknown_elements_survive_a_round_trip():
    data = ("<Person><XingMing>李娜</XingMing><BeiZhu>另附说明</BeiZhu>"
            "<KuoZhan><A>1</A><B>二</B></KuoZhan></Person>").encode()
    form = lrmx.read(data, "a.lrmx")
    assert form.extra == {"BeiZhu": "另附说明", "KuoZhan": {"xml": "<KuoZhan><A>1</A><B>二</B></KuoZhan>"}}
    again = lrmx.read(lrmx.write(form), "b.lrmx")
    assert again == form


def test_malformed_xml_is_refused_with_its_line():
    error = refused(b"<Person>\n<XingMing>x</XingMing>\n<MinZu>\n</Person>")
    assert "XML 格式错误（第 4 行）" in error.errors["file"]


def test_billion_laughs_is_refused_before_parsing():
    lol = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
           + b"".join(b' <!ENTITY lol%d "%s">\n' % (n, b"&lol%d;" % (n - 1) * 10 if n > 1 else b"&lol;" * 10)
                      for n in range(1, 10))
           + b"]>\n<Person><XingMing>&lol9;</XingMing></Person>")
    error = refused(lol)
    assert "不允许 DOCTYPE 或实体声明" in error.errors["DOCTYPE"]


def test_an_external_entity_is_never_read():
    data = (b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<Person><XingMing>&xxe;</XingMing></Person>")
    error = refused(data)
    assert "DOCTYPE" in error.errors and "root:" not in str(error.errors)


def test_a_doctype_in_utf16_is_refused_too():
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Person [<!ENTITY a "b">]><Person/>'.encode("utf-16")
    assert "DOCTYPE" in refused(data).errors


def test_an_oversized_file_is_refused_by_its_size():
    data = b"<Person><JianLi>" + b"x" * lrmx.MAX_FILE_BYTES + b"</JianLi></Person>"
    assert "文件过大" in refused(data).errors["file"]


def test_a_wrong_root_is_refused():
    assert "根元素应为 <Person>，而不是 <Workbook>" in refused(b"<Workbook><Sheet/></Workbook>").errors["Person"]


def test_every_bad_element_is_named():
    data = ("<Person><XingBie>M</XingBie><ChuShengNianYue>1985-13</ChuShengNianYue>"
            "<ShenFenZheng>310118198506120034</ShenFenZheng><ZhaoPian>bm90IGEgcGljdHVyZQ==</ZhaoPian>"
            "<JianLi>2001,09 大学学习</JianLi><RuDangShiJian>2005-00</RuDangShiJian>"
            "<JiaTingChengYuan><Item><ChengWei>妻子</ChengWei><ChuShengRiQi>八七年</ChuShengRiQi></Item>"
            "</JiaTingChengYuan><XingMing>a</XingMing><XingMing>b</XingMing></Person>").encode()
    errors = refused(data, "张伟.lrmx").errors
    assert errors["ChuShengNianYue"] == "张伟.lrmx：元素 <ChuShengNianYue> 的值「1985-13」不是年月（yyyyMM）"
    assert "应为“男”或“女”" in errors["XingBie"]
    assert "校验位" in errors["ShenFenZheng"]
    assert "不是 JPEG 或 PNG" in errors["ZhaoPian"]
    assert "第 1 行没有起止年月" in errors["JianLi"]
    assert "「2005-00」不是年月" in errors["RuDangShiJian"]
    assert "<JiaTingChengYuan/Item[1]/ChuShengRiQi>" in errors["JiaTingChengYuan/Item[1]/ChuShengRiQi"]
    assert "出现了不止一次" in errors["XingMing"]


def test_a_photo_with_line_breaks_is_read_and_written_without():
    photo = jpeg()
    wrapped = "\n".join(base64.encodebytes(photo).decode().split())
    form = lrmx.read(f"<Person><ZhaoPian>{wrapped}</ZhaoPian></Person>".encode(), "a.lrmx")
    assert form.photo == photo
    assert "\n" not in etree.fromstring(lrmx.write(form)).findtext("ZhaoPian")


def test_characters_xml_cannot_hold_are_left_out_when_writing():
    form = a_form(expertise="数据\x00治理\x1f")
    assert lrmx.read(lrmx.write(form), "a.lrmx").expertise == "数据治理"
