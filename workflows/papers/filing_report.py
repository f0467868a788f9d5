"""The two papers the 备案 package writes itself: the 备案报告 to 区委组织部 and the 任前公示 outcome.

Both read the case's record (each step's own submission, the complaints and their verification) and are set in
the notices' layout, so the same case gives the same bytes.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sqlalchemy.orm import Session

from storage.models import Case
from storage.models import DocumentNumber
from workflows.engine.clock import local_date
from workflows.engine.clock import parse_iso
from workflows.papers import case_record
from workflows.papers import issuing
from workflows.papers import layout
from workflows.papers import numbers
from workflows.papers.bureau import BureauDetails
from workflows.queries import case_reads
from workflows.record import audit
from workflows.vocabulary import Event

# The verification's choices (bpmn/forms/selection_complaint_verification.json), as the outcome paper words them.
COMPLAINT_OUTCOMES = {"unfounded": "问题不存在，继续公示后任职", "minor": "有一般性问题，任职并提醒",
                      "serious": "有严重问题且已查实，不予任用", "unverified": "严重问题一时难以查实，暂缓任用"}
ATTACHED = ("干部任免审批表", "考察材料", "民主推荐情况", "党组会议纪要（摘录）", "任前公示及公示情况", "任职通知")


@dataclass
class Complaint:
    """A complaint received during the publicity and what its verification found."""

    received_on: str
    summary: str
    verification: str = ""
    outcome: str = ""
    concluded_on: str = ""


@dataclass
class Facts:
    """What both papers say."""

    bureau: BureauDetails
    person: case_record.Person
    post: str
    promotion: bool
    decided_on: str
    publicity_start: str
    publicity_end: str
    publicity_days: int | None
    publicity_scope: str
    notice_date: str
    notice_number: str
    reminded: bool
    complaints: list[Complaint] = field(default_factory=list)

    @property
    def report_title(self) -> str:
        return f"关于{self.person.name}同志任职的备案报告"

    @property
    def outcome_title(self) -> str:
        return f"{self.person.name}同志任前公示情况"


def data_of(case: Case) -> dict:
    """The case's current data."""
    return case_reads.case_data(case)


def _complaints(session: Session, case: Case) -> list[Complaint]:
    """The complaints of the record in order, each with the verification that followed it."""
    found: list[Complaint] = []
    for event in case_reads.case_events(session, case.id):
        payload = audit.payload_of(event)
        if event.type == Event.MESSAGE_RECEIVED and payload.get("message") == "complaint":
            body = payload.get("payload") or {}
            found.append(Complaint(case_record.cn_date(local_date(parse_iso(event.at))), str(body.get("summary", ""))))
        elif event.type == Event.TASK_COMPLETED and payload.get("bpmn_id") == "verify_complaint" and found:
            data = payload.get("data") or {}
            found[-1].verification = str(data.get("verification", ""))
            found[-1].outcome = COMPLAINT_OUTCOMES.get(data.get("complaint_outcome"), "")
            found[-1].concluded_on = case_record.cn_date(data.get("concluded_on"))
            found[-1].summary = str(data.get("complaint_summary") or found[-1].summary)
    return found


def _notice_number(session: Session, case: Case, appointee: str, recorded: str) -> str:
    """The 任职通知's number: the register's when it was issued on the case, else the one ⑮ recorded."""
    for staff_no in (appointee, None):
        paper = issuing.latest(session, case.id, "appointment_notice", staff_no)
        number = session.get(DocumentNumber, paper.document_number_id) if paper and paper.document_number_id else None
        if number is not None and number.status != numbers.VOID:
            return numbers.formatted(number)
    return recorded


def facts(session: Session, case: Case, appointee: str, *, bureau: BureauDetails) -> Facts:
    """The facts of the appointment from the record."""
    record = case_record.read(session, case)
    data, steps = record.data, record.steps
    meeting, publicity, notice = (steps.get(step) or {} for step in
                                  ("party_group_meeting", "publicity_notice", "appointment_notice"))
    policy = data.get("policy") or {}
    return Facts(
        bureau=bureau, person=case_record.person(session, appointee, data.get("appointee_records")),
        post=f"{case_record.section_name(session, data.get('post_section_code'), data)}{data.get('post_title') or ''}",
        promotion=bool(data.get("is_promotion")),
        decided_on=case_record.cn_date(meeting.get("meeting_date") or data.get("decision_date")),
        publicity_start=case_record.cn_date(publicity.get("publicity_start") or data.get("publicity_start")),
        publicity_end=case_record.cn_date(data.get("publicity_end")),
        publicity_days=policy.get("publicity_working_days"), publicity_scope=str(publicity.get("publicity_scope", "")),
        notice_date=case_record.cn_date(notice.get("notice_date")),
        notice_number=_notice_number(session, case, appointee, str(notice.get("document_no") or "")),
        reminded="reminder_talk" in steps, complaints=_complaints(session, case))


def _publicity_sentence(facts: Facts) -> str:
    days = f"（{facts.publicity_days}个工作日）" if facts.publicity_days else ""
    if not facts.complaints:
        heard = "公示期间未收到反映"
    else:
        heard = f"公示期间收到反映{len(facts.complaints)}件，经核查，反映的问题不影响任职"
        heard += "，已对其进行提醒谈话" if facts.reminded else ""
    return f"任前公示于{facts.publicity_start}至{facts.publicity_end}进行{days}，{heard}"


def report(facts: Facts, *, today: date) -> layout.Document:
    """The 备案报告: what was decided, how, the publicity, the notice, and the papers attached."""
    name, bureau = facts.person.name, facts.bureau
    probation = "（试用期一年）" if facts.promotion else ""
    number = f"（{facts.notice_number}）" if facts.notice_number else ""
    blocks = [
        layout.Paragraph(f"{bureau.district_department}：", indent=False),
        layout.Paragraph(f"根据《党政领导干部选拔任用工作条例》和干部管理权限，经{facts.decided_on}局党组会议研究决定，"
                         f"任命{name}同志为{facts.post}{probation}。"),
        layout.Paragraph(f"{name}同志的选拔任用经过分析研判和动议、民主推荐、组织考察、讨论决定、任前公示等程序。"
                         f"{_publicity_sentence(facts)}。{facts.notice_date}印发任职通知{number}。"),
        layout.Paragraph("现将有关材料报上，请予备案。"),
        layout.Paragraph("附件：" + "；".join(f"{n}.{title}" for n, title in enumerate(ATTACHED, 1))),
        layout.Signature((bureau.party_group, case_record.cn_date(today))),
    ]
    return layout.Document(facts.report_title, "", tuple(blocks), author=bureau.name, dated=today)


def outcome(facts: Facts, *, today: date) -> layout.Document:
    """The publicity and its outcome: the period, the complaints, their verification, the conclusion."""
    person, bureau = facts.person, facts.bureau
    days = f"（{facts.publicity_days}个工作日）" if facts.publicity_days else ""
    rows = (("公示对象", person.name), ("现任职务", person.current_post), ("拟任职务", facts.post),
            ("公示期", f"{facts.publicity_start}至{facts.publicity_end}{days}"), ("公示范围", facts.publicity_scope),
            ("反映情况", f"收到反映{len(facts.complaints)}件" if facts.complaints else "未收到反映"))
    blocks: list = [layout.Table(rows)]
    if facts.complaints:
        blocks.append(layout.Table((("收到日期", "反映的问题", "核查情况", "处理意见", "核查结论日期"),
                                    *((c.received_on, c.summary, c.verification, c.outcome, c.concluded_on)
                                      for c in facts.complaints)), header=True))
    blocks += [layout.Paragraph(f"{_publicity_sentence(facts)}。公示结果不影响任职。"),
               layout.Signature((bureau.personnel_office, case_record.cn_date(today)))]
    return layout.Document(facts.outcome_title, "", tuple(blocks), author=bureau.name, dated=today)


def report_pdf(facts: Facts, *, today: date) -> bytes:
    return layout.to_pdf(report(facts, today=today))


def outcome_pdf(facts: Facts, *, today: date) -> bytes:
    return layout.to_pdf(outcome(facts, today=today))
