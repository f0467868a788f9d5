"""Editing the registry by hand (checked, all or nothing, on record) and reading it back: search and age."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from storage.models import AnnualAssessment
from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from storage.models import Unit
from workflows.actors import Actor
from workflows.errors import InvalidData
from workflows.registry import cadre_records
from workflows.registry import edit
from workflows.registry.demo import seed_registry
from workflows.rules.dates import full_years

AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
ACTOR = Actor(None, "tester", frozenset({"personnel_office"}), "personnel_office")
LEVELS = {"科长": "section_chief", "副科长": "deputy_section_chief"}
# staff_no, name, gender, section, title, active
PEOPLE = [
    ("QP0001", "张三", "male", "S1", "科长", True), ("QP0002", "李四", "female", "S1", "副科长", True),
    ("QP0003", "王五", "male", "S1", "一级主任科员", True), ("QP0004", "张伟", "female", "S2", "科长", True),
    ("QP0005", "张旧", "male", "S1", "副科长", False),
]


def build(sessions) -> dict[str, int]:
    """Two sections and PEOPLE, each in post since 2020-03-01 (same post since 2018-03-01); ids by staff_no."""
    with sessions.begin() as session:
        unit = Unit(code="U1", name="测试局")
        sections = {code: Section(unit=unit, code=code, name=f"{code}科") for code in ("S1", "S2")}
        for staff_no, name, gender, section, title, active in PEOPLE:
            cadre = Cadre(staff_no=staff_no, name=name, gender=gender, birth_date=date(1985, 3, 1), ethnicity="汉族",
                          political_affiliation="cpc_member", staff_category="civil_servant",
                          retirement_category="male" if gender == "male" else "female_cadre",
                          work_start_date=date(2007, 7, 1), active=active)
            cadre.posts = [Post(section=sections[section], title=title, level=LEVELS.get(title),
                                is_leadership=title in LEVELS, start_date=date(2020, 3, 1),
                                same_post_start=date(2018, 3, 1), appointment_mode="promotion")]
            session.add(cadre)
        session.flush()
        ids = dict(session.execute(select(Cadre.staff_no, Cadre.id)).all())
        ids.update({code: section.id for code, section in sections.items()})
        return ids


def events(sessions) -> list[tuple[str, dict]]:
    with sessions() as session:
        return [(e.type, json.loads(e.payload)) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def refused(sessions, change, *args) -> InvalidData:
    """Run ``change`` expecting InvalidData; check nothing was written, not even to the session."""
    with sessions() as session:
        with pytest.raises(InvalidData) as raised:
            change(session, ACTOR, AT, *args)
        assert not session.new and not session.dirty
    assert events(sessions) == []
    return raised.value


def test_update_person_changes_only_what_differs_and_records_old_and_new(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        edit.update_person(session, ACTOR, AT, ids["QP0001"], {
            "name": "张叁", "ethnicity": "汉族", "work_start_date": date(2007, 8, 1), "under_investigation": True})
    with sessions() as session:
        cadre = session.get(Cadre, ids["QP0001"])
        assert (cadre.name, cadre.work_start_date, cadre.under_investigation) == ("张叁", date(2007, 8, 1), True)
    assert events(sessions) == [("registry.updated", {"cadre": "QP0001", "changes": {
        "name": ["张三", "张叁"], "work_start_date": ["2007-07-01", "2007-08-01"],
        "under_investigation": [False, True]}})]


def test_an_update_that_changes_nothing_is_not_recorded(sessions):
    ids = build(sessions)
    with sessions.begin() as session:
        edit.update_person(session, ACTOR, AT, ids["QP0001"], {"name": "张三", "gender": "male"})
    assert events(sessions) == []


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"name": ""}, "name", "「姓名」为必填项"),
    ({"gender": "M"}, "gender", "「性别」只能是：男、女"),
    ({"birth_date": date(2011, 1, 1), "work_start_date": None}, "birth_date",
     "「出生日期」不合理：年龄应在 16 到 70 岁之间"),
    ({"work_start_date": date(1984, 12, 31)}, "work_start_date", "「参加工作时间」不能早于出生日期"),
], ids=["no-name", "unknown-gender", "under-16", "work-before-birth"])
def test_a_bad_field_is_named_in_chinese_and_nothing_is_written(sessions, values, field, message):
    ids = build(sessions)
    error = refused(sessions, edit.update_person, ids["QP0001"], values)
    assert error.errors == {field: message}
    assert error.message == f"干部信息有误：{message}"
    with sessions() as session:
        cadre = session.get(Cadre, ids["QP0001"])
        assert (cadre.name, cadre.gender, cadre.birth_date, cadre.work_start_date) == (
            "张三", "male", date(1985, 3, 1), date(2007, 7, 1))


def test_every_bad_field_is_listed_at_once(sessions):
    ids = build(sessions)
    error = refused(sessions, edit.update_person, ids["QP0001"], {"name": None, "gender": "x"})
    assert set(error.errors) == {"name", "gender"}


@pytest.mark.parametrize(("birth", "accepted"), [
    (date(2010, 11, 22), True), (date(2010, 11, 23), False), (date(1955, 11, 23), True), (date(1955, 11, 22), False),
], ids=["16-today", "16-tomorrow", "70", "71-today"])
def test_the_age_limits_count_full_years_on_the_day_of_the_change(sessions, birth, accepted):
    ids = build(sessions)
    values = {"birth_date": birth, "work_start_date": None}
    assert (16 <= cadre_records.age_on(birth, AT.date()) <= 70) == accepted
    if accepted:
        with sessions.begin() as session:
            edit.update_person(session, ACTOR, AT, ids["QP0001"], values)
    else:
        assert "birth_date" in refused(sessions, edit.update_person, ids["QP0001"], values).errors


def test_today_is_the_day_in_beijing_not_the_utc_day(sessions):
    # 2026-11-22 23:30 UTC is 2026-11-23 07:30 in Shanghai: joining the party "today" is not in the future.
    ids = build(sessions)
    early_morning = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    with sessions.begin() as session:
        edit.update_person(session, ACTOR, early_morning, ids["QP0001"],
                                    {"party_join_date": date(2026, 11, 23)})
    assert events(sessions)[0][1]["changes"] == {"party_join_date": [None, "2026-11-23"]}


@pytest.mark.parametrize(("section", "title", "same_post_start"), [
    ("S1", "科长", date(2018, 3, 1)), ("S2", "科长", date(2026, 4, 1)), ("S1", "副科长", date(2026, 4, 1)),
], ids=["same-post", "other-section", "other-title"])
def test_appoint_closes_the_open_post_and_keeps_the_same_post_start_only_for_the_same_post(
        sessions, section, title, same_post_start):
    ids = build(sessions)
    with sessions.begin() as session:
        edit.appoint(session, ACTOR, AT, ids["QP0001"], {
            "section_id": ids[section], "title": title, "level": LEVELS[title], "is_leadership": True,
            "start_date": date(2026, 4, 1), "appointment_mode": "transfer"})
    with sessions() as session:
        old, new = cadre_records.get_cadre(session, ids["QP0001"]).posts
        assert (old.end_date, old.end_reason) == (date(2026, 4, 1), f"改任{title}")
        assert (new.section_id, new.title, new.start_date, new.decision_date, new.end_date) == (
            ids[section], title, date(2026, 4, 1), date(2026, 4, 1), None)
        assert new.same_post_start == same_post_start
        assert cadre_records.get_cadre(session, ids["QP0001"]).current_post.id == new.id
    assert events(sessions) == [("registry.appointed", {
        "cadre": "QP0001", "title": title, "section_id": ids[section], "start_date": "2026-04-01",
        "appointment_mode": "transfer"})]


@pytest.mark.parametrize("start", [date(2020, 3, 1), date(2019, 6, 1)], ids=["same-day", "earlier"])
def test_appoint_refuses_a_start_not_after_the_current_post(sessions, start):
    ids = build(sessions)
    error = refused(sessions, edit.appoint, ids["QP0001"], {
        "section_id": ids["S2"], "title": "科长", "start_date": start, "appointment_mode": "transfer"})
    assert error.errors == {"start_date": "「任现职日期」应晚于现任职务的起始日期 2020-03-01"}
    with sessions() as session:
        posts = cadre_records.get_cadre(session, ids["QP0001"]).posts
        assert [(p.title, p.end_date) for p in posts] == [("科长", None)]


def test_record_assessment_corrects_a_year_in_place_and_records_the_previous_grade(sessions):
    ids = build(sessions)
    for grade in ("excellent", "competent"):
        with sessions.begin() as session:
            edit.record_assessment(session, ACTOR, AT, ids["QP0002"], 2025, grade)
    with sessions() as session:
        assert session.execute(select(AnnualAssessment.year, AnnualAssessment.grade)).all() == [(2025, "competent")]
    assert [payload["previous"] for _type, payload in events(sessions)] == [None, "excellent"]
    assert events(sessions)[1] == ("registry.assessed", {
        "cadre": "QP0002", "year": 2025, "grade": "competent", "previous": "excellent"})


def test_record_assessment_refuses_a_future_year_and_an_unknown_grade(sessions):
    ids = build(sessions)
    error = refused(sessions, edit.record_assessment, ids["QP0002"], 2027, "good")
    assert set(error.errors) == {"year", "grade"}


def test_record_sanction_refuses_an_impact_period_ending_before_the_decision(sessions):
    ids = build(sessions)
    error = refused(sessions, edit.record_sanction, ids["QP0002"], "诫勉", date(2026, 1, 15),
                    date(2026, 1, 14))
    assert error.errors == {"impact_until": "「影响期至」不能早于决定日期"}
    with sessions.begin() as session:
        edit.record_sanction(session, ACTOR, AT, ids["QP0002"], "诫勉", date(2026, 1, 15), date(2026, 1, 15))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Sanction)) == 1
    assert [kind for kind, _payload in events(sessions)] == ["registry.sanctioned"]


def names(sessions, page: int = 1, **wanted) -> tuple[list[str], int]:
    with sessions() as session:
        rows, total = cadre_records.search(session, cadre_records.CadreFilter(**wanted), page)
        return [row.name for row in rows], total


def test_search_filters_by_text_section_level_gender_and_leadership(sessions):
    ids = build(sessions)
    assert names(sessions) == (["张三", "张伟", "李四", "王五"], 4)  # active only, ordered by name
    assert names(sessions, text=" 张 ") == (["张三", "张伟"], 2)
    assert names(sessions, text="QP0002") == (["李四"], 1)
    assert names(sessions, section_id=ids["S1"]) == (["张三", "李四", "王五"], 3)
    assert names(sessions, level="section_chief") == (["张三", "张伟"], 2)
    assert names(sessions, gender="female") == (["张伟", "李四"], 2)
    assert names(sessions, leadership=False) == (["王五"], 1)
    assert names(sessions, section_id=ids["S1"], gender="male", leadership=True) == (["张三"], 1)
    assert names(sessions, text="张", active=None) == (["张三", "张伟", "张旧"], 3)


def test_search_finds_a_staff_number_typed_in_lower_case_on_every_backend(sessions):
    build(sessions)
    assert names(sessions, text="qp0002") == (["李四"], 1)


def test_search_pages_through_the_registry_page_size_at_a_time(sessions):
    with sessions.begin() as session:
        seed_registry(session, AT.date())
    with sessions() as session:
        pages = [cadre_records.search(session, cadre_records.CadreFilter(), page) for page in (0, 1, 2, 3)]
        active = set(session.scalars(select(Cadre.staff_no).where(Cadre.active.is_(True))))
    size = cadre_records.PAGE_SIZE
    assert [(len(rows), total) for rows, total in pages] == [(size, 80), (size, 80), (80 - size, 80), (0, 80)]
    assert [c.id for c in pages[0][0]] == [c.id for c in pages[1][0]]  # page 0 is the first page
    assert {c.staff_no for c in pages[1][0]} | {c.staff_no for c in pages[2][0]} == active


@pytest.mark.parametrize(("birth", "on", "age"), [
    (date(1986, 11, 22), date(2026, 11, 22), 40), (date(1986, 11, 23), date(2026, 11, 22), 39),
    (date(1984, 2, 29), date(2024, 2, 29), 40), (date(1984, 2, 29), date(2024, 2, 28), 39),
    (date(1984, 2, 29), date(2025, 3, 1), 41),
], ids=["birthday-today", "birthday-tomorrow", "29-feb-leap", "28-feb-leap", "1-mar-common"])
def test_age_on_counts_full_years(birth, on, age):
    assert cadre_records.age_on(birth, on) == age


def test_the_age_pages_show_is_the_age_the_rules_count_for_29_february_births():
    # The structure rule counts "40岁及以下" with rules.dates.full_years (a 29 February birthday falls on
    # 28 February in a common year); the registry pages show cadre_records.age_on. They must agree every day.
    birth = date(1984, 2, 29)
    for offset in range(5 * 366):
        on = date(2024, 1, 1) + timedelta(days=offset)
        assert cadre_records.age_on(birth, on) == full_years(birth, on), on
