"""The ④/⑦ screening through the model functions, on records as the registry attaches them, with the motion's
任职条件; the two-argument calls of earlier models keep computing what they computed."""

import json
from datetime import date
from pathlib import Path

import pytest

from storage.models import Cadre
from storage.models import Post
from workflows.engine.expressions import RestrictedEnvironment
from workflows.errors import InvalidData
from workflows.forms.cadre_fields import attach_records
from workflows.forms.json_schema import validate

ROSTER = {"type": "object", "properties": {
    "roster": {"type": "array", "items": {"type": "string"}, "x-cadre": True, "title": "拟审查人员"}}}
REQUIREMENTS = "position_requirements(post_level, required_education, required_years_in_lower_level)"
# The lines the lead engineer writes into the ④ script task (⑦ reads inspection_candidates_records the same way).
SCRIPT = (f"eligible_candidates = eligible_staff_nos(roster_records, announced_on, {REQUIREMENTS})\n"
          f"exclusion_reasons = exclusion_notes(roster_records, announced_on, {REQUIREMENTS})\n"
          f"screening_checks = check_notes(roster_records, announced_on, {REQUIREMENTS})\n")
ON = "2026-03-02"
MOTION = Path(__file__).resolve().parents[2] / "bpmn" / "forms" / "selection_motion.json"


def person(staff_no: str, name: str, posts: list[tuple], education=("bachelor", None), investigated=False):
    """A cadre with a post history of (title, level, rank, start, end) rows."""
    cadre = Cadre(staff_no=staff_no, name=name, gender="male", birth_date=date(1988, 5, 1), ethnicity="汉族",
                  political_affiliation="cpc_member", staff_category="civil_servant", retirement_category="male",
                  ft_education_level=education[0], pt_education_level=education[1], under_investigation=investigated)
    cadre.posts = [Post(title=title, level=level, is_leadership=level is not None, civil_service_rank=rank,
                        start_date=start, same_post_start=start, decision_date=start, end_date=end,
                        appointment_mode="promotion" if level else "other") for title, level, rank, start, end in posts]
    return cadre


@pytest.fixture
def roster(sessions):
    deputy = ("副科长", "deputy_section_chief", "四级主任科员")
    with sessions.begin() as session:
        session.add_all([
            # Six months a deputy after years as 一级科员: too short for 正科, and only 大专.
            person("T001", "钱一", [("一级科员", None, "一级科员", date(2016, 7, 1), date(2025, 9, 1)),
                                   (*deputy, date(2025, 9, 1), None)], education=("college", None)),
            # Four years a deputy, 在职硕士: eligible, training to check.
            person("T002", "孙二", [("一级科员", None, "一级科员", date(2015, 7, 1), date(2022, 3, 1)),
                                   (*deputy, date(2022, 3, 1), None)], education=("college", "master")),
            person("T003", "李三", [(*deputy, date(2019, 3, 1), None)], investigated=True),
            # The registry's history begins with the deputy post nine months ago: the years are unknown.
            person("T004", "周四", [(*deputy, date(2025, 6, 1), None)]),
        ])
    with sessions() as session:
        return attach_records(session, ROSTER, {"roster": ["T001", "T002", "T003", "T004"]})["roster_records"]


def screen(records, post_level="section_chief", education=None, years=None) -> dict:
    data = {"roster_records": records, "announced_on": ON, "post_level": post_level,
            "required_education": education, "required_years_in_lower_level": years}
    RestrictedEnvironment().execute(SCRIPT, data)
    return data


def test_records_carry_education_and_the_post_history_small_and_in_order(sessions, roster):
    record = roster[0]
    assert (record["ft_education_level"], record["pt_education_level"]) == ("college", None)
    assert record["post_history"] == [
        {"title": "一级科员", "level": None, "rank": "一级科员", "start_date": "2016-07-01",
         "decision_date": "2016-07-01", "end_date": "2025-09-01"},
        {"title": "副科长", "level": "deputy_section_chief", "rank": "四级主任科员", "start_date": "2025-09-01",
         "decision_date": "2025-09-01", "end_date": None}]
    with sessions() as session:
        again = attach_records(session, ROSTER, {"roster": ["T001", "T002", "T003", "T004"]})["roster_records"]
    assert json.dumps(again, ensure_ascii=False) == json.dumps(roster, ensure_ascii=False)


def test_the_screening_excludes_by_the_registry_and_names_the_reasons(roster):
    data = screen(roster, education="bachelor")
    assert data["eligible_candidates"] == ["T002", "T004"]
    first, third = data["exclusion_reasons"]
    assert first.startswith("钱一：") and "累计 6 个月" in first and "最高学历为大专" in first
    assert third.startswith("李三：") and "正在接受审查调查" in third
    checks = data["screening_checks"]
    assert [line.split("（")[0] for line in checks] == ["孙二", "周四"]
    assert "须人工核实任职年限" in checks[1] and all("没有培训记录" in line for line in checks)


def test_blank_motion_fields_use_the_national_years_and_no_education_minimum(roster):
    data = screen(roster)
    assert data["eligible_candidates"] == ["T002", "T004"]
    assert "最高学历" not in data["exclusion_reasons"][0]
    # A 副科 post needs three years at 一级科员 or above: 钱一 has nine.
    assert screen(roster, post_level="deputy_section_chief")["eligible_candidates"] == ["T001", "T002", "T004"]


def test_the_motions_years_replace_the_national_ones(roster):
    assert screen(roster, years=5)["eligible_candidates"] == ["T004"]
    assert "属突破任职资格" in " ".join(screen(roster, years=0)["screening_checks"])


def test_two_argument_calls_of_earlier_models_compute_what_they_computed(roster):
    env = RestrictedEnvironment()
    context = {"records": roster, "on": ON}
    # Before this change only the grade and the sanction impact were read: the investigation and the 任职资格
    # are not, so replaying a case on an earlier model reproduces its record.
    assert env.evaluate("eligible_staff_nos(records, on)", context) == ["T001", "T002", "T003", "T004"]
    assert env.evaluate("exclusion_notes(records, on)", context) == []


def test_records_attached_before_the_history_was_kept_are_noted_not_excluded(roster):
    older = [{key: value for key, value in record.items() if key not in ("post_history", "ft_education_level",
                                                                          "pt_education_level")}
             for record in roster]
    data = screen(older, education="bachelor")
    assert data["eligible_candidates"] == ["T001", "T002", "T004"]
    assert all("没有任职经历记录" in line and "须人工核实学历" in line for line in data["screening_checks"])


def test_a_bad_requirement_from_a_model_is_refused_in_chinese(roster):
    with pytest.raises(ValueError, match="最低学历要求"):
        screen(roster, education="primary")


def test_the_motion_form_takes_the_structured_conditions_and_open_selection():
    schema = json.loads(MOTION.read_text(encoding="utf-8"))
    motion = {"position_conditions": "大学本科以上", "recommendation_scope": "局机关全体", "method": "open_selection",
              "procedure_plan": "九月完成", "needs_upper_report": False}
    assert validate(schema, {**motion, "required_education": "bachelor", "required_years_in_lower_level": 2})
    assert validate(schema, motion)  # both optional: blank means the national rule / no minimum
    with pytest.raises(InvalidData) as refused:
        validate(schema, {**motion, "required_education": "other", "required_years_in_lower_level": 11})
    assert refused.value.errors == {
        "required_education": "「最低学历要求」只能是：博士研究生、硕士研究生、大学本科、大专、中专",
        "required_years_in_lower_level": "「下一级职务层次任职年限（年）」不能大于 10"}
