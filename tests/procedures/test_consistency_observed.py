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
    run.do("interview_recommendation", steps.interview(run.data()["eligible_candidates"], ("QP0003", "QP0010")))
    return run


def test_more_votes_for_a_candidate_than_valid_ballots_is_refused(bureau):
    run = to_recommendation_meeting(bureau)
    meeting = steps.recommendation(25)  # 12 valid ballots from the category 其他
    meeting["tally"][0]["votes_other"] = 30
    with pytest.raises(InvalidData) as refused:
        run.do("meeting_recommendation", meeting)
    message = refused.value.errors["tally.0.votes_other"]
    assert message.startswith("「崔英」") and "不得多于该类有效票数（12）" in message
    assert run.pending() == ["meeting_recommendation"]  # nothing half-saved: the task is still open
    # Nor can the three categories hold more valid ballots than were returned.
    with pytest.raises(InvalidData) as refused:
        run.do("meeting_recommendation", {**steps.recommendation(25), "valid_other": 30})
    assert "不得多于收回票数" in refused.value.errors["valid_other"]
    run.do("meeting_recommendation", steps.recommendation(25))
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
