"""The registry scans: a hand-built registry with known answers, the scan on record, and the demo bureau."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from storage.models import AnnualAssessment
from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Post
from storage.models import Section
from storage.models import SectionAssessment
from storage.models import Unit
from workflows.actors import Actor
from workflows.registry import edit
from workflows.registry import scans
from workflows.registry.demo import seed_registry
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.rules.retirement import retirement_rule_version
from workflows.rules.retirement import statutory_retirement_month

ON = date(2026, 11, 22)
AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
ACTOR = Actor(None, "tester", frozenset({"personnel_office"}), "personnel_office")
LEVELS = {"科长": "section_chief", "副科长": "deputy_section_chief"}
# (code, {year: (grade, rank)}): S4 is in the bottom two in 2024 and 2025, S3 only in 2025 (the year scanned),
# S5 only in 2024; S6 is unranked but graded 不合格 in 2025.
SECTIONS = [
    ("S1", {2024: ("excellent", 1), 2025: ("excellent", 1)}),
    ("S2", {2024: ("excellent", 2), 2025: ("excellent", 2)}),
    ("S3", {2024: ("good", 3), 2025: ("pass", 4)}),
    ("S4", {2024: ("pass", 4), 2025: ("pass", 5)}),
    ("S5", {2024: ("pass", 5), 2025: ("good", 3)}),
    ("S6", {2024: ("good", None), 2025: ("fail", None)}),
]


def add_cadre(session, sections, staff_no, *, section=None, title="科长", same_post_start=date(2022, 3, 1),
              birth=date(1980, 5, 10), grades=None, start=None, probation_end=None, category=None,
              **person) -> Cadre:
    """A man holding ``title`` (科长/副科长 are leadership posts, anything else is not) with ``grades``; the post's
    岗位类别 is ``category`` (None: not classified)."""
    cadre = Cadre(staff_no=staff_no, name=f"干部{staff_no}", gender="male", birth_date=birth, ethnicity="汉族",
                  political_affiliation="cpc_member", staff_category="civil_servant", retirement_category="male",
                  **person)
    start = start or same_post_start
    cadre.posts = [Post(section=sections.get(section), title=title, level=LEVELS.get(title),
                        is_leadership=title in LEVELS, start_date=start, same_post_start=same_post_start,
                        appointment_mode="promotion", probation_start=start if probation_end else None,
                        probation_end=probation_end, category=category)]
    session.add(cadre)
    session.flush()
    for year, grade in (grades or {}).items():
        session.add(AnnualAssessment(cadre_id=cadre.id, year=year, grade=grade, scheme="civil_servant"))
    return cadre


def build_registry(sessions) -> None:
    excellent = "excellent"
    with sessions.begin() as session:
        unit = Unit(code="U1", name="测试局")
        sections = {code: Section(unit=unit, code=code, name=f"{code}科") for code, _ in SECTIONS}
        for code, years in SECTIONS:
            for year, (grade, rank) in years.items():
                session.add(SectionAssessment(section=sections[code], year=year, grade=grade, rank=rank))
        session.add_all(sections.values())
        session.flush()
        add = lambda staff_no, **kw: add_cadre(session, sections, staff_no, **kw)  # noqa: E731
        add("R01", section="S1", same_post_start=date(2016, 11, 21))  # ten years and a day
        add("R02", section="S2", same_post_start=date(2016, 11, 23))  # ten years less a day
        add("R03", section="S3", same_post_start=date(2012, 5, 1), start=date(2026, 3, 1),
            probation_end=date(2027, 3, 1))
        add("R04", section="S4", title="副科长", same_post_start=date(2014, 1, 1), under_investigation=True)
        add("R05", section="S1", title="一级主任科员", same_post_start=date(2010, 1, 1))
        # Key posts: a 财务 non-leader eleven years in the post is due; a post of another kind is not.
        add("K01", section="S3", title="二级主任科员", same_post_start=date(2015, 6, 1), category="finance")
        add("K02", section="S3", title="二级主任科员", same_post_start=date(2012, 6, 1), category="other")
        add("K03", section="S4", title="三级主任科员", same_post_start=date(2019, 6, 1), category="audit")
        add("R06", same_post_start=date(2010, 1, 1), active=False,
            grades={2023: excellent, 2024: excellent, 2025: excellent})
        add("T01", section="S5", birth=date(1966, 1, 15))
        add("T02", section="S5", title="副科长", birth=date(1969, 6, 10))
        add("T03", section="S6", title="副科长", birth=date(1975, 3, 1))
        add("T04", section="S6", title="一级主任科员", birth=date(1966, 2, 1))
        add("P01", section="S2", title="二级主任科员",
            grades={2022: "competent", 2023: excellent, 2024: excellent, 2025: excellent})
        add("P02", section="S2", title="二级主任科员", grades={2022: excellent, 2023: excellent, 2025: excellent})
        add("P03", section="S3", title="二级主任科员",
            grades={2023: "competent", 2024: excellent, 2025: excellent, 2026: excellent})


def found(report) -> dict[str, set[str]]:
    return {kind: {row.subject for row in rows} for kind, rows in report.rows.items()}


def row_of(report, kind: str, subject: str) -> scans.ScanRow:
    return next(row for row in report.rows[kind] if row.subject == subject)


def test_each_scan_finds_exactly_the_cadres_and_sections_the_rules_name(sessions):
    build_registry(sessions)
    with sessions() as session:
        report = scans.scan(session, ON)
    assert found(report) == {"rotation": {"R01", "K01"}, "second_line": {"T01", "T02"},
                             "promotion_priority": {"P01"}, "section_penalty": {"S3", "S4", "S6"}}
    assert report.counts() == {"rotation": 2, "second_line": 2, "promotion_priority": 1, "section_penalty": 3}
    assert (report.on, report.policy, report.rule_versions) == (
        ON, DEFAULT_POLICY.as_record(), {"retirement": retirement_rule_version, "policy": DEFAULT_POLICY.version})


def test_a_rotation_row_gives_the_start_the_years_and_the_day_they_were_complete(sessions):
    build_registry(sessions)
    with sessions() as session:
        row = row_of(scans.scan(session, ON), "rotation", "R01")
    assert (row.name, row.section) == ("干部R01", "S1科")
    assert "2016-11-21" in row.reason and "已满 10 年" in row.reason and "2026-11-21" in row.reason
    assert (row.figures["years_in_post"], row.figures["due_on"], row.figures["exclusions"]) == (10, "2026-11-21", [])


def test_the_second_line_window_follows_the_statutory_retirement_month(sessions):
    build_registry(sessions)
    with sessions() as session:
        report = scans.scan(session, ON)
    states = {}
    for staff_no, birth in (("T01", date(1966, 1, 15)), ("T02", date(1969, 6, 10))):
        retirement = statutory_retirement_month(birth, "male")
        opens, due = (date(retirement.year - years, retirement.month, 1) for years in (5, 3))
        assert opens <= ON
        row = row_of(report, "second_line", staff_no)
        assert f"{retirement:%Y-%m}" in row.reason and f"{opens:%Y-%m}" in row.reason and f"{due:%Y-%m}" in row.reason
        assert row.figures["retirement_month"] == retirement.isoformat()
        states[staff_no] = row.figures["state"]
        assert states[staff_no] == ("due" if ON >= due else "open")
    # Born 1966-01: 60 years and 4 months, so retirement is already past; born 1969-06: 61 years 2 months.
    assert states == {"T01": "due", "T02": "open"}
    assert "已到法定退休月份" in row_of(report, "second_line", "T01").reason


def test_a_non_leadership_key_post_ten_years_on_is_listed_and_a_non_key_post_is_not(sessions):
    build_registry(sessions)
    with sessions() as session:
        report = scans.scan(session, ON)
    row = row_of(report, "rotation", "K01")
    assert (row.figures["category"], row.figures["key_post"], row.figures["years_in_post"]) == ("finance", True, 11)
    assert "财务岗位，属重点岗位" in row.reason and "2015-06-01" in row.reason
    assert {"K02", "K03", "R05"}.isdisjoint(found(report)["rotation"])  # another kind; seven years; unclassified
    assert report.policy["rotation_key_post_categories"] == list(DEFAULT_POLICY.rotation_key_post_categories)


def test_the_key_posts_are_the_policy_s_list(sessions):
    build_registry(sessions)
    with sessions() as session:
        narrower = scans.scan(session, ON, Policy(rotation_key_post_categories=("audit",)))
        wider = scans.scan(session, ON, Policy(rotation_key_post_categories=("finance", "other")))
    assert found(narrower)["rotation"] == {"R01"}
    assert found(wider)["rotation"] == {"R01", "K01", "K02"}


def test_a_post_category_set_in_the_registry_is_what_the_scan_reads(sessions):
    build_registry(sessions)
    with sessions.begin() as session:
        target = session.scalar(select(Cadre).where(Cadre.staff_no == "K02"))
        edit.classify_post(session, ACTOR, AT, target.id, "procurement")
    with sessions() as session:
        assert "K02" in found(scans.scan(session, ON))["rotation"]
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "registry.updated")).one()
        assert json.loads(event.payload)["changes"] == {"post_category": ["other", "procurement"]}


def test_promotion_priority_needs_the_last_three_completed_years_all_excellent(sessions):
    build_registry(sessions)
    with sessions() as session:
        row = row_of(scans.scan(session, ON), "promotion_priority", "P01")
    assert "2023–2025" in row.reason and "连续 3 年为优秀" in row.reason
    assert row.figures == {"years": [2023, 2024, 2025],
                           "grades": {"2023": "excellent", "2024": "excellent", "2025": "excellent"}}


def test_section_penalties_name_the_years_and_ranks_and_adjust_heads_only_after_two_years(sessions):
    build_registry(sessions)
    with sessions() as session:
        report = scans.scan(session, ON)
    twice, once, failed = (row_of(report, "section_penalty", code) for code in ("S4", "S3", "S6"))
    assert "2024 年排名第 4 名" in twice.reason and "2025 年排名第 5 名" in twice.reason
    assert "共 5 个科室参加排名" in twice.reason and "调整科室负责人（含副科长）岗位：R04" in twice.reason
    assert twice.figures["assessments"] == {"2024": ["pass", 4], "2025": ["pass", 5]}
    assert "2025 年排名第 4 名" in once.reason and "2024 年" not in once.reason and "调整科室负责人" not in once.reason
    assert once.figures["assessments"] == {"2025": ["pass", 4]}
    assert "2025 年科室考核为不合格等次" in failed.reason and "调整科室负责人" not in failed.reason
    assert all("不得评先评优" in row.reason for row in (twice, once, failed))


def test_record_scan_appends_one_event_with_the_counts_the_policy_and_who_was_found(sessions):
    build_registry(sessions)
    with sessions.begin() as session:
        scans.record_scan(session, ACTOR, AT, scans.scan(session, ON))
    with sessions() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert [(event.type, event.actor) for event in events] == [("registry.scanned", "tester")]
    payload = json.loads(events[0].payload)
    assert payload["on"] == "2026-11-22"
    assert payload["counts"] == {"rotation": 2, "second_line": 2, "promotion_priority": 1, "section_penalty": 3}
    assert payload["policy"] == DEFAULT_POLICY.as_record()
    assert payload["rule_versions"] == {"retirement": retirement_rule_version, "policy": "default-2025.1"}
    assert {kind: set(subjects) for kind, subjects in payload["found"].items()} == {
        "rotation": {"R01", "K01"}, "second_line": {"T01", "T02"}, "promotion_priority": {"P01"},
        "section_penalty": {"S3", "S4", "S6"}}


def test_a_scan_under_a_local_policy_uses_and_records_its_parameters(sessions):
    build_registry(sessions)
    policy = Policy(version="local-2026", rotation_years=8, excellent_streak_years=2)
    with sessions.begin() as session:
        report = scans.scan(session, ON, policy)
        scans.record_scan(session, ACTOR, AT, report)
        payload = json.loads(session.scalar(select(AuditEvent.payload)))
    # Eight years: R02 is due too; two years: 2024 and 2025, so P03 joins and P02 (no 2024 grade) does not.
    assert found(report)["rotation"] == {"R01", "R02", "K01"}
    assert found(report)["promotion_priority"] == {"P01", "P03"}
    assert (payload["policy"]["version"], payload["policy"]["rotation_years"]) == ("local-2026", 8)
    assert payload["rule_versions"]["policy"] == "local-2026"


def hand_count_rotation(session) -> set[str]:
    """Active leaders (正科/副科) ten years or more in the same post, not on probation, not under investigation."""
    rows = session.execute(
        select(Cadre.staff_no, Cadre.under_investigation, Post.same_post_start, Post.probation_end,
               Post.probation_result)
        .join(Post, Post.cadre_id == Cadre.id)
        .where(Cadre.active.is_(True), Post.end_date.is_(None), Post.is_leadership.is_(True),
               Post.level.in_(("section_chief", "deputy_section_chief")))).all()
    due = set()
    for row in rows:
        start = row.same_post_start
        ten_years = (start.year + 10, start.month, start.day) <= (ON.year, ON.month, ON.day)
        on_probation = row.probation_end is not None and row.probation_result is None and ON <= row.probation_end
        if ten_years and not on_probation and not row.under_investigation:
            due.add(row.staff_no)
    return due


def hand_count_priority(session) -> set[str]:
    """Active cadres graded excellent in each of 2023, 2024 and 2025."""
    return set(session.scalars(
        select(Cadre.staff_no).join(AnnualAssessment, AnnualAssessment.cadre_id == Cadre.id)
        .where(Cadre.active.is_(True), AnnualAssessment.year.in_((2023, 2024, 2025)),
               AnnualAssessment.grade == "excellent")
        .group_by(Cadre.staff_no).having(func.count() == 3)))


def test_the_scan_of_the_demo_bureau_agrees_with_a_count_by_hand(sessions):
    with sessions.begin() as session:
        assert seed_registry(session, ON) == 80
    with sessions() as session:
        report = scans.scan(session, ON)
        rotation, priority = hand_count_rotation(session), hand_count_priority(session)
    assert rotation and priority
    assert found(report)["rotation"] == rotation
    assert found(report)["promotion_priority"] == priority
    assert all(count >= 1 for count in report.counts().values()), report.counts()
    # The demo's network-security section is bottom-two two years running and 不合格 last year.
    assert "WLAQ" in found(report)["section_penalty"]
    assert "调整科室负责人" in row_of(report, "section_penalty", "WLAQ").reason
