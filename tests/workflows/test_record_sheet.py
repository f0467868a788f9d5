"""The 全程纪实表 of a driven selection case: its steps, people, ballots, file and verdict, as pdftotext reads them."""

import re
import subprocess
from pathlib import Path

from storage.models import Case
from tests.procedures.driver import PACKAGED
from tests.workflows import recorded_case
from workflows.queries import case_history
from workflows.record import checkpoints
from workflows.record import record_sheet
from workflows.record import verification

recorded = recorded_case.recorded


def pdf_text(data: bytes, folder: Path) -> str:
    """What pdftotext reads from the PDF, all white space taken out (cells wrap their lines anywhere)."""
    path = folder / "sheet.pdf"
    path.write_bytes(data)
    read = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", read.stdout)


def pages(data: bytes, folder: Path) -> int:
    path = folder / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def as_printed(name: str) -> str:
    """A step name as the sheet prints it: ⑬ becomes (13), since the built-in font has no circled digits."""
    return re.sub("[\u2460-\u2473]", lambda m: f"({ord(m.group()) - 0x2460 + 1})", name)


def render(recorded, case_id: int, trusted: set[str] | None) -> tuple[bytes, verification.CaseVerdict, list]:
    with recorded.sessions() as session:
        case = session.get(Case, case_id)
        verdict = verification.verify_case(session, case, trusted)
        return record_sheet.render_pdf(session, case, verdict), verdict, case_history.steps(session, case)


def test_sheet_of_a_completed_case_shows_each_step_person_ballot_file_and_the_verdict(recorded, tmp_path):
    data, verdict, steps = render(recorded, recorded.case_id, recorded.trusted)
    assert verdict.ok and data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "科级干部选拔任用全程纪实表" in text
    assert f"案件编号{recorded.case_id}" in text and "状态已办结" in text
    # Every recorded step has its row, the model's numbered step names readable.
    for name in ("(1)分析研判", "(13)党组会议：出席与回避", "党组成员逐一表态", "书记最后表态", "(14)发布任前公示",
                 "(15)发文任职", "(16)党组决定是否正式任职", "期限届满", "办结"):
        assert name in text, name
    assert [s.name for s in steps if re.sub(r"\s+", "", as_printed(s.name)) not in text] == []
    assert not re.search("[\u2460-\u2473]", text)
    # Who and their role, each in its cell (two short rows may come out of the text side by side).
    for person, role in (("王敏（organiser）", "人事组织部门"), ("李华（secretary）", "党组书记"),
                         ("赵磊（inspector）", "考察组"), ("刘洋（discipline）", "纪检监察"),
                         ("孙丽（district）", "区委组织部")):
        assert re.search(re.escape(person) + r"(\S{0,20}（\w+）)?" + re.escape(role), text), person
    # Form titles label what was submitted; the long analysis runs over a page and comes through whole.
    assert "研判意见：原科长交流轮岗后空缺" in text and "研判完毕" in text
    total = pages(data, tmp_path)
    assert total >= 3 and text.count("需从副科级干部中选拔") >= 220 - total  # a page break may cut one
    assert f"职数研判报告.pdf（sha256：{recorded_case.ATTACHMENT['sha256']}）" in text
    # The party-group vote: each ballot, the recusal and the tally.
    # A paragraph may run over a page: read it without the page footers that land inside it.
    flowing = re.sub(r"案件\d+科级干部选拔任用全程纪实表第\d+页/共\d+页", "", text)
    assert "党组会议表决情况" in text and "回避：郑凯（member6）（与拟任人选有亲属关系）" in flowing
    assert "应到会成员7人（党组全体成员，含书记），实到7人（含书记和回避成员）" in flowing
    assert "表决方式：举手表决" in flowing
    assert "吴芳（member5）不同意需进一步了解情况" in text and "张强（member1）同意" in text
    assert "合计同意5票，不同意1票，缓议0票" in text
    # The verdict and the checkpoint the record chains to.
    checkpoint = recorded.checkpoint
    assert f"校验结论：完好。共{verdict.checked}条记录" in text and "重放：一致" in text
    assert f"签名检查点：seq{checkpoint.seq}" in text and f"公钥指纹{checkpoint.key_id}" in text
    assert checkpoint.signature in text and checkpoint.hash in text
    assert "第1页/共" in text and f"第{total}页/共{total}页" in text


def test_same_record_gives_the_same_pdf(recorded):
    assert render(recorded, recorded.case_id, recorded.trusted)[0] == render(recorded, recorded.case_id,
                                                                             recorded.trusted)[0]


def test_sheet_of_a_running_case_says_no_checkpoint_covers_it(recorded, tmp_path):
    data, verdict, _ = render(recorded, recorded.running_id, recorded.trusted)
    text = pdf_text(data, tmp_path)
    assert verdict.ok and verdict.latest is None
    assert "状态办理中" in text and "结束时间（北京时间）—" in text
    assert "签名检查点：尚无签名检查点覆盖" in text
    assert "注意：本案件最后1条记录尚无签名检查点覆盖" in text
    assert "党组会议表决情况" not in text


def test_sheet_states_a_failed_verification_with_its_seq_and_reason(recorded, tmp_path):
    stranger = checkpoints.generate_key(tmp_path / "stranger.pem").public_key
    data, verdict, _ = render(recorded, recorded.case_id, {stranger})
    text = pdf_text(data, tmp_path)
    assert not verdict.ok and verdict.first_bad_seq == recorded.checkpoint.seq
    assert f"校验结论：校验失败。第一条有问题的记录seq{recorded.checkpoint.seq}" in text
    assert f"由未知公钥{recorded.checkpoint.key_id}签名" in text


def test_title_is_the_process_name_of_each_packaged_model():
    names = [re.search(r'<bpmn:process id="[^"]+" name="([^"]+)"', path.read_text(encoding="utf-8")).group(1)
             for path in sorted(PACKAGED.glob("*.bpmn"))]
    assert [record_sheet.sheet_title(name) for name in names] == [
        "科级干部选拔任用全程纪实表", "科级干部交流轮岗全程纪实表", "到龄退二线审批全程纪实表"]
