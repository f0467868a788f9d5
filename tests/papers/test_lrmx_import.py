"""Importing .lrmx files into the registry: plan (create or update by identity number, a diff), then all or nothing."""

import base64
import dataclasses
import json
from datetime import date

import pytest
from sqlalchemy import select

from storage.models import AuditEvent
from storage.models import CadrePhoto
from storage.models import FamilyMember
from storage.models import ResumeEntry
from tests.conftest import make_actor
from tests.conftest import organiser_of_a_registry
from tests.papers.lrmx_fixtures import FIXTURE
from tests.papers.lrmx_fixtures import counts
from tests.papers.lrmx_fixtures import edited
from tests.papers.lrmx_fixtures import exported
from tests.papers.lrmx_fixtures import jpeg
from workflows.errors import Conflict
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.papers import lrmx
from workflows.papers import lrmx_import
from workflows.record.canonical import sha256_hex
from workflows.registry import awards
from workflows.registry import edit
from workflows.registry import photo
from workflows.registry.cadre_records import find_cadre
from workflows.registry.identity_no import check_character
from workflows.registry.personal_edit import update_personal


@pytest.fixture
def office(sessions, clock):
    """The demo registry, its organiser, and today."""
    return organiser_of_a_registry(sessions, clock), clock.now().date()


def plan_of(sessions, files, today):
    with sessions() as session:
        return lrmx_import.plan(session, files, today)


def imported(sessions, actor, clock, files):
    with sessions.begin() as session:
        planned = lrmx_import.plan(session, files, clock.now().date())
        return lrmx_import.apply(session, actor, clock.now(), planned)


def last_event(sessions) -> tuple[str, dict]:
    with sessions() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        return event.type, json.loads(event.payload)


def test_a_demo_cadre_exported_and_imported_onto_itself_changes_nothing(sessions, office, clock):
    actor, today = office
    with sessions.begin() as session:
        cadre = find_cadre(session, "QP0012")
        photo.set_photo(session, actor, clock.now(), cadre.id, jpeg())
        awards.add_award(session, actor, clock.now(), cadre.id, {"awarded_on": date(2024, 12, 20),
                                                                 "title": "记三等功", "granted_by": "青浦区人民政府"})
        data = exported(session, "QP0012", today)
    planned = plan_of(sessions, [("QP0012.lrmx", data)], today)
    [file] = planned.files
    assert (file.action, file.staff_no, file.changes, file.errors) == ("unchanged", "QP0012", [], {})
    before = counts(sessions)
    imported(sessions, actor, clock, [("QP0012.lrmx", data)])
    assert counts(sessions) == {**before, "AuditEvent": before["AuditEvent"] + 1}


def test_a_demo_cadre_imported_as_a_new_cadre_exports_field_for_field_equal(sessions, office, clock):
    actor, today = office
    with sessions.begin() as session:
        cadre = find_cadre(session, "QP0012")
        photo.set_photo(session, actor, clock.now(), cadre.id, jpeg())
        first = exported(session, "QP0012", today)
        cadre.identity_no = None  # the registry no longer knows the number: the file makes a new cadre
    planned = plan_of(sessions, [("QP0012.lrmx", first)], today)
    [file] = planned.files
    assert (file.action, file.staff_no) == ("create", "QP0081")
    assert any("QP0012" in warning and "不会合并" in warning for warning in file.warnings)
    imported(sessions, actor, clock, [("QP0012.lrmx", first)])
    with sessions() as session:
        second = exported(session, "QP0081", today)
    one, other = lrmx.read(first, "first.lrmx"), lrmx.read(second, "second.lrmx")
    for box in dataclasses.fields(one):
        if box.name != "staff_no":
            assert getattr(one, box.name) == getattr(other, box.name), box.name
    again = plan_of(sessions, [("QP0081.lrmx", second)], today)
    assert (again.files[0].action, again.files[0].changes) == ("unchanged", [])


def test_the_hand_written_file_with_every_field_creates_a_cadre_with_every_value(sessions, office, clock):
    actor, today = office
    data = FIXTURE.read_bytes()
    planned = plan_of(sessions, [(FIXTURE.name, data)], today)
    [file] = planned.files
    assert (file.action, file.staff_no, file.person, file.errors) == ("create", "QP0081", "张伟", {})
    assert {box.element for box in file.not_stored} == {
        "NiRenZhiWu", "NiMianZhiWu", "RenMianLiYou", "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian",
        "TianBiaoRen"}
    assert [change.element for change in file.changes] == [  # every box the registry keeps, in the file's order
        element for element, attribute, _kind in lrmx.ELEMENTS if attribute and element not in {
            box.element for box in file.not_stored}]
    imported(sessions, actor, clock, [(FIXTURE.name, data)])
    with sessions() as session:
        cadre = find_cadre(session, "QP0081")
        columns = {name: getattr(cadre, name) for name in (
            "name", "gender", "birth_date", "ethnicity", "native_place", "birthplace", "political_affiliation",
            "party_join_date", "work_start_date", "health", "professional_title", "expertise", "ft_education_level",
            "ft_degree", "ft_school", "ft_major", "ft_degree_school", "pt_education_level", "pt_degree", "pt_school",
            "pt_major", "pt_degree_school", "identity_no", "post_text", "rewards_text", "assessment_text",
            "staff_category", "retirement_category", "active")}
        family = session.scalars(select(FamilyMember).where(FamilyMember.cadre_id == cadre.id)
                                 .order_by(FamilyMember.position)).all()
        resume = session.scalars(select(ResumeEntry).where(ResumeEntry.cadre_id == cadre.id)
                                 .order_by(ResumeEntry.position)).all()
        picture = session.get(CadrePhoto, cadre.id)
        form = lrmx.read(data, FIXTURE.name)
        assert columns == {
            "name": "张伟", "gender": "male", "birth_date": date(1985, 6, 12), "ethnicity": "汉族",
            "native_place": "江苏南通", "birthplace": "上海青浦", "political_affiliation": "cpc_member",
            "party_join_date": date(2007, 5, 1), "work_start_date": date(2008, 7, 1), "health": "健康",
            "professional_title": "高级工程师", "expertise": "政务数据治理，熟悉数据共享与开放",
            "ft_education_level": "bachelor", "ft_degree": "工学学士", "ft_school": "同济大学",
            "ft_major": "计算机科学与技术", "ft_degree_school": "同济大学电子与信息工程学院",
            "pt_education_level": "master", "pt_degree": "公共管理硕士", "pt_school": "复旦大学",
            "pt_major": "公共管理", "pt_degree_school": "复旦大学国际关系与公共事务学院",
            "identity_no": "310118198506120033", "post_text": "上海市青浦区数据局数据资源科科长",
            "rewards_text": "2019年被评为青浦区优秀公务员；2022年记三等功。",
            "assessment_text": "2022年度考核优秀；2023年度考核称职；2024年度考核优秀。",
            "staff_category": "civil_servant", "retirement_category": "male", "active": True}
        assert [(row.relation, row.name, row.birth_month, row.political_status, row.work_unit_post)
                for row in family] == [(row.relation, row.name, date(int(row.birth[:4]), int(row.birth[5:]), 1),
                                        row.political_status, row.work_unit_post) for row in form.family]
        assert [(row.start_month.strftime("%Y.%m"), row.end_month.strftime("%Y.%m") if row.end_month else "",
                 row.text) for row in resume] == [(line.start, line.end, line.text) for line in form.resume]
        assert (picture.media_type, picture.sha256, picture.content) == ("image/jpeg", sha256_hex(form.photo),
                                                                          form.photo)
        again = lrmx.read(exported(session, "QP0081", today), "again.lrmx")
    kept = {"proposed_post", "removed_post", "reason", "reporting_unit", "age_at", "filled_on", "filled_by",
            "staff_no"}
    assert {box.name for box in dataclasses.fields(form) if getattr(form, box.name) != getattr(again, box.name)
            } <= kept
    kind, payload = last_event(sessions)
    assert kind == "registry.lrmx_imported"
    assert payload["created"] == ["QP0081"] and payload["updated"] == []
    assert payload["files"][0]["file"] == FIXTURE.name and payload["files"][0]["sha256"] == sha256_hex(data)
    assert payload["files"][0]["changes"]["ShenFenZheng"][1] == "310118********0033"


def test_an_update_shows_each_change_old_and_new_and_writes_them(sessions, office, clock):
    actor, today = office
    with sessions() as session:
        data = exported(session, "QP0003", today)
        cadre = find_cadre(session, "QP0003")
        old_place, old_birth = cadre.native_place, cadre.birth_date
    changed = edited(data, JiGuan="浙江嘉兴", QuanRiZhiJiaoYu_XueLi="研究生", RuDangShiJian="民盟盟员",
                     ChuShengNianYue=old_birth.strftime("%Y%m"), JianKangZhuangKuang="良好")
    planned = plan_of(sessions, [("崔英.lrmx", changed)], today)
    [file] = planned.files
    assert file.action == "update" and file.staff_no == "QP0003"
    shown = {change.element: (change.old, change.new) for change in file.changes}
    assert shown["JiGuan"] == (old_place, "浙江嘉兴")
    assert shown["JianKangZhuangKuang"] == ("健康", "良好")
    assert shown["RuDangShiJian"][1] == "民盟盟员"
    assert "ChuShengNianYue" not in shown  # the same month: the registry's day of birth stays
    assert "QuanRiZhiJiaoYu_XueLi" not in shown  # 研究生 is the 硕士研究生 the registry holds
    imported(sessions, actor, clock, [("崔英.lrmx", changed)])
    with sessions() as session:
        cadre = find_cadre(session, "QP0003")
        assert (cadre.native_place, cadre.health, cadre.political_affiliation, cadre.birth_date) == (
            "浙江嘉兴", "良好", "democratic_party", old_birth)
        assert cadre.ft_education_level == "master"
    kind, payload = last_event(sessions)
    assert (kind, payload["updated"], payload["created"]) == ("registry.lrmx_imported", ["QP0003"], [])
    assert payload["files"][0]["changes"]["JiGuan"] == [old_place, "浙江嘉兴"]
    again = plan_of(sessions, [("崔英.lrmx", changed)], today)
    # 民盟盟员 is stored as 民主党派: the file still says it its own way, and that is no change.
    assert again.files[0].action == "unchanged", again.files[0].changes


BAD_FILES = {
    "malformed": (b"<Person>\n<XingMing>x</XingMing>\n<MinZu>\n</Person>", "file", "第 4 行"),
    "billion laughs": (b'<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                       b"<Person><XingMing>&b;</XingMing></Person>", "DOCTYPE", "DOCTYPE"),
    "external entity": (b'<!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b"<Person><XingMing>&x;</XingMing></Person>", "DOCTYPE", "DOCTYPE"),
    "oversized": (b"<Person><JianLi>" + b"x" * lrmx.MAX_FILE_BYTES + b"</JianLi></Person>", "file", "文件过大"),
    "wrong root": (b"<Workbook/>", "Person", "<Person>"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_hostile_or_broken_file_is_refused_with_file_and_element_and_nothing_is_written(sessions, office, clock,
                                                                                         kind):
    actor, today = office
    data, element, words = BAD_FILES[kind]
    good = FIXTURE.read_bytes()
    files = [("good.lrmx", good), ("bad.lrmx", data)]
    planned = plan_of(sessions, files, today)
    assert planned.files[0].errors == {} and planned.files[0].action == "create"
    assert words in planned.files[1].errors[element] and "bad.lrmx" in planned.files[1].errors[element]
    before = counts(sessions)
    with pytest.raises(InvalidData) as refused, sessions.begin() as session:
        lrmx_import.apply(session, actor, clock.now(), lrmx_import.plan(session, files, today))
    assert f"bad.lrmx/{element}" in refused.value.errors
    assert counts(sessions) == before


BAD_VALUES = {
    "a bad date": ({"ChuShengNianYue": "1985-13"}, "ChuShengNianYue", "的值「1985-13」不是年月（yyyyMM）"),
    "a bad identity number": ({"ShenFenZheng": "310118198506120034"}, "ShenFenZheng", "校验位"),
    "no identity number": ({"ShenFenZheng": ""}, "ShenFenZheng", "无法确定是新建还是更新"),
    "an unknown education": ({"QuanRiZhiJiaoYu_XueLi": "自学成才"}, "QuanRiZhiJiaoYu_XueLi", "不是登记的学历之一"),
    "an unknown affiliation": ({"RuDangShiJian": "积极分子"}, "RuDangShiJian", "不是登记的政治面貌之一"),
    "a tiny photo": ({"ZhaoPian": base64.b64encode(jpeg(20, 20)).decode()}, "ZhaoPian", "像素"),
    "a number of another birth day": ({"ShenFenZheng": "31011819850712003" + check_character("31011819850712003")},
                                      "ShenFenZheng", "不一致"),
    "a too long birthplace": ({"ChuShengDi": "上海" * 40}, "ChuShengDi", "最多 60 个字符"),
    "a period in the future": ({"JianLi": "2021.03--2027.01  数据局科长"}, "JianLi", "晚于本月"),
}


@pytest.mark.parametrize("kind", list(BAD_VALUES))
def test_a_bad_value_is_refused_naming_file_and_element(sessions, office, clock, kind):
    actor, today = office
    elements, element, words = BAD_VALUES[kind]
    data = edited(FIXTURE.read_bytes(), **elements)
    planned = plan_of(sessions, [("张伟.lrmx", data)], today)
    message = planned.files[0].errors[element]
    assert message.startswith(f"张伟.lrmx：元素 <{element}>") and words in message, message
    before = counts(sessions)
    with pytest.raises(InvalidData), sessions.begin() as session:
        lrmx_import.apply(session, actor, clock.now(), lrmx_import.plan(session, [("张伟.lrmx", data)], today))
    assert counts(sessions) == before


def test_the_same_file_twice_or_one_person_twice_is_refused(sessions, office):
    _actor, today = office
    data = FIXTURE.read_bytes()
    planned = plan_of(sessions, [("a.lrmx", data), ("b.lrmx", data), ("c.lrmx", edited(data, MinZu="回族"))], today)
    assert "与 a.lrmx 是同一个文件" in planned.files[1].errors["file"]
    assert "与 a.lrmx 相同" in planned.files[2].errors["ShenFenZheng"]


def test_a_change_to_the_registry_after_the_preview_is_refused(sessions, office, clock):
    actor, today = office
    with sessions() as session:
        data = edited(exported(session, "QP0003", today), JiGuan="浙江嘉兴")
        cadre_id = find_cadre(session, "QP0003").id
    planned = plan_of(sessions, [("a.lrmx", data)], today)
    with sessions.begin() as session:
        update_personal(session, actor, clock.now(), cadre_id, {"health": "良好"})
    before = counts(sessions)
    with pytest.raises(Conflict), sessions.begin() as session:
        lrmx_import.apply(session, actor, clock.now(), planned)
    assert counts(sessions) == before


def test_new_staff_numbers_follow_the_registry_and_only_editors_import(sessions, office, clock, engine):
    actor, today = office
    with sessions() as session:
        assert lrmx_import.next_staff_numbers(session, 2) == ["QP0081", "QP0082"]
    auditor = make_actor(sessions, "zhouting", "auditor")
    planned = plan_of(sessions, [("a.lrmx", FIXTURE.read_bytes())], today)
    with pytest.raises(Forbidden), sessions.begin() as session:
        lrmx_import.apply(session, auditor, clock.now(), planned)


def test_an_empty_registry_numbers_from_c0001(sessions, clock):
    with sessions() as session:
        assert lrmx_import.next_staff_numbers(session, 1) == ["C0001"]


def test_an_imported_current_post_is_printed_until_an_appointment_replaces_it(sessions, office, clock):
    """The written 现任职务 wins on the form (it did not: the open post was printed) and dies with that post."""
    actor, today = office
    with sessions() as session:
        data = exported(session, "QP0012", today)
    written = edited(data, XianRenZhiWu="青浦区数据局办公室副科长（主持工作）")
    imported(sessions, actor, clock, [("QP0012.lrmx", written)])
    with sessions() as session:
        assert lrmx.read(exported(session, "QP0012", today), "again.lrmx").current_post == \
            "青浦区数据局办公室副科长（主持工作）"
    with sessions.begin() as session:
        cadre = find_cadre(session, "QP0012")
        edit.appoint(session, actor, clock.now(), cadre.id, {
            "section_id": cadre.current_post.section_id, "title": "科长", "level": "section_chief",
            "is_leadership": True, "start_date": today, "appointment_mode": "promotion"})
    with sessions() as session:
        cadre = find_cadre(session, "QP0012")
        assert cadre.post_text is None
        assert lrmx.read(exported(session, "QP0012", today), "after.lrmx").current_post.endswith("科长")
        assert "主持工作" not in lrmx.read(exported(session, "QP0012", today), "after.lrmx").current_post
