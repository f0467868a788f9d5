"""Cadres of the demo registry given what the 干部任免审批表 prints beyond the core record, and reading a PDF back."""

import io
import re
import subprocess
from datetime import date
from pathlib import Path

from PIL import Image
from PIL import ImageDraw
from sqlalchemy import delete

from storage.models import Award
from storage.models import CadrePhoto
from storage.models import FamilyMember
from storage.models import ResumeEntry
from workflows.registry import cadre_records

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FAMILY = [("妻子", "王丽", date(1986, 3, 1), "中共党员", "青浦区教育局基础教育科科员"),
          ("儿子", "崔小明", date(2012, 5, 1), "群众", "青浦区实验小学学生"),
          ("父亲", "崔建国", date(1958, 1, 1), "中共党员", "青浦区农业农村委退休干部"),
          ("母亲", "李秀英", date(1960, 8, 1), "群众", "已退休")]
LONG_TEXT = ("上海市青浦区某某街道办事处社区管理办公室科员兼任社区网格化综合管理中心副主任，负责城市运行管理、"
             "应急处置和数据资源整合利用等工作（其间：参加区委党校中青年干部培训班学习）")
TEN = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十"]


def photo_png(width: int = 350, height: int = 490) -> bytes:
    """A made-up 2-inch portrait (a drawn face, not a person)."""
    image = Image.new("RGB", (width, height), (200, 220, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.28, height * 0.16, width * 0.72, height * 0.53), fill=(240, 200, 170))
    draw.rectangle((width * 0.17, height * 0.6, width * 0.83, height), fill=(40, 60, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def dress(session, staff_no: str) -> None:
    """Give a cadre 籍贯, 出生地, 健康, 职称, 专长, four family members, an award and a photo."""
    cadre = cadre_records.find_cadre(session, staff_no)
    clear(session, cadre.id)
    cadre.native_place, cadre.birthplace, cadre.health = "上海青浦", "上海青浦", "健康"
    cadre.professional_title, cadre.expertise = "工程师", "数据治理、信息化项目管理"
    for position, (relation, name, born, status, work) in enumerate(FAMILY, start=1):
        session.add(FamilyMember(cadre_id=cadre.id, position=position, relation=relation, name=name,
                                 birth_month=born, political_status=status, work_unit_post=work))
    session.add(Award(cadre_id=cadre.id, awarded_on=date(2019, 12, 20), title="记三等功", granted_by="青浦区人民政府"))
    content = photo_png()
    session.merge(CadrePhoto(cadre_id=cadre.id, media_type="image/png", size=len(content), sha256="0" * 64,
                           content=content))


def clear(session, cadre_id: int) -> None:
    """No family, 简历 periods or awards (the demo registry gives some): the test says what the form holds."""
    for model in (FamilyMember, ResumeEntry, Award):
        session.execute(delete(model).where(model.cadre_id == cadre_id))


def overfill(session, staff_no: str) -> None:
    """Forty long 简历 periods and ten family members (the form's extreme)."""
    cadre = cadre_records.find_cadre(session, staff_no)
    clear(session, cadre.id)
    for number in range(40):
        start = date(1980 + number // 2, 1 + 6 * (number % 2), 1)
        end = date(1980 + (number + 1) // 2, 1 + 6 * ((number + 1) % 2), 1) if number < 39 else None
        session.add(ResumeEntry(cadre_id=cadre.id, position=number + 1, start_month=start, end_month=end,
                                text=f"第{number + 1}段 {LONG_TEXT}"))
    for position, name in enumerate(TEN, start=1):
        session.add(FamilyMember(cadre_id=cadre.id, position=position, relation="亲属", name=name,
                                 birth_month=date(1960 + position, 1, 1), political_status="群众",
                                 work_unit_post="上海市青浦区某某镇人民政府社会事业发展办公室退休职工"))


def pdf_text(pdf: bytes, *pages: int) -> str:
    """The text pdftotext reads from ``pdf`` (``pages``: first and last page), spaces removed."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    done = subprocess.run(["pdftotext", *span, "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", "", done.stdout.decode())


def page_count(pdf: bytes) -> int:
    done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, text=False)
    return int(re.search(rb"Pages:\s+(\d+)", done.stdout).group(1))


def words(pdf: bytes) -> list[tuple[int, float, float, float, float, str, float, float]]:
    """Every word pdftotext finds: (page, xMin, yMin, xMax, yMax, text, page width, page height), top-left origin."""
    done = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True)
    found, page, size = [], 0, (0.0, 0.0)
    for line in done.stdout.decode().splitlines():
        opened = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if opened:
            page, size = page + 1, (float(opened.group(1)), float(opened.group(2)))
        word = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if word:
            found.append((page, *(float(word.group(n)) for n in range(1, 5)), word.group(5), *size))
    return found


def write_pngs(pdf: bytes, stem: str) -> list[Path]:
    """The pages as PNGs in tests/artifacts/ (for review): ``stem``-1.png …"""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-", str(ARTIFACTS / stem)], input=pdf, check=True)
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))
