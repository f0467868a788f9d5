"""The 全程纪实表 of one case as an A4 PDF: every step with who, when and what, the party-group ballots, the verdict."""

import io
import re
from datetime import datetime
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Frame
from reportlab.platypus import PageTemplate
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent
from storage.models import Cadre
from storage.models import Case
from storage.models import User
from workflows.actors import ROLE_NAMES
from workflows.engine.clock import BEIJING
from workflows.engine.clock import parse_iso
from workflows.processes import case_outcome
from workflows.queries import ballot_secrecy
from workflows.queries import candidate_view
from workflows.queries import case_history
from workflows.queries import case_reads as views
from workflows.queries import people
from workflows.queries.case_reads import case_events
from workflows.queries.meeting import VoteRound
from workflows.queries.meeting import vote_rounds
from workflows.record import audit
from workflows.record import record_diagram
from workflows.record.sheet_font import FONT
from workflows.record.sheet_font import registered
from workflows.record.sheet_font import spelled_out
from workflows.record.verification import CaseVerdict
from workflows.vocabulary import Event

CHOICE_NAMES = {"approve": "同意", "reject": "不同意", "defer": "缓议"}
WIDTH = A4[0] - 30 * mm
STEP_COLUMNS = (("记录号", 12), ("时间", 17), ("环节", 28), ("办理人", 20), ("角色", 21),
                ("意见及填报内容", 59), ("附件（名称与 sha256）", 23))
# A long opinion or many files go on over further rows: a table breaks across pages only between rows,
# so no row may be taller than a page.
ROW_CHARACTERS, FILES_PER_ROW, TABLE_ROWS = 600, 4, 20


@cache
def _styles() -> dict[str, ParagraphStyle]:
    registered()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    return {"title": ParagraphStyle("title", base, fontSize=16, leading=22, alignment=1, spaceAfter=6),
            "heading": ParagraphStyle("heading", base, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4),
            "body": base, "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
            "small": ParagraphStyle("small", base, fontSize=6.5, leading=8)}


def readable(text) -> str:
    """``text`` with the characters the font lacks written out, escaped for a paragraph."""
    return escape(spelled_out(str(text))).replace("\n", "<br/>")


def _para(text, style: str = "cell") -> Paragraph:
    return Paragraph(readable(text), _styles()[style])


def _lines(lines: list[str], style: str = "cell") -> Paragraph:
    return Paragraph("<br/>".join(readable(line) for line in lines), _styles()[style])


def sheet_title(process_name: str) -> str:
    """The title from the process name: "科级干部选拔任用（十六步工作法）" gives "科级干部选拔任用全程纪实表"."""
    return re.sub(r"[（(].*?[）)]", "", process_name).strip() + "全程纪实表"


def beijing(at: datetime | str | None) -> str:
    if at is None:
        return "—"
    return (parse_iso(at) if isinstance(at, str) else at).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _names(session: Session, usernames: set[str]) -> dict[str, str]:
    """How each user is shown: "李华（secretary）" when the display name differs from the username."""
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(sorted(usernames))))
    shown = {name: name for name in usernames}
    shown["system"] = "系统"
    for username, display in rows:
        shown[username] = username if display in (None, "", username) else f"{display}（{username}）"
    return shown


def _table(rows: list[list], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    table.setStyle(TableStyle(style))
    return table


def _case_block(session: Session, case: Case) -> Table:
    spec = case.spec
    concern = people.People(session).subject(case.subject)
    if case.cadre_id is not None and (cadre := session.get(Cadre, case.cadre_id)) is not None:
        concern = f"{cadre.name}（干部编号 {cadre.staff_no}）；{concern}"
    rows = [("案件编号", case.id), ("案件标题", case.title), ("对象", concern),
            ("流程", f"{spec.name}（{spec.process_id}）第 {spec.version} 版"), ("流程定义 sha256", spec.sha256),
            ("状态", case_outcome.label_of(case)), ("发起时间（北京时间）", beijing(case.started_at)),
            ("结束时间（北京时间）", beijing(case.ended_at))]
    if case.outcome == "terminated":
        rows.append(("终止理由", _termination_reason(session, case) or "—"))
    return _table([[_para(label), _para(value)] for label, value in rows], [36 * mm, WIDTH - 36 * mm], header=False)


def _termination_reason(session: Session, case: Case) -> str | None:
    """The reason the closing event of a terminated case records."""
    closing = session.scalar(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                      AuditEvent.type == Event.CASE_COMPLETED))
    return audit.payload_of(closing).get("reason") if closing is not None else None


def _pieces(text: str) -> list[str]:
    return [text[start:start + ROW_CHARACTERS] for start in range(0, len(text), ROW_CHARACTERS)] or [""]


def _rows_table(title: str, shown: people.Table, rows: tuple) -> list:
    """Rows of objects (a candidate's votes) as a small table under the form's column titles."""
    width = (STEP_COLUMNS[5][1] - 3) * mm
    table = _table([[_para(column, "small") for column in shown.columns],
                    *([_para(cell, "small") for cell in row] for row in rows)],
                   [width / len(shown.columns)] * len(shown.columns))
    return [_para(f"{title}："), table]


def _opinion_pieces(fields: list) -> list:
    """What a step's opinion column holds, cut into row-sized pieces: text, and tables for rows of objects."""
    pieces, text = [], []
    for title, value in fields:
        if isinstance(value, people.Table):
            pieces += [_para(piece) for piece in _pieces("\n".join(text))] if text else []
            text = []
            pieces += [_rows_table(title, value, value.rows[start:start + TABLE_ROWS])
                       for start in range(0, len(value.rows), TABLE_ROWS)]
        else:
            text.append(f"{title}：{value}")
    return pieces + [_para(piece) for piece in _pieces("\n".join(text))] if text or not pieces else pieces


def _steps_table(steps: list, names: dict[str, str]) -> Table:
    rows = [[_para(title) for title, _ in STEP_COLUMNS]]
    for step in steps:
        role = "系统" if step.role == "system" else ROLE_NAMES.get(step.role, (step.role or "—",))[0]
        pieces = _opinion_pieces(step.fields)
        files = [f"{name}（sha256：{sha}）" for name, sha in step.files]
        file_groups = [files[start:start + FILES_PER_ROW] for start in range(0, len(files), FILES_PER_ROW)]
        who = [_para(step.seq), _lines(beijing(step.at).split(" ")), _para(step.name),
               _para(names.get(step.actor, step.actor).replace("（", "\n（", 1)), _para(role)]
        for index in range(max(len(pieces), len(file_groups))):
            piece = pieces[index] if index < len(pieces) else ""
            group = _lines(file_groups[index], "small") if index < len(file_groups) else ""
            rows.append([*(who if index == 0 else [""] * len(who)), piece, group])
    return _table(rows, [width * mm for _, width in STEP_COLUMNS])


def _candidates_table(lines: list) -> Table:
    """Each candidate's standing: recommendation votes, exam total, where they left and why."""
    rows = [[_para(text, "small") for text in ("人选", "推荐得票（占有效票）", "考试综合成绩", "状态", "环节", "原因")],
            *([_para(text or "—", "small") for text in (f"{line.name}（{line.staff_no}）", line.votes,
                                                        line.exam_total, line.status, line.step, line.reason)]
              for line in lines)]
    return _table(rows, [w * mm for w in (30, 26, 18, 22, 30, 54)])


def _vote_blocks(rounds: list[VoteRound], names: dict[str, str]) -> list:
    flowables = []
    for number, sitting in enumerate(rounds, start=1):
        meeting = sitting.meeting
        present = "、".join(names.get(m, m) for m in meeting.get("members_present") or []) or "无"
        recused = "、".join(names.get(m, m) for m in meeting.get("recused") or [])
        text = f"第 {number} 次（记录号 {sitting.seq}，会议日期 {meeting.get('meeting_date', '—')}）："
        if "members_present_count" in meeting:  # the members due counted from the party group (issue 11 on)
            text += (f"应到会成员 {meeting['members_due']} 人（党组全体成员，含书记），"
                     f"实到 {meeting['members_present_count']} 人（含书记和回避成员），出席的其他成员：{present}")
        else:
            text += f"应到会成员 {meeting.get('members_due', '—')} 人（含书记），出席成员：{present}"
        if recused:
            text += f"；回避：{recused}（{meeting.get('recusal_reason') or '未写事由'}）"
        if meeting.get("vote_method"):
            text += f"；表决方式：{ballot_secrecy.VOTE_METHODS.get(meeting['vote_method'], ('—',))[0]}"
        flowables.append(_para(text, "body"))
        rows = [[_para(title) for title in ("表决人", "表决意见", "意见说明", "时间")]]
        # A secret ballot is filed with its counts only; each member's choice stays in the record for auditors.
        for at, who, choice, opinion in [] if meeting.get("vote_method") == ballot_secrecy.SECRET else sitting.ballots:
            first, *more = _pieces(opinion or "—")
            rows.append([_para(names.get(who, who)), _para(CHOICE_NAMES.get(choice, choice)), _para(first),
                         _para(beijing(at))])
            rows += [["", "", _para(piece), ""] for piece in more]
        tally = "，".join(f"{label} {sum(1 for b in sitting.ballots if b[2] == code)} 票"
                         for code, label in CHOICE_NAMES.items())
        rows.append([_para("合计"), _para(tally), "", ""])
        table = _table(rows, [40 * mm, 22 * mm, WIDTH - 92 * mm, 30 * mm])
        table.setStyle(TableStyle([("SPAN", (1, -1), (-1, -1))]))
        flowables += [Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]
    return flowables


def verdict_lines(verdict: CaseVerdict) -> list[str]:
    """The verification verdict in words, with the checkpoint the case's record chains to."""
    if verdict.ok:
        signed = f"，与 {verdict.checkpoints} 个签名检查点所签相符" if verdict.checkpoints else ""
        lines = [f"校验结论：完好。共 {verdict.checked} 条记录，内容与 hash、前后链接均相符{signed}。"]
    else:
        lines = [f"校验结论：校验失败。第一条有问题的记录 seq {verdict.first_bad_seq}：{verdict.reason}"]
    replayed = verdict.replayed
    if replayed is None:
        lines.append("重放：未进行")
    elif replayed.ok:
        lines.append(f"重放：一致，{replayed.events} 条记录的 state_digest 均已复现")
    else:
        lines.append(f"重放：不一致（seq {replayed.first_bad_seq}：{replayed.reason}）")
    lines += [f"注意：{warning}" for warning in verdict.warnings]
    latest = verdict.latest
    if latest is None:
        lines.append("签名检查点：尚无签名检查点覆盖")
    else:
        lines += [f"签名检查点：seq {latest.seq}，签名时间 {beijing(latest.at)}（北京时间），"
                  f"覆盖 seq {latest.from_seq + 1}–{latest.seq}，公钥指纹 {latest.key_id}",
                  f"检查点 hash：{latest.hash}", f"签名（Ed25519，base64）：{latest.signature}"]
    return lines


def _page_canvas(footer: str):
    """A canvas class that writes "第 x 页 / 共 y 页" once it knows how many pages there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self.setFont(FONT, 8)
                text = f"{footer}　第 {number} 页 / 共 {len(self._pages)} 页"
                self.drawCentredString(self._pagesize[0] / 2, 10 * mm, text)  # portrait or landscape
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(session: Session, case: Case, verdict: CaseVerdict) -> bytes:
    """The case's 纪实表: its particulars, one row per recorded step, the ballots, and ``verdict``."""
    styles = _styles()
    steps = case_history.steps(session, case, viewer=ballot_secrecy.FILED_READER)
    rounds = vote_rounds(case_events(session, case.id))
    people = {step.actor for step in steps}
    people |= {m for r in rounds for key in ("members_present", "recused") for m in r.meeting.get(key) or []}
    names = _names(session, people)
    title = sheet_title(case.spec.name)
    story = [Paragraph(readable(title), styles["title"]), _case_block(session, case),
             Paragraph("办理过程", styles["heading"]), _steps_table(steps, names)]
    if candidates := candidate_view.lines(views.case_data(case)):
        story += [Paragraph("人选情况", styles["heading"]), _candidates_table(candidates)]
    if rounds:
        story += [Paragraph("党组会议表决情况", styles["heading"]), *_vote_blocks(rounds, names)]
    story += [Paragraph("记录校验", styles["heading"]), *(_para(line, "body") for line in verdict_lines(verdict))]
    story += record_diagram.diagram_pages(case)
    out = io.BytesIO()
    # invariant: the same record gives the same bytes, so an archive's manifest hash can be reproduced.
    document = BaseDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                               bottomMargin=18 * mm, title=f"{title}（案件 {case.id}）", author="cadreflow",
                               invariant=True)
    # The record reads down portrait pages; the diagram, wide, goes on landscape pages after them.
    portrait = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="normal")
    document.addPageTemplates([PageTemplate("portrait", [portrait], pagesize=A4), record_diagram.page_template()])
    document.build(story, canvasmaker=_page_canvas(f"案件 {case.id} {title}"))
    return out.getvalue()
