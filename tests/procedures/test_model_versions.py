"""A case started on an earlier model finishes on it after the new model is deployed (its forms included)."""

from pathlib import Path

from tests.procedures import selection_steps as steps
from tests.procedures.driver import PACKAGED
from workflows import deploy

MODELS: list[str] = []
# cadre_selection.bpmn and its forms as they were before decisions became explicit choices (commit 1f8bdd2).
EARLIER = Path(__file__).resolve().parents[1] / "data" / "cadre_selection_v1" / "cadre_selection.bpmn"


def deployed(bureau, path: Path) -> int:
    with bureau.sessions.begin() as session:
        return deploy.deploy(session, deploy.bundle_from_paths([path]), bureau.people["organiser"],
                             bureau.clock.now())[0].version


def test_a_case_on_the_earlier_model_finishes_on_it_and_new_cases_take_the_new_one(bureau):
    assert deployed(bureau, EARLIER) == 1
    old = steps.start(bureau)
    old.do("analysis", steps.ANALYSIS)
    old.do("motion", steps.MOTION)
    assert deployed(bureau, PACKAGED / "cadre_selection.bpmn") == 2
    # The earlier form still governs the earlier case: its tick box, no reason, no confirmation.
    old.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动"}, by="secretary")
    case = old.case
    assert (case.spec.version, case.status, case.end_event) == (1, "completed", "end_cancelled_at_motion")
    assert case.outcome == "completed"  # the earlier model marks no end as a termination
    assert old.replays()
    new = steps.start(bureau)
    new.do("analysis", steps.ANALYSIS)
    new.do("motion", steps.MOTION)
    assert new.case.spec.version == 2
    new.do("motion_consent", {"motion_agreed": False, "secretary_opinion_on_motion": "暂不启动",
                              "termination_reason": "暂不启动", "termination_confirmed": True}, by="secretary")
    assert (new.case.outcome, new.case.end_name) == ("terminated", "动议终止")
