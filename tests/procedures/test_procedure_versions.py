"""Rotation and second line: a case started on the models as they were before the 2026 review finishes on its
version (its forms, its registry effect) and replays; a case started after the new versions are deployed takes them."""

from datetime import date
from pathlib import Path

from tests.procedures import rotation_steps
from tests.procedures import second_line_steps
from tests.procedures.driver import PACKAGED
from tests.procedures.driver import beijing
from workflows.processes import deploy
from workflows.registry import cadre_records

MODELS: list[str] = []
START = beijing(rotation_steps.DAY_ONE)
# The models and forms as they were before this work (one candidate per selection, no early refusal, no key posts).
EARLIER = Path(__file__).resolve().parents[1] / "data" / "models_one_candidate"


def deployed(bureau, path: Path) -> int:
    with bureau.sessions.begin() as session:
        return deploy.deploy(session, deploy.bundle_from_paths([path]), bureau.people["organiser"],
                             bureau.clock.now())[0].version


def test_a_rotation_on_the_earlier_model_finishes_on_it_and_new_cases_take_the_new_one(bureau):
    assert deployed(bureau, EARLIER / "rotation_approval.bpmn") == 1
    old = rotation_steps.start(bureau, "QP0001")
    rotation_steps.approved(old, "SJYY", "科长")
    assert deployed(bureau, PACKAGED / "rotation_approval.bpmn") == 2
    # The earlier forms still govern the earlier case: a notice without the cadre's answer, a plain handover.
    rotation_steps.on(old, "2026-09-28 09:00")
    old.do("issue_notice", {**rotation_steps.NOTICE, "notice_date": "2026-09-28"})
    assert old.pending() == ["handover"]
    rotation_steps.on(old, "2026-10-14 09:00")
    old.do("handover", {"handover_date": "2026-10-14", "handover_record": "文件、账目、在办事项清单",
                        "received_by": rotation_steps.COLLEAGUE})
    old.do("filing", {"filed_on": "2026-10-14", "filing_materials": "轮岗方案、党组会议纪要、转任通知、交接清单"},
           by="district")
    case = old.case
    assert (case.spec.version, case.status, old.ended_at()) == (1, "completed", "end_rotated")
    assert old.replays()
    with bureau.sessions() as session:  # its registry effect as its model promised: from the handover
        post = cadre_records.find_cadre(session, "QP0001").current_post
        assert (post.section.code, post.start_date) == ("SJYY", date(2026, 10, 14))

    new = rotation_steps.start(bureau, "QP0057")
    assert new.case.spec.version == 2
    rotation_steps.approved(new, "JCFW", "科长")
    rotation_steps.refuse_at_notice(new, "2026-09-28")  # the new version's early refusal
    assert new.pending() == ["criticism_education"] and new.replays()


def test_a_second_line_case_on_the_earlier_model_finishes_on_it_and_new_cases_take_the_new_one(bureau):
    bureau.clock.at = beijing("2026-03-02 09:00")
    assert deployed(bureau, EARLIER / "second_line_approval.bpmn") == 1
    old = second_line_steps.start(bureau)
    second_line_steps.propose_retain(old, old.data()["statutory_retirement_month"])
    second_line_steps.decide(old)
    assert old.pending() == ["upper_consent"]
    assert deployed(bureau, PACKAGED / "second_line_approval.bpmn") == 2
    second_line_steps.consent(old, agreed=True)
    case = old.case
    assert (case.spec.version, case.status, old.ended_at()) == (1, "completed", "end_retained_until_retirement")
    assert "second_line_decisions" not in old.data() and "window_anchor" not in old.data()
    assert case.spec.task_info["start"]["name"] == "退二线窗口提示"  # the earlier names stay with the earlier case
    assert old.replays()

    new = second_line_steps.start(bureau, second_line_steps.place_in_window(bureau, "QP0025"))
    assert new.case.spec.version == 2
    assert new.case.spec.task_info["start"]["name"] == "到龄退出领导岗位提示"
    assert (new.data()["window_anchor"], new.data()["upper_consent_required"]) == ("statutory", True)
    second_line_steps.propose_retain(new, new.data()["statutory_retirement_month"])
    second_line_steps.decide(new)
    assert new.pending() == ["upper_consent"] and len(new.data()["second_line_decisions"]) == 1
    assert new.replays()
