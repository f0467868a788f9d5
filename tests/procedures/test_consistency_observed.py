"""The two impossible submissions seen on the selection, refused by the command layer with the field named."""

import pytest

from tests.procedures import selection_steps as steps
from workflows.errors import InvalidData

MODELS = ["cadre_selection.bpmn"]


def to_recommendation_meeting(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    run.do("work_plan", steps.WORK_PLAN)
    run.do("eligibility_screening", steps.screening([*steps.ROSTER, "QP0003", "QP0010"]))
    run.do("interview_recommendation", {"talks_held": 20, "talk_summary": "谈话调研 20 人",
                                        "reference_list": ["QP0003", "QP0010"]})
    return run


def test_more_votes_for_a_candidate_than_valid_ballots_is_refused(bureau):
    run = to_recommendation_meeting(bureau)
    meeting = {**steps.recommendation(25), "ballots_valid": 24,
               "tally": [{"staff_no": "QP0003", "votes": 30}, {"staff_no": "QP0010", "votes": 4}]}
    with pytest.raises(InvalidData) as refused:
        run.do("meeting_recommendation", meeting)
    assert "得票情况" in refused.value.errors["tally"] and "有效票数" in refused.value.errors["tally"]
    assert run.pending() == ["meeting_recommendation"]  # nothing half-saved: the task is still open
    run.do("meeting_recommendation", {**meeting, "tally": [{"staff_no": "QP0003", "votes": 24},
                                                           {"staff_no": "QP0010", "votes": 4}]})
    assert run.pending() == ["determine_candidates"]


def test_an_inspection_notice_dated_before_the_choice_of_candidates_is_refused(bureau):
    run = to_recommendation_meeting(bureau)
    run.do("meeting_recommendation", steps.recommendation(25))
    steps.determine(run, day="2026-09-08")
    notice = {"notice_date": "2026-09-07", "notice_working_days": 1, "inspection_team": ["inspector", "organiser"],
              "hotline": "021-59700000", "notice_text": "预告"}
    with pytest.raises(InvalidData) as refused:
        run.do("inspection_notice", notice)
    assert "预告发布日期" in refused.value.errors["notice_date"]
    assert run.pending() == ["inspection_notice"] and not run.timers()
    run.do("inspection_notice", {**notice, "notice_date": "2026-09-08"})  # the same day is allowed
    assert run.pending() == [] and "notice_period" in run.timers()
