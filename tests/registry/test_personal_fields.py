"""The form's personal fields: identity number (check digit, date, unique, agreeing with the record), texts,
awards, the photo; each change checked, refused whole, on record; 奖惩情况 and 年度考核 made from the rows."""

import hashlib
import io
import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AnnualAssessment
from storage.models import AuditEvent
from storage.models import Award
from storage.models import Cadre
from storage.models import CadrePhoto
from storage.models import Sanction
from tests.registry.sheets import import_file
from tests.registry.sheets import person
from tests.registry.sheets import table
from tests.registry.sheets import workbook
from tests.registry.test_registry_edit import ACTOR
from tests.registry.test_registry_edit import build
from workflows.actors import Actor
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.registry import awards
from workflows.registry import edit
from workflows.registry import personal
from workflows.registry import personal_edit
from workflows.registry import photo as photos
from workflows.registry.identity_no import check_character
from workflows.registry.personal_checks import check_personal
from workflows.registry.workbook.sheets import CADRES

AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
AUDITOR = Actor(None, "auditor", frozenset({"auditor"}), "auditor")


def number(birth: str = "19850301", sequence: str = "001", area: str = "310118") -> str:
    """A valid identity number (sequence odd: a man)."""
    first = area + birth + sequence
    return first + check_character(first)


def image(kind: str = "PNG", size: tuple[int, int] = (120, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, kind)
    return out.getvalue()


def events(sessions, prefix: str = "registry.") -> list[tuple[str, dict]]:
    with sessions() as session:
        return [(e.type, json.loads(e.payload)) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.type.startswith(prefix)).order_by(AuditEvent.seq))]


def test_valid_numbers_are_built_right():
    assert number() == "310118198503010015" and check_personal({"identity_no": number()}) == {}
    assert check_personal({"identity_no": "11010519491231002X"}) == {}  # the standard's own example


@pytest.mark.parametrize(("value", "expected"), [
    ("310118198503010010", "公民身份号码校验位不符：应为 5"),
    ("31011819850301001", "须为 18 位"),
    ("310118198502300015", "第 7–14 位不是有效的出生日期：19850230"),
])
def test_a_bad_identity_number_is_named(value, expected):
    assert expected in check_personal({"identity_no": value})["identity_no"]


def test_the_number_must_agree_with_the_record_s_birth_date_and_sex(sessions):
    ids = build(sessions)
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {
            "identity_no": number("19850302"), "native_place": "上海青浦"})
    assert refused.value.errors == {
        "identity_no": "公民身份号码中的出生日期 1985-03-02 与登记的出生日期 1985-03-01 不一致"}
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {"identity_no": number(sequence="002")})
    assert refused.value.errors["identity_no"] == "公民身份号码第 17 位表示性别为女，与登记的性别男不一致"
    with sessions() as session:  # nothing half-saved: the 籍贯 of the refused edit is not there
        assert session.get(Cadre, ids["QP0001"]).native_place is None
    assert events(sessions) == []


def test_personal_fields_are_saved_normalised_and_on_record(sessions):
    ids = build(sessions)
    lower_x = number()[:17] + number()[17].lower()
    with sessions.begin() as session:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {
            "identity_no": f" {lower_x} ", "native_place": "上海青浦", "birthplace": "江苏苏州", "health": "健康",
            "professional_title": "工程师", "expertise": "数据治理", "pt_school": "", "rewards_text": "  "})
    with sessions() as session:
        cadre = session.get(Cadre, ids["QP0001"])
        assert (cadre.identity_no, cadre.native_place, cadre.health, cadre.pt_school, cadre.rewards_text) == (
            number(), "上海青浦", "健康", None, None)
    [(kind, payload)] = events(sessions)
    assert kind == "registry.personal_updated" and payload["cadre"] == "QP0001"
    assert payload["changes"]["identity_no"] == [None, number()[:6] + "********" + number()[-4:]]
    assert payload["changes"]["native_place"] == [None, "上海青浦"] and "pt_school" not in payload["changes"]
    with sessions.begin() as session:  # the same again changes nothing and records nothing
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {"native_place": "上海青浦"})
    assert len(events(sessions)) == 1


def test_a_duplicate_identity_number_names_the_other_cadre(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {"identity_no": number()})
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0003"], {"identity_no": number()})
    assert refused.value.errors["identity_no"] == f"公民身份号码 {number()} 已登记在干部 QP0001（张三）名下"


def test_too_long_fields_are_named():
    errors = check_personal({"native_place": "籍" * 61, "rewards_text": "奖" * 2001})
    assert errors == {"native_place": "「籍贯」最多 60 个字符，收到 61 个",
                      "rewards_text": "「奖惩情况」最多 2000 个字符，收到 2001 个"}


def test_only_the_office_and_admins_edit(sessions):
    ids = build(sessions)
    for change in (lambda s: personal_edit.update_personal(s, AUDITOR, AT, ids["QP0001"], {"health": "健康"}),
                   lambda s: photos.set_photo(s, AUDITOR, AT, ids["QP0001"], image()),
                   lambda s: awards.add_award(s, AUDITOR, AT, ids["QP0001"], {})):
        with sessions.begin() as session, pytest.raises(Forbidden):
            change(session)


def test_rewards_are_made_from_awards_and_sanctions_unless_written(sessions):
    ids = build(sessions)
    with sessions() as session:
        assert personal.rewards_text(session, session.get(Cadre, ids["QP0001"])) == "无"
    with sessions.begin() as session:
        awards.add_award(session, ACTOR, AT, ids["QP0001"], {
            "awarded_on": date(2021, 12, 20), "title": "记三等功", "granted_by": "青浦区人民政府"})
        awards.add_award(session, ACTOR, AT, ids["QP0001"], {"awarded_on": date(2019, 6, 28), "title": "优秀共产党员"})
        session.add(Sanction(cadre_id=ids["QP0001"], kind="诫勉", decided_on=date(2024, 1, 15)))
    with sessions() as session:
        assert personal.rewards_text(session, session.get(Cadre, ids["QP0001"])) == (
            "优秀共产党员（2019.06）；记三等功（青浦区人民政府，2021.12）；诫勉（2024.01）。")
    with sessions.begin() as session:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {"rewards_text": "2020年获嘉奖。"})
    with sessions() as session:
        assert personal.rewards_text(session, session.get(Cadre, ids["QP0001"])) == "2020年获嘉奖。"
    assert [kind for kind, _ in events(sessions)] == [
        "registry.award_added", "registry.award_added", "registry.personal_updated"]


def test_award_fields_are_checked_and_corrections_recorded(sessions):
    ids = build(sessions)
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        awards.add_award(session, ACTOR, AT, ids["QP0001"], {"awarded_on": date(2027, 1, 1), "title": " ",
                                                             "granted_by": "单" * 121})
    assert refused.value.errors == {"awarded_on": "「获奖日期」应在 1950-01-01 到今天之间",
                                    "title": "「奖励名称」为必填项",
                                    "granted_by": "「授予单位」最多 120 个字符，收到 121 个"}
    with sessions.begin() as session:
        award_id = awards.add_award(session, ACTOR, AT, ids["QP0001"], {
            "awarded_on": date(2021, 12, 20), "title": "嘉奖"}).id
    with sessions.begin() as session:
        awards.update_award(session, ACTOR, AT, ids["QP0001"], award_id, {
            "awarded_on": date(2021, 12, 20), "title": "记三等功"})
    with sessions.begin() as session, pytest.raises(NotFound):
        awards.delete_award(session, ACTOR, AT, ids["QP0002"], award_id)  # not that cadre's award
    with sessions.begin() as session:
        awards.delete_award(session, ACTOR, AT, ids["QP0001"], award_id)
    kinds = events(sessions)
    assert [kind for kind, _ in kinds] == ["registry.award_added", "registry.award_updated", "registry.award_deleted"]
    assert kinds[1][1]["before"]["title"] == "嘉奖" and kinds[2][1]["title"] == "记三等功"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Award)) == 0


def test_assessments_are_the_three_years_before_the_form_s_year(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        for year, grade in ((2021, "excellent"), (2023, "competent"), (2024, "excellent"), (2025, "not_graded")):
            session.add(AnnualAssessment(cadre_id=ids["QP0001"], year=year, grade=grade, scheme="civil_servant"))
    with sessions() as session:
        cadre = session.get(Cadre, ids["QP0001"])
        assert personal.assessment_text(session, cadre, 2026) == (
            "2023年度考核称职；2024年度考核优秀；2025年度考核不定等次。")
        assert personal.assessment_text(session, cadre, 2025) == "2023年度考核称职；2024年度考核优秀。"
        assert personal.assessment_text(session, cadre, 2021) == ""
    with sessions.begin() as session:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {"assessment_text": "近三年均称职。"})
    with sessions() as session:
        assert personal.assessment_text(session, session.get(Cadre, ids["QP0001"]), 2026) == "近三年均称职。"


@pytest.mark.parametrize(("data", "expected"), [
    (b"GIF89a" + b"\0" * 100, "照片只能是 JPEG 或 PNG 格式的图片"),
    (b"%PDF-1.7 not an image", "照片只能是 JPEG 或 PNG 格式的图片"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "照片文件已损坏或不是有效的 PNG 图片"),
    (b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024), "照片文件大小为 2049 KB，超过上限 2048 KB"),
    (b"", "请选择照片文件"),
])
def test_a_photo_that_is_not_a_small_jpeg_or_png_is_refused(sessions, data, expected):
    ids = build(sessions)
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        photos.set_photo(session, ACTOR, AT, ids["QP0001"], data)
    assert refused.value.errors == {"photo": expected}


def test_a_tiny_or_huge_picture_is_refused():
    assert photos.problem(image(size=(20, 30))) == "照片尺寸为 20×30 像素，宽和高都应在 60 到 6000 像素之间"
    assert "6001×100" in photos.problem(image(size=(6001, 100)))


def test_a_png_or_jpeg_photo_is_stored_with_its_hash_and_replaced(sessions):
    ids = build(sessions)
    png, jpeg = image("PNG"), image("JPEG")
    with sessions.begin() as session:
        photos.set_photo(session, ACTOR, AT, ids["QP0001"], png)
    with sessions.begin() as session:
        photos.set_photo(session, ACTOR, AT, ids["QP0001"], jpeg)
    with sessions() as session:
        stored = personal.photo(session, session.get(Cadre, ids["QP0001"]))
        assert (stored.media_type, stored.size, stored.content) == ("image/jpeg", len(jpeg), jpeg)
        assert session.scalar(select(func.count()).select_from(CadrePhoto)) == 1
    with sessions.begin() as session:
        photos.remove_photo(session, ACTOR, AT, ids["QP0001"])
    kinds = events(sessions)
    assert [kind for kind, _ in kinds] == ["registry.photo_set", "registry.photo_set", "registry.photo_removed"]
    assert kinds[1][1]["sha256"] == hashlib.sha256(jpeg).hexdigest()
    assert kinds[1][1]["previous_sha256"] == hashlib.sha256(png).hexdigest()
    assert all("content" not in payload and len(json.dumps(payload)) < 400 for _kind, payload in kinds)
    with sessions() as session:
        assert personal.photo(session, session.get(Cadre, ids["QP0001"])) is None


def test_each_view_is_recorded(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        personal.record_view(session, AUDITOR, AT, session.get(Cadre, ids["QP0001"]).staff_no, "approval_form_pdf")
    assert events(sessions) == [("registry.form_viewed", {"cadre": "QP0001", "what": "approval_form_pdf"})]


def test_a_later_birth_date_or_sex_must_agree_with_the_stored_number(sessions):
    """The number was checked only when it was typed: a later edit of the birth date or sex slipped past it."""
    ids = build(sessions)
    with sessions.begin() as session:
        personal_edit.update_personal(session, ACTOR, AT, ids["QP0001"], {"identity_no": number()})
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        edit.update_person(session, ACTOR, AT, ids["QP0001"], {"birth_date": date(1985, 3, 2)})
    assert refused.value.errors == {
        "birth_date": "公民身份号码中的出生日期 1985-03-01 与登记的出生日期 1985-03-02 不一致"}
    with sessions.begin() as session, pytest.raises(InvalidData) as refused:
        edit.update_person(session, ACTOR, AT, ids["QP0001"], {"gender": "female"})
    assert list(refused.value.errors) == ["gender"]
    with sessions() as session:
        assert session.get(Cadre, ids["QP0001"]).birth_date == date(1985, 3, 1)
    # A workbook without the number column keeps the stored number, so its birth date is held to it too.
    data = workbook({CADRES.name: table(CADRES, person("QP0001", "张三", {"出生日期": "1985-03-02"}),
                                        drop=("公民身份号码",))})
    with pytest.raises(InvalidData) as refused:
        import_file(sessions, data)
    assert [(error.column, error.reason) for error in refused.value.cell_errors if error.column == "出生日期"] == [
        ("出生日期", "号码中的出生日期 1985-03-01 与「出生日期」1985-03-02 不一致")]
