"""Building registry workbooks in tests, and reading back what an import wrote."""

import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select

from storage.models import AnnualAssessment
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from storage.models import SectionAssessment
from storage.models import Unit
from workflows.registry.workbook.importing import import_cadres
from workflows.registry.workbook.importing import read_workbook
from workflows.registry.workbook.sheets import ASSESSMENTS
from workflows.registry.workbook.sheets import CADRES
from workflows.registry.workbook.sheets import SANCTIONS
from workflows.registry.workbook.sheets import SECTION_ASSESSMENTS
from workflows.registry.workbook.sheets import SECTIONS
from workflows.registry.workbook.sheets import Sheet

TABLES = (Unit, Section, Cadre, Post, AnnualAssessment, Sanction, SectionAssessment)
POST = {"科室代码": "BGS", "现任职务": "副科长", "职务层次": "副科", "是否实职": "是", "任现职日期": "2023-03-01",
        "任职方式": "提拔"}


def person(staff_no: str, name: str, changes: dict | None = None, post: dict | None = POST) -> dict:
    """A 干部 row keyed by header: a man born 1985 holding ``post`` (None: no post), with ``changes``."""
    row = {"干部编号": staff_no, "姓名": name, "性别": "男", "出生日期": "1985-03-01", "民族": "汉族",
           "政治面貌": "中共党员", "人员类别": "公务员", **(post or {})}
    return {**row, **(changes or {})}


def table(sheet: Sheet, *rows: dict, drop: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> list[list]:
    """The sheet's header (less ``drop``, plus ``extra``) and a row per dict; an empty dict is a blank row."""
    headers = [column.header for column in sheet.columns if column.header not in drop] + list(extra)
    return [headers, *([row.get(header) for header in headers] for row in rows)]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def valid_sheets() -> dict[str, list[list]]:
    return {
        CADRES.name: table(
            CADRES,
            person("L002", "郑晓燕", {"性别": "女", "出生日期": date(1972, 11, 20)}, post=None),
            person("QP0101", "张三", {
                "出生日期": date(1985, 3, 1), "入党时间": "2008-06-01", "参加工作时间": date(2007, 7, 1),
                "全日制学历": "大学本科", "全日制学位": "学士", "毕业院校": "华东师范大学", "所学专业": "公共管理",
                "职级": "四级主任科员", "任职决定日期": "2023-02-20", "任职通知日期": "2023-02-24",
                "同一职位起始日期": "2020-03-01", "试用期起": "2023-03-01", "试用期止": "2024-02-29",
                "试用期结果": "胜任", "是否正在接受审查": "否"}),
            person("QP0102", "李四", {"性别": "女", "出生日期": "1990-07-15", "人员类别": "工勤",
                                     "科室代码": "SJZY", "现任职务": "一级主任科员", "职务层次": None,
                                     "是否实职": "否", "任职方式": "其他", "是否正在接受审查": "是"}),
            person("QP0103", "王五", {"科室代码": "SJZY", "职级": "三级主任科员"})),
        ASSESSMENTS.name: table(
            ASSESSMENTS, {"干部编号": "QP0101", "年度": 2024, "等次": "优秀", "考核类别": "公务员考核"},
            {"干部编号": "QP0101", "年度": "2023", "等次": "称职", "考核类别": "公务员考核"},
            {"干部编号": "QP0102", "年度": 2024, "等次": "合格", "考核类别": "事业单位考核"}),
        SANCTIONS.name: table(
            SANCTIONS, {"干部编号": "QP0102", "类别": "诫勉", "决定日期": "2025-01-15", "影响期至": "2025-07-15"}),
        SECTIONS.name: table(
            SECTIONS, {"科室代码": "BGS", "科室名称": "办公室", "单位代码": "QPSJJ", "单位名称": "上海市青浦区数据局",
                       "分管领导干部编号": "L002"},
            {"科室代码": "SJZY", "科室名称": "数据资源科", "单位代码": "QPSJJ", "单位名称": "上海市青浦区数据局"}),
        SECTION_ASSESSMENTS.name: table(
            SECTION_ASSESSMENTS, {"科室代码": "BGS", "年度": 2024, "等次": "良好", "名次": 3},
            {"科室代码": "SJZY", "年度": 2024, "等次": "优秀"}),
    }


def import_file(sessions, data: bytes, filename: str = "registry.xlsx", **options):
    with sessions.begin() as session:
        return import_cadres(session, read_workbook(data, filename), **options)


def counts(summary) -> dict[str, tuple[int, int, int]]:
    return {name: (c.created, c.updated, c.unchanged) for name, c in summary.sheets.items()}


def snapshot(session) -> dict[str, list[tuple]]:
    """Every registry row, ``updated_at`` included, so that any write shows."""
    return {model.__tablename__: [tuple(row) for row in session.execute(
        select(model.__table__).order_by(model.__table__.c.id))] for model in TABLES}


def cadre(session, staff_no: str) -> Cadre:
    return session.scalar(select(Cadre).where(Cadre.staff_no == staff_no))


