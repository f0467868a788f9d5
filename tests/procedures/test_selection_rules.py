"""What the selection model computes and refuses: publicity on the working-day calendar, the vote, the registry."""

from datetime import date

import pytest
from sqlalchemy import select

from storage.models import Cadre
from storage.models import Post
from tests.procedures import selection_steps as steps
from tests.procedures.conftest import START
from tests.procedures.driver import beijing
from tests.procedures.test_selection import suspended
from tests.procedures.test_selection import suspended_then_cleared
from workflows.errors import InvalidData
from workflows.processes.local_rules import set_calendar_override
from workflows.registry import cadre_records
from workflows.rules.policy import Policy

MODELS = ["cadre_selection.bpmn"]
APPROVE = {member: "approve" for member in steps.MEMBERS}


def test_publicity_over_national_day_ends_on_the_calendars_fifth_working_day(bureau):
    run = steps.to_vote(bureau)
    steps.vote(run, APPROVE)
    steps.publish(run, "2026-09-28")
    data = run.data()
    # 9-28, 9-29, 9-30, then the National Day holiday (10-1 to 10-7), then 10-8 and 10-9.
    assert (data["publicity_end"], data["publicity_provisional"]) == ("2026-10-09", False)
    assert data["calendar_version"].startswith("chinesecalendar ")
    assert run.timers() == {"publicity_period": beijing("2026-10-10 00:00")}
    bureau.run_timers(beijing("2026-10-09 23:59"))
    assert run.pending() == [] and run.timers()
    run.wait_for("publicity_period")
    assert run.pending() == ["appointment_notice"]


def test_a_policy_of_seven_days_and_a_local_closure_lengthen_the_publicity(bureau):
    with bureau.sessions.begin() as session:
        set_calendar_override(session, bureau.people["organiser"], bureau.clock.now(), date(2026, 10, 12), False,
                              "局机关搬迁闭馆")
    policy = Policy(version="青数-2026", publicity_working_days=7)
    run = steps.to_vote(bureau, policy)
    steps.vote(run, APPROVE)
    steps.publish(run, "2026-09-28")
    data = run.data()
    # Seven working days: 9-28, 9-29, 9-30, 10-8, 10-9, 10-10 (a make-up working Saturday), then 10-12 is
    # closed locally, so 10-13.
    assert data["policy"]["version"] == "青数-2026" and data["publicity_end"] == "2026-10-13"
    assert data["calendar_overrides"] == {"2026-10-12": False} and "本地调整 1 天" in data["calendar_version"]
    assert run.replays()


def test_a_complaint_mid_publicity_suspends_the_appointment(bureau):
    run = suspended(bureau)  # the complaint's check concluded on 2026-09-30
    assert run.pending() == ["suspension_review"]
    assert run.timers() == {"suspension_limit": beijing("2026-12-30 00:00")}


def test_a_recused_member_has_no_ballot_and_the_arithmetic_is_on_record(bureau):
    run = steps.to_vote(bureau, recused=["member6"])
    owners = {row.assignee_id for row in run.open_tasks()}
    people = bureau.people
    assert owners == {people[m].user_id for m in steps.MEMBERS[:5]}
    steps.vote(run, {"member1": "approve", "member2": "approve", "member3": "reject", "member4": "reject",
                     "member5": "defer"}, secretary="approve")
    data = run.data()
    assert (data["members_due"], data["members_present_count"], data["approve_votes"]) == (7, 7, 3)
    assert data["vote_passed"] is False
    # The recused member stays due and, having attended, present (2019 条例; domain §2 step 13).
    assert data["vote_arithmetic"] == ("应到 7 人，实到 7 人（含回避 1 人：member6） ≥ 7×2/3≈4.67，达到法定人数；"
                                       "同意 3 票 ≤ 7/2=3.5，未超过应到会成员半数，未通过")
    assert run.ended_at() == "end_not_passed"


def test_screening_keeps_the_registry_reasons_for_each_excluded_person(bureau):
    run = steps.start(bureau)
    steps.to_work_plan(run)
    run.do("work_plan", steps.WORK_PLAN)
    run.do("eligibility_screening", steps.screening())
    data = run.data()
    assert data["eligible_candidates"] == ["QP0003", "QP0010"]
    reasons = data["exclusion_reasons"]
    assert len(reasons) == 2 and any("基本称职" in r for r in reasons) and any("影响期未满" in r for r in reasons)


def test_meeting_form_refuses_impossible_attendance_naming_the_field(bureau):
    run = steps.to_vote(bureau, present=steps.MEMBERS[:3])  # no quorum: the meeting is held again
    version = run.case.version
    bad = [
        ({"members_due": 3}, "members_due", "不允许的字段"),
        ({"members_present": ["secretary", "member1"]}, "members_present", "书记本人"),
        ({"members_present": steps.MEMBERS[:4], "recused": ["member5"], "recusal_reason": "亲属"}, "recused",
         "须是出席的成员"),
        ({"members_present": ["member1", "inspector"]}, "members_present", "inspector"),
        ({"recused": ["member1"]}, "recusal_reason", "回避事由"),
    ]
    for change, field, words in bad:
        data = {"meeting_date": "2026-09-22", "vote_method": "oral", "members_present": steps.MEMBERS,
                "briefing": "介绍", **change}
        with pytest.raises(InvalidData) as refused:
            run.do("party_group_meeting", data, by="secretary")
        assert field in refused.value.errors and words in refused.value.errors[field]
    assert run.case.version == version and run.pending() == ["party_group_meeting"]


def test_the_appointment_and_the_confirmation_write_the_post_history(bureau, sessions):
    run = steps.to_vote(bureau)
    steps.vote(run, APPROVE)
    steps.publish(run)
    run.wait_for("publicity_period")
    with sessions() as session:
        former = cadre_records.find_cadre(session, "QP0003").current_post.title
    steps.appoint(run)
    with sessions() as session:
        post = cadre_records.find_cadre(session, "QP0003").current_post
        assert (post.title, post.level, post.decision_date, post.probation_end) == (
            "科长", "section_chief", date(2026, 9, 21), date(2027, 9, 21))
    assert run.timers() == {"probation_year": beijing("2027-09-21 00:00")}
    steps.probation(run, "confirmed")
    with sessions() as session:
        post = cadre_records.find_cadre(session, "QP0003").current_post
        assert (post.title, post.probation_result) == ("科长", "passed")
        assert post.section.code == "SJZY" and former == "副科长"


def test_a_failed_probation_returns_the_cadre_to_the_former_level(bureau, sessions):
    with sessions() as session:
        former = cadre_records.find_cadre(session, "QP0010").current_post.title
    run = suspended_then_cleared(bureau)
    assert run.ended_at() == "end_probation_failed"
    with sessions() as session:
        posts = list(session.scalars(select(Post).join(Cadre).where(Cadre.staff_no == "QP0010")
                                     .order_by(Post.start_date, Post.id)))
        assert [p.probation_result for p in posts[-2:]] == ["failed", None]
        assert (posts[-1].title, posts[-1].appointment_mode, posts[-1].start_date) == (
            former, "demotion", date(2027, 10, 28))


def test_a_selection_starts_from_a_post_of_the_registry(bureau):
    run = steps.start(bureau)
    case = run.case
    assert (case.title, case.subject) == ("科级干部选拔任用（十六步工作法）：数据资源科 科长", "SJZY 科长")
    with pytest.raises(InvalidData) as refused:
        bureau.start("cadre_selection", {**steps.POST, "post_section_code": "NOPE"})
    assert "NOPE" in refused.value.errors["post_section_code"]


def test_tasks_are_due_by_their_working_days_or_their_boundary_timer(bureau):
    run = steps.to_checks(bureau)  # the checks open on 2026-09-10; five working days count from the 11th
    due = {row.bpmn_id: row.due_at for row in run.open_tasks()}
    assert due["discipline_opinion"] == beijing("2026-09-18 00:00")
    assert due["organizational_inspection"] is None  # no deadline in the model
    bureau.clock.at = START  # a second case, from the same first day
    suspended_run = suspended(bureau)
    (row,) = suspended_run.open_tasks()
    assert row.due_at == beijing("2026-12-30 00:00")  # the three-month limit on its boundary
