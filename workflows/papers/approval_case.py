"""The 干部任免审批表 of a case's 拟任人选: the registry's form with 拟任职务, 拟免职务 and 任免理由 from the case.

Which post the person held is what the case recorded when it took them up (``appointee_records`` of a selection,
the ``cadre`` snapshot a rotation or second-line case starts with), not the registry's open post: once the case has
made the appointment the registry already shows the new post, and the form must still read as it was proposed.

拟免职务 rule: a new post replaces the one held (promotion, transfer, rotation, 退出领导岗位), so the held post is
to be removed when it is a leadership post (职务); a non-leadership rank (职级) is kept under 职务与职级并行, so a
cadre without a leadership post has nothing to remove and the box stays empty.
"""

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import Section
from workflows.engine.clock import local_date
from workflows.errors import InvalidData
from workflows.errors import NotFound
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_form import ResumeLine
from workflows.papers.approval_registry import collect
from workflows.papers.approval_registry import current_post_text
from workflows.queries.case_reads import case_data
from workflows.registry import cadre_records
from workflows.text import t

SELECTION, ROTATION, SECOND_LINE = "cadre_selection", "rotation_approval", "second_line_approval"
METHODS = {"democratic_recommendation": "民主推荐", "competitive": "竞争上岗", "open_selection": "公开选拔"}
ROTATION_REASONS = {
    "scan_10_years": "在同一职位任职满十年，按规定交流轮岗", "unsuitable": "不适应现职位",
    "section_penalty": "科室考核结果需要调整科室负责人", "avoidance": "任职回避", "other": "工作需要",
}


def section_name(session: Session, code) -> str:
    """The name of the section with ``code``; "" for none."""
    if not code:
        return ""
    return session.scalar(select(Section.name).where(Section.code == str(code))) or ""


def concerned(case: Case, data: dict, session: Session) -> list[str]:
    """The staff numbers a form of this case may be for: its cadre, its appointee, its candidates."""
    numbers = []
    if case.cadre_id is not None:
        numbers.append(cadre_records.get_cadre(session, case.cadre_id).staff_no)
    if data.get("appointee"):
        numbers.append(str(data["appointee"]))
    numbers += [str(number) for number in data.get("candidates") or [] if str(number) not in numbers]
    return numbers


def held(record, cadre) -> tuple[str, bool]:
    """(post text, is leadership) the case recorded; the registry's open post when it recorded none."""
    if isinstance(record, dict) and record.get("staff_no") == cadre.staff_no and record.get("post_title"):
        return f"{record.get('section') or ''}{record['post_title']}", bool(record.get("is_leadership"))
    post = cadre.current_post
    return current_post_text(cadre), bool(post is not None and post.is_leadership)


def selection_boxes(session: Session, data: dict) -> tuple[str, str]:
    """(拟任职务, 任免理由) of a selection."""
    proposed = f"{section_name(session, data.get('post_section_code'))}{data.get('post_title') or ''}"
    method = METHODS.get(data.get("method"), "民主推荐")
    if data.get("vote_passed"):
        reason = f"工作需要，经{method}、组织考察、党组研究决定"
    else:
        reason = f"工作需要，经{method}、组织考察，拟提请党组研究"
    return proposed, reason


def rotation_boxes(session: Session, data: dict, held_section: str) -> tuple[str, str]:
    """(拟任职务, 任免理由) of a rotation (a 降职 when the sanction proposal says so)."""
    if data.get("demotion_title"):
        proposed = f"{held_section}{data['demotion_title']}"
        grounds = str(data.get("proposal_reasons") or "科室考核处理")
    else:
        proposed = f"{section_name(session, data.get('target_section_code'))}{data.get('target_title') or ''}"
        grounds = ROTATION_REASONS.get(data.get("trigger_reason"), "工作需要")
    decided = data.get("rotation_decision_date") or data.get("demotion_date")
    return proposed, f"{grounds}，{'经党组研究决定' if decided else '拟提请党组研究'}"


def second_line_boxes(data: dict, held_section: str) -> tuple[str, str]:
    """(拟任职务, 任免理由) of a 退出领导岗位 case: the non-leadership post it arranges."""
    title = data.get("new_post_title") or data.get("proposed_post_title") or ""
    proposed = f"{held_section}{title}" if title else ""
    grounds = str(data.get("proposal_reasons") or "达到退出领导岗位的年龄条件")
    return proposed, f"{grounds}，按规定退出领导岗位"


def for_case(session: Session, case: Case, *, at: date, staff_no: str | None = None, filled_by: str = "",
             reporting_unit: str = "") -> ApprovalForm:
    """The form of the person ``case`` proposes (``staff_no`` picks one of its candidates before a choice).

    NotFound when the case has no such person yet; InvalidData for a process that proposes no appointment.
    """
    data = case_data(case)
    process = case.spec.process_id
    if process not in (SELECTION, ROTATION, SECOND_LINE):
        raise InvalidData(t("案件 {case} 的流程不涉及干部任免，没有干部任免审批表", case=case.id),
                          {"case": t("流程「{process}」不涉及干部任免", process=case.spec.name)})
    people = concerned(case, data, session)
    # Without a name: a selection's appointee once chosen, a rotation's or second-line case's own cadre.
    wanted = staff_no or (data.get("appointee") if process == SELECTION else people[0] if people else None)
    if wanted is None:
        raise NotFound(t("案件 {case} 尚未确定拟任人选", case=case.id))
    if wanted not in people:
        raise NotFound(t("{staff_no} 不是案件 {case} 的拟任人选或考察对象", staff_no=wanted, case=case.id))
    cadre = cadre_records.find_cadre(session, wanted)
    record = data.get("appointee_records") if process == SELECTION else data.get("cadre")
    if process == SELECTION and not (isinstance(record, dict) and record.get("staff_no") == wanted):
        record = next((row for row in data.get("candidate_inspections_records") or data.get("roster_records") or []
                       if isinstance(row, dict) and row.get("staff_no") == wanted), None)
    held_post, leadership = held(record, cadre)
    held_section = str((record or {}).get("section") or "") if isinstance(record, dict) else ""
    if not held_section and cadre.current_post is not None and cadre.current_post.section is not None:
        held_section = cadre.current_post.section.name
    if process == SELECTION:
        proposed, reason = selection_boxes(session, data)
    elif process == ROTATION:
        proposed, reason = rotation_boxes(session, data, held_section)
    else:
        proposed, reason = second_line_boxes(data, held_section)
    form = collect(session, cadre, at=at, case=case, filled_by=filled_by, reporting_unit=reporting_unit)
    removed = held_post if leadership and held_post != proposed else ""
    return replace(form, current_post=held_post, proposed_post=proposed, removed_post=removed, reason=reason,
                   resume=resume_before(form.resume, cadre, local_date(case.started_at)))


def resume_before(lines: tuple[ResumeLine, ...], cadre, started: date) -> tuple[ResumeLine, ...]:
    """The 简历 as it stood when the case began: a post taken since (this case's own appointment) is not yet on it.

    Printed after the appointment, the form must still read as the proposal it was: the periods from the first
    post begun since ``started`` are dropped and the period before them is open again.
    """
    begun = [post.start_date for post in cadre.posts if post.start_date >= started]
    if not begun:
        return lines
    cut = f"{min(begun).year:04d}.{min(begun).month:02d}"
    kept = [line for line in lines if line.start < cut]
    if kept and len(kept) < len(lines):
        kept[-1] = replace(kept[-1], end="")
    return tuple(kept)
