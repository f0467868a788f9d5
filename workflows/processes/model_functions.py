"""The domain functions a BPMN model may call in its expressions: pure, JSON in and out, on the rules.

Dates travel as ISO text because workflow data is JSON; every function gives the same answer for the
same arguments (and calendar version), so a replay computes what the original run computed.
"""

from collections.abc import Callable
from datetime import date
from datetime import timedelta
from typing import Any

from workflows.engine.clock import engine_now
from workflows.engine.clock import local_date
from workflows.rules.appointments import is_promotion
from workflows.rules.calendar import working_day_deadline
from workflows.rules.dates import add_months
from workflows.rules.eligibility import candidate_exclusions
from workflows.rules.eligibility import screen_candidate
from workflows.rules.facts import CadreFacts
from workflows.rules.facts import PostHistoryFacts
from workflows.rules.facts import SanctionFacts
from workflows.rules.headcount import vacancy_open as headcount_vacancy_open
from workflows.rules.leave import leave_days_within
from workflows.rules.meetings import party_group_decision
from workflows.rules.meetings import recommendation_meeting_counts
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.qualifications import PositionRequirements
from workflows.rules.retirement import anchor_month
from workflows.rules.retirement import statutory_retirement_month


def _midnight(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def _day(text: str) -> date:
    return date.fromisoformat(str(text)[:10])


def _overrides(table: dict | None) -> dict[date, bool]:
    return {_day(day): bool(is_workday) for day, is_workday in (table or {}).items()}


def working_days_end(start: str, days: int, overrides: dict | None = None) -> str:
    """The last working day of ``days`` working days counted from ``start`` (ISO date)."""
    return working_day_deadline(_day(start), int(days), _overrides(overrides)).end.isoformat()


def working_days_timer(start: str, days: int, overrides: dict | None = None) -> str:
    """A timer date for the end of a working-day period: the midnight after its last day, Beijing time."""
    end = working_day_deadline(_day(start), int(days), _overrides(overrides)).end
    return _midnight(end + timedelta(days=1))


def period_is_provisional(start: str, days: int, overrides: dict | None = None) -> bool:
    """Whether the period reaches a year the official calendar does not cover yet (weekends only then)."""
    return working_day_deadline(_day(start), int(days), _overrides(overrides)).provisional


def today() -> str:
    """The engine's current day in Beijing (ISO date): the command's time, so a replay sees the same day."""
    return local_date(engine_now()).isoformat()


def date_timer(day: str) -> str:
    """A timer date for the start of ``day`` (ISO date), Beijing time."""
    return _midnight(_day(day))


def months_timer(day: str, months: int) -> str:
    """A timer date for the start of the day ``months`` whole months after ``day``, Beijing time."""
    return _midnight(add_months(_day(day), int(months)))


def without(items: list, excluded: list) -> list:
    """``items`` less every entry of ``excluded``, order kept (models may not write comprehensions)."""
    return [item for item in items or [] if item not in (excluded or [])]


def recommendation_quorum(range_size: int, attended: int) -> bool:
    """Whether a recommendation meeting counts: at least two thirds of the defined range took part."""
    return recommendation_meeting_counts(int(range_size), int(attended))


# vote_explanation, vote_quorum and vote_passes serve the process versions deployed before the policy reached
# the vote (they keep computing what those cases computed); new models call vote_meeting and vote_decision.
def vote_explanation(members_due: int, present: int, approve: int) -> str:
    """The quorum and majority arithmetic in Chinese, for the minutes and the record."""
    return party_group_decision(int(members_due), int(present), int(approve)).explanation


def vote_quorum(members_due: int, present: int) -> bool:
    """Whether a party-group meeting has its quorum (two thirds of the members due)."""
    return party_group_decision(int(members_due), int(present), 0).quorum


def vote_passes(members_due: int, present: int, approve: int) -> bool:
    """Whether a party-group vote passes: quorum, and more than half of the members due approve."""
    return party_group_decision(int(members_due), int(present), int(approve)).passed


def _policy(record: dict | None) -> Policy:
    # The case's own policy (its start-time values, as recorded in the case data); the defaults when absent.
    return Policy.from_mapping(record) if record else DEFAULT_POLICY


def _decision(policy: dict | None, members_due: int, present: int, approve: int, recused: list | None) -> dict:
    names = [str(name) for name in recused or []]
    decision = party_group_decision(int(members_due), int(present), int(approve), _policy(policy),
                                    recused=len(names), recused_names=names)
    return {"quorum": decision.quorum, "passed": decision.passed, "explanation": decision.explanation,
            "figures": decision.figures, "policy": decision.policy}


def vote_meeting(policy: dict | None, members_due: int, present: int, recused: list | None = None) -> dict:
    """Whether a party-group meeting has its quorum under the case's policy, with the arithmetic (no votes yet)."""
    return _decision(policy, members_due, present, 0, recused)


def vote_decision(policy: dict | None, members_due: int, present: int, approve: int,
                  recused: list | None = None) -> dict:
    """A party-group vote under the case's policy: quorum, passed, the arithmetic naming the recused, the figures."""
    return _decision(policy, members_due, present, approve, recused)


def count_of(items: list, value: Any) -> int:
    """How many entries of ``items`` equal ``value`` (models may not write comprehensions)."""
    return sum(1 for item in items or [] if item == value)


def values_of(rows: list, key: str) -> list:
    """The ``key`` of every row of a table field (a list of objects), order kept: e.g. the staff numbers voted for."""
    return [row.get(key) for row in rows or [] if isinstance(row, dict)]


def max_of(rows: list, key: str) -> Any:
    """The largest ``key`` among the rows of a table field, 0 for no rows: e.g. the most votes any candidate got."""
    values = [value for value in values_of(rows, key) if value is not None]
    return max(values) if values else 0


def distinct(items: list) -> list:
    """``items`` without repeats, first occurrence kept (``len(distinct(x)) == len(x)``: no entry twice)."""
    seen: list = []
    for item in items or []:
        if item not in seen:
            seen.append(item)
    return seen


def months_after(day: str, months: int) -> str:
    """``day`` moved by whole months (a probation year is 12), month-end rule as the rules use it."""
    return add_months(_day(day), int(months)).isoformat()


def retirement_month(birth: str, category: str) -> str:
    """The first day of the statutory retirement month under the 2025 reform (ISO date)."""
    return statutory_retirement_month(_day(birth), category).isoformat()


def _facts(record: dict) -> CadreFacts:
    """The rule facts of a cadre record a form attached (``x-cadre`` fields)."""
    return CadreFacts(
        cadre_id=record["staff_no"], name=record["name"], gender=record["gender"],
        birth_date=_day(record["birth_date"]), retirement_category=record.get("retirement_category", "male"),
        annual_grades={int(year): grade for year, grade in (record.get("annual_grades") or {}).items()},
        sanctions=tuple(SanctionFacts(s["kind"], _day(s["decided_on"]),
                                      _day(s["impact_until"]) if s.get("impact_until") else None)
                        for s in record.get("sanctions") or []),
        under_investigation=bool(record.get("under_investigation")),
        ft_education_level=record.get("ft_education_level"), pt_education_level=record.get("pt_education_level"),
        # A record attached before the history was kept has no "post_history": unknown, not "no posts".
        post_history=None if record.get("post_history") is None else tuple(
            PostHistoryFacts(p["title"], p.get("level"), p.get("rank"), _day(p["start_date"]),
                             _day(p["decision_date"]) if p.get("decision_date") else None,
                             _day(p["end_date"]) if p.get("end_date") else None)
            for p in record["post_history"]))


# Without requirements the screening computes exactly what it did before it read the investigation flag and the
# 任职资格: the process versions deployed then call it with two arguments, and replaying their cases must
# reproduce what was recorded. New models pass position_requirements(...) and get every check.
_FIRST_CHECKS = ("annual_grade", "sanction_impact")


def _exclusions(record: dict, on: str, requirements: dict | None) -> list:
    if requirements is None:
        return [e for e in candidate_exclusions(_facts(record), _day(on)) if e.code in _FIRST_CHECKS]
    return candidate_exclusions(_facts(record), _day(on), requirements=PositionRequirements.from_mapping(requirements))


def eligible_staff_nos(records: list, on: str, requirements: dict | None = None) -> list:
    """Staff numbers of the records no registry exclusion applies to on ``on`` (with the motion's requirements)."""
    return [record["staff_no"] for record in records or [] if not _exclusions(record, on, requirements)]


def exclusion_notes(records: list, on: str, requirements: dict | None = None) -> list:
    """One Chinese line per excluded candidate: name and every reason, for the next step to read."""
    notes = []
    for record in records or []:
        reasons = [exclusion.reason for exclusion in _exclusions(record, on, requirements)]
        if reasons:
            notes.append(f"{record['name']}：{'；'.join(reasons)}")
    return notes


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "eligible_staff_nos": eligible_staff_nos, "exclusion_notes": exclusion_notes,
    "working_days_end": working_days_end, "working_days_timer": working_days_timer,
    "period_is_provisional": period_is_provisional, "vote_quorum": vote_quorum, "vote_passes": vote_passes,
    "count_of": count_of, "months_after": months_after, "retirement_month": retirement_month,
    "today": today, "date_timer": date_timer, "months_timer": months_timer, "without": without,
    "recommendation_quorum": recommendation_quorum, "vote_explanation": vote_explanation,
    "values_of": values_of, "max_of": max_of, "distinct": distinct,
    "vote_meeting": vote_meeting, "vote_decision": vote_decision,
}


# The cadre file's leave periods: the records a form attaches carry them (workflows.cadre_fields.attached_record).
def probation_leave_days(record: dict | None, start: str, end: str, kinds: list | None = None) -> int:
    """Days of leave from ``start`` to ``end`` (ISO dates, both included) in an attached cadre record.

    ``kinds`` narrows the leave counted (e.g. ``['sick', 'maternity', 'work_injury']``); a day is counted once.
    A model extends the probation year when this exceeds six months (domain reference §2 step 16).
    """
    leaves = [(_day(leave["start"]), _day(leave["end"])) for leave in (record or {}).get("leaves") or []
              if not kinds or leave.get("kind") in kinds]
    return leave_days_within(leaves, _day(start), _day(end))


FUNCTIONS["probation_leave_days"] = probation_leave_days


# The motion's 任职条件 as the screening reads them (``eligible_staff_nos(records, on, requirements)``).
def position_requirements(post_level: str | None, required_education: str | None = None,
                          required_years_in_lower_level: int | None = None) -> dict:
    """The post level and the motion's minimum education and years in the lower level; None where not set.

    Blank years mean the national figure for the post level (正科 2, 副科 3); bad codes raise a Chinese error.
    """
    return PositionRequirements.from_mapping({
        "post_level": post_level, "required_education": required_education,
        "required_years_in_lower_level": required_years_in_lower_level}).as_record()


def check_notes(records: list, on: str, requirements: dict) -> list:
    """One Chinese line per candidate not excluded but with something the registry cannot decide (training always).

    Kept apart from ``exclusion_notes``, whose lines each explain an exclusion: these people stay eligible.
    """
    wanted = PositionRequirements.from_mapping(requirements)
    lines = []
    for record in records or []:
        screening = screen_candidate(_facts(record), _day(on), requirements=wanted)
        if not screening.exclusions and screening.notes:
            lines.append(f"{record['name']}（须人工核实）：{'；'.join(note.reason for note in screening.notes)}")
    return lines


FUNCTIONS["position_requirements"] = position_requirements
FUNCTIONS["check_notes"] = check_notes


# 提拔 or not, and the ① vacancy: the appointment and headcount rules (workflows/rules/appointments.py, headcount.py).
def appointment_is_promotion(record: dict | None, post_level: str) -> bool:
    """Whether appointing the cadre of ``record`` (an attached registry record) to ``post_level`` is 提拔, which
    alone has a probation year; the same 职务层次 is a lateral appointment (转任). Registry effects agree."""
    held = record if isinstance(record, dict) else {}
    return is_promotion(held.get("post_level"), bool(held.get("is_leadership")), str(post_level))


def vacancy_open(headcount: dict | None, vacancy_exists: object = None) -> bool:
    """Whether ① finds a vacancy: the 职数 table's when it has an entry, else what the organiser stated."""
    return headcount_vacancy_open(headcount, vacancy_exists)


FUNCTIONS["appointment_is_promotion"] = appointment_is_promotion
FUNCTIONS["vacancy_open"] = vacancy_open


# 到龄退二线: the month the period before retirement counts back from, by the case's recorded policy choice.
def anchor_retirement_month(birth: str, category: str, anchor: str) -> str:
    """The statutory retirement month after the 2025 reform ("statutory") or the pre-2025 age's ("original")."""
    return anchor_month(_day(birth), category, str(anchor)).isoformat()


FUNCTIONS["anchor_retirement_month"] = anchor_retirement_month
