"""The selection per candidate: 差额, rows per candidate at each step, who leaves and why, kept on record."""

import re

import pytest

from storage.models import Case
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.diagram_checks import undrawn
from tests.procedures.diagram_checks import untidy_edges
from tests.procedures.driver import PACKAGED
from tests.procedures.test_selection import competitive
from tests.procedures.test_selection import everyone_leaves_at_the_checks
from tests.procedures.test_selection import lateral_appointment
from tests.procedures.test_selection import three_candidates
from tests.workflows.test_record_sheet import pdf_text
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.queries import candidate_view
from workflows.record import record_sheet
from workflows.record import verification

MODELS = ["cadre_selection.bpmn"]


def outcomes(run) -> dict[str, dict]:
    return {outcome["staff_no"]: outcome for outcome in run.data()["candidate_outcomes"]}


def test_three_candidates_one_leaves_at_inspection_one_is_not_chosen_one_is_appointed(bureau):
    run = three_candidates(bureau)
    data = run.data()
    assert data["inspection_ratio"] == "3:1"
    # ⑥: 25 valid ballots; each candidate's votes by category, their total and share, most votes first.
    assert data["recommendation_ranking"] == [
        {"staff_no": "QP0003", "votes": 23, "share": "92.0%"}, {"staff_no": "QP0010", "votes": 10, "share": "40.0%"},
        {"staff_no": "QP0018", "votes": 6, "share": "24.0%"}]
    left = outcomes(run)
    assert left["QP0003"]["step"] == "考察与凡提四必" and "不建议任用" in left["QP0003"]["reason"]
    assert "群众公认度不高" in left["QP0003"]["reason"]
    assert left["QP0010"]["outcome"] == "未确定为拟任人选"
    assert "QP0018" not in left and data["appointee"] == "QP0018"
    lines = {line.staff_no: line for line in candidate_view.lines(data)}
    assert [lines[no].status for no in steps.THREE] == ["退出人选", "未确定为拟任人选", "拟任人选"]
    assert lines["QP0003"].name == "崔英" and lines["QP0003"].votes == "23（92.0%）"
    assert run.replays()


def test_the_party_group_decides_the_inspection_candidates_with_two_thirds_present(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run, reference=steps.THREE)
    steps.determine(run, candidates=steps.THREE, present=steps.MEMBERS[:3])  # 4 of 7: below two thirds
    assert run.pending() == ["determine_candidates"]
    assert run.data()["study_meeting"]["quorum"] is False
    with pytest.raises(Forbidden):  # the secretary presides; a member cannot record the decision
        run.do("determine_candidates", {"study_date": "2026-09-09", "members_present": steps.MEMBERS[1:],
                                        "inspection_candidates": list(steps.THREE),
                                        "determination_reasons": "综合研究"}, by="member1")
    steps.determine(run, candidates=steps.THREE, day="2026-09-09")
    assert run.pending() == ["inspection_notice"] and run.data()["candidates"] == list(steps.THREE)


def test_one_inspection_candidate_for_one_post_is_refused_when_the_policy_wants_more(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    with pytest.raises(InvalidData) as refused:
        steps.determine(run, candidates=["QP0003"])
    assert "差额" in refused.value.errors["inspection_candidates"]
    # A candidate from outside the recommendation is refused too.
    with pytest.raises(InvalidData) as refused:
        steps.determine(run, candidates=["QP0003", "QP0018"])
    assert "推荐产生的人选" in refused.value.errors["inspection_candidates"]


def test_a_dossier_that_differs_from_the_registry_cannot_be_passed(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run)
    steps.determine(run)
    run.do("inspection_notice", {"notice_date": "2026-09-09", "notice_working_days": 1, "inspection_team": steps.TEAM,
                                 "hotline": "021-59700000", "notice_text": "预告"})
    run.wait_for("notice_period")
    rows = [steps.dossier_row(run, staff_no) for staff_no in run.data()["candidates"]]
    rows[0] = {**rows[0], "birth_date": "1980-01-01"}
    with pytest.raises(InvalidData) as refused:
        run.do("dossier_review", {"dossier_checks": rows})
    assert "出生日期（1980-01-01）与干部信息库不一致" in " ".join(refused.value.errors.values())
    assert run.pending().count("dossier_review") == 1  # nothing saved


def test_personal_matters_not_applicable_only_when_the_policy_exempts_section_level(bureau, clock):
    run = steps.to_checks(bureau)
    rows = [{"staff_no": staff_no, "personal_matters_result": "not_applicable"}
            for staff_no in run.data()["candidates"]]
    with pytest.raises(InvalidData):
        run.do("personal_matters_check", {"personal_matters_checks": rows})
    clock.at = START
    exempt = steps.replace(steps.DEFAULT_POLICY, version="exempt", personal_matters_for_section_level=False)
    run = steps.to_checks(bureau, policy=exempt)
    run.do("personal_matters_check", {"personal_matters_checks": rows})
    assert "personal_matters_check" not in run.pending()


def test_when_everyone_leaves_at_the_checks_the_party_group_picks_again_from_the_recommended(bureau):
    run = everyone_leaves_at_the_checks(bureau)
    assert run.data()["candidates"] == ["QP0018"]
    left = outcomes(run)
    assert {"QP0003", "QP0010"} <= set(left) and "信访举报" in left["QP0003"]["reason"]
    assert run.replays()


def test_competitive_selection_ranks_the_applicants_by_their_weighted_scores(bureau):
    run = competitive(bureau)
    data = run.data()
    assert [row["staff_no"] for row in data["exam_ranking"]] == list(steps.THREE)
    assert data["exam_ranking"][0] == {"staff_no": "QP0003", "written_score": 90, "interview_score": 85.5,
                                       "total": "87.30"}
    assert data["recommended"] == list(steps.THREE) and data["recommended_on"] == "2026-09-07"
    assert run.pending() == ["inspection_notice"]


def test_a_lateral_appointment_has_no_probation_and_a_promotion_has_one(bureau):
    run = lateral_appointment(bureau)
    assert run.ended_at() == "end_appointed_lateral" and run.data()["is_promotion"] is False
    assert run.timers() == {}


def test_the_record_sheet_lists_each_candidate_and_why_they_did_not_go_on(bureau, sessions, tmp_path):
    run = three_candidates(bureau)
    with sessions() as session:
        case = session.get(Case, run.id)
        text = pdf_text(record_sheet.render_pdf(session, case, verification.verify_case(session, case, set())),
                        tmp_path)
    squeezed = re.sub(r"\s", "", text)
    assert "人选情况" in squeezed and "群众公认度不高" in squeezed and "未确定为拟任人选" in squeezed
    assert "23（92.0%）" in squeezed and "孔浩俊（QP0018）" in squeezed


def test_the_new_steps_are_drawn_and_no_new_edge_runs_through_a_shape():
    model = PACKAGED / "cadre_selection.bpmn"
    assert undrawn(model) == []
    assert untidy_edges(model) == []  # issue 16 re-laid the model: no edge runs through a shape any more


def test_a_member_recused_from_the_study_must_have_attended_and_is_named_in_the_record(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    steps.to_candidates(run, reference=steps.THREE)
    study = {"study_date": "2026-09-08", "inspection_candidates": list(steps.THREE),
             "determination_reasons": "综合研究", "recusal_reason": "与考察对象有亲属关系"}
    with pytest.raises(InvalidData) as refused:
        run.do("determine_candidates", {**study, "members_present": steps.MEMBERS[:5], "recused": ["member6"]},
               by="secretary")
    assert "出席" in refused.value.errors["recused"]
    run.do("determine_candidates", {**study, "members_present": steps.MEMBERS, "recused": ["member6"]}, by="secretary")
    data = run.data()
    assert data["study_meeting"]["quorum"] is True and len(data["recused_names"]) == 1
    assert run.pending() == ["inspection_notice"]
