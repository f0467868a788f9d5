"""The registry workbook's sheets and columns, once: Chinese header, model field, required or not, parser."""

from dataclasses import dataclass
from functools import reduce

from storage.models import Award
from storage.models import Cadre
from storage.models import FamilyMember
from storage.models import Filing
from storage.models import LeavePeriod
from storage.models import Post
from storage.models import ResumeEntry
from storage.models import Sanction
from storage.models import Section
from storage.models import TalkRecord
from storage.models import Unit
from workflows.errors import InvalidData
from workflows.registry import cadre_file_codes as file_codes
from workflows.registry import codes as codes
from workflows.registry.personal_checks import TEXT_MAX
from workflows.registry.workbook.cells import Choice
from workflows.registry.workbook.cells import Day
from workflows.registry.workbook.cells import IdentityNo
from workflows.registry.workbook.cells import Month
from workflows.registry.workbook.cells import Text
from workflows.registry.workbook.cells import Whole
from workflows.registry.workbook.cells import YesNo
from workflows.text import t

GUIDE_SHEET = "填写说明"  # the template's instructions; the importer skips it


def text_of(attribute) -> Text:
    """Free text as long as the model column allows, so the limit is stated once, in the model."""
    return Text(attribute.property.columns[0].type.length)


@dataclass(frozen=True)
class Column:
    """One column: its header, the field it fills, whether it must be there and filled, and its parser."""

    header: str
    field: str
    parser: Text | Choice | YesNo | Day | Whole
    required: bool = False
    example: str = ""
    note: str = ""  # what the template's instructions add to the parser's hint


@dataclass(frozen=True)
class Sheet:
    """One sheet; ``key`` names the fields that identify a row, ``group`` the fields blank together or not."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    group: frozenset[str] = frozenset()  # required within the group only when a cell of it is filled

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


STAFF_NO = Column("干部编号", "staff_no", text_of(Cadre.staff_no), True, "QP0101")
YEAR = Whole(1950, 2100)
POST_FIELDS = frozenset({
    "section_code", "title", "level", "is_leadership", "civil_service_rank", "decision_date", "notice_date",
    "start_date", "same_post_start", "appointment_mode", "probation_start", "probation_end", "probation_result",
    "category"})
# A change in any of these is a new appointment; other post fields are corrected in place.
POST_IDENTITY = ("section_code", "title", "level", "is_leadership", "start_date")

CADRES = Sheet("干部", (
    STAFF_NO,
    Column("姓名", "name", text_of(Cadre.name), True, "张三"),
    Column("性别", "gender", Choice(codes.GENDER), True, "男"),
    Column("出生日期", "birth_date", Day(), True, "1985-03-01", "以档案认定的为准"),
    Column("民族", "ethnicity", text_of(Cadre.ethnicity), True, "汉族"),
    Column("政治面貌", "political_affiliation", Choice(codes.POLITICAL_AFFILIATION), True, "中共党员"),
    Column("入党时间", "party_join_date", Day(), example="2008-06-01"),
    Column("参加工作时间", "work_start_date", Day(), example="2007-07-01"),
    Column("人员类别", "staff_category", Choice(codes.STAFF_CATEGORY), True, "公务员"),
    Column("退休类别", "retirement_category", Choice(codes.RETIREMENT_CATEGORY), example="男",
           note="留空则按性别和人员类别推定"),
    Column("全日制学历", "ft_education_level", Choice(codes.EDUCATION_LEVEL), example="大学本科"),
    Column("全日制学位", "ft_degree", text_of(Cadre.ft_degree), example="学士"),
    Column("毕业院校", "ft_school", text_of(Cadre.ft_school), example="华东师范大学"),
    Column("所学专业", "ft_major", text_of(Cadre.ft_major), example="公共管理"),
    Column("在职学历", "pt_education_level", Choice(codes.EDUCATION_LEVEL), example="硕士研究生"),
    Column("在职学位", "pt_degree", text_of(Cadre.pt_degree), example="公共管理硕士"),
    Column("科室代码", "section_code", text_of(Section.code), example="BGS", note="须在科室表或系统中已有"),
    Column("现任职务", "title", text_of(Post.title), True, "副科长"),
    Column("职务层次", "level", Choice(codes.POST_LEVEL), example="副科"),
    Column("是否实职", "is_leadership", YesNo(), True, "是", "是 = 领导职务"),
    Column("岗位类别", "category", Choice(codes.POST_CATEGORY), example="财务",
           note="组织、人事、纪检、审计、财务、审批、采购、许可、处罚等重点岗位须填写："
                "非领导职务在重点岗位满 10 年也须轮岗；其他岗位填 其他 或留空"),
    Column("职级", "civil_service_rank", text_of(Post.civil_service_rank), example="四级主任科员"),
    Column("任职决定日期", "decision_date", Day(), example="2023-02-20"),
    Column("任职通知日期", "notice_date", Day(), example="2023-02-24"),
    Column("任现职日期", "start_date", Day(), True, "2023-03-01", "不早于年满 16 周岁之日"),
    Column("同一职位起始日期", "same_post_start", Day(), example="2023-03-01",
           note="留空则为任现职日期；同科室同职务连任时沿用原起始日期"),
    Column("任职方式", "appointment_mode", Choice(codes.APPOINTMENT_MODE), True, "提拔"),
    Column("试用期起", "probation_start", Day(), example="2023-03-01"),
    Column("试用期止", "probation_end", Day(), example="2024-02-29", note="不早于试用期起"),
    Column("试用期结果", "probation_result", Choice(codes.PROBATION_RESULT), example="胜任"),
    Column("是否正在接受审查", "under_investigation", YesNo(), example="否", note="留空视为否"),
    # What the 干部任免审批表 adds (the form's boxes); personal information, like the family sheet.
    Column("公民身份号码", "identity_no", IdentityNo(), example="310229198503010015",
           note="出生日期和性别须与本行（或系统中）登记的一致；不得与其他干部重复"),
    Column("籍贯", "native_place", text_of(Cadre.native_place), example="上海青浦"),
    Column("出生地", "birthplace", text_of(Cadre.birthplace), example="上海青浦"),
    Column("健康状况", "health", text_of(Cadre.health), example="健康"),
    Column("专业技术职务", "professional_title", text_of(Cadre.professional_title), example="工程师"),
    Column("熟悉专业有何专长", "expertise", text_of(Cadre.expertise), example="数据治理"),
    Column("全日制学位授予院校系及专业", "ft_degree_school", text_of(Cadre.ft_degree_school),
           note="与毕业院校、所学专业不同时填写"),
    Column("在职教育毕业院校", "pt_school", text_of(Cadre.pt_school), example="复旦大学"),
    Column("在职教育所学专业", "pt_major", text_of(Cadre.pt_major), example="公共管理"),
    Column("在职学位授予院校系及专业", "pt_degree_school", text_of(Cadre.pt_degree_school)),
    Column("现任职务（手写）", "post_text", text_of(Cadre.post_text), note="留空则按现任职务生成"),
    Column("奖惩情况（手写）", "rewards_text", Text(TEXT_MAX), note="留空则按奖励和处分记录生成"),
    Column("年度考核结果（手写）", "assessment_text", Text(TEXT_MAX), note="留空则按近三年年度考核生成"),
), key=("staff_no",), group=POST_FIELDS)

ASSESSMENTS = Sheet("年度考核", (
    STAFF_NO,
    Column("年度", "year", YEAR, True, "2024"),
    Column("等次", "grade", Choice(codes.ANNUAL_GRADE, codes.ANNUAL_GRADE_ALIASES), True, "优秀",
           "事业单位的合格、基本合格、不合格分别记为称职、基本称职、不称职"),
    Column("考核类别", "scheme", Choice(codes.ASSESSMENT_SCHEME), True, "公务员考核"),
), key=("staff_no", "year"))

SANCTIONS = Sheet("处分", (
    STAFF_NO,
    Column("类别", "kind", text_of(Sanction.kind), True, "诫勉"),
    Column("决定日期", "decided_on", Day(), True, "2024-01-15"),
    Column("影响期至", "impact_until", Day(), example="2024-07-15", note="不早于决定日期"),
), key=())  # no natural key: a row identical to a recorded sanction is not added again

SECTIONS = Sheet("科室", (
    Column("科室代码", "code", text_of(Section.code), True, "BGS"),
    Column("科室名称", "name", text_of(Section.name), True, "办公室"),
    Column("单位代码", "unit_code", text_of(Unit.code), True, "QPSJJ"),
    Column("单位名称", "unit_name", text_of(Unit.name), True, "上海市青浦区数据局"),
    Column("分管领导干部编号", "leader_staff_no", text_of(Cadre.staff_no), example="L002",
           note="须在干部表或系统中已有"),
), key=("code",))

SECTION_ASSESSMENTS = Sheet("科室考核", (
    Column("科室代码", "section_code", text_of(Section.code), True, "BGS", "须在科室表或系统中已有"),
    Column("年度", "year", YEAR, True, "2024"),
    Column("等次", "grade", Choice(codes.SECTION_GRADE), True, "良好"),
    Column("名次", "rank", Whole(1, 999), example="3", note="1 为第一名"),
), key=("section_code", "year"))

# The cadre file (seed 004 谈心制度、备案制度) and leave periods: rows without a natural key, like 处分.
TALKS = Sheet("谈心谈话", (
    STAFF_NO,
    Column("谈话日期", "held_on", Day(), True, "2025-06-10"),
    Column("谈话类型", "kind", Choice(file_codes.TALK_KIND), True, "谈心谈话"),
    Column("谈话人", "talkers", text_of(TalkRecord.talkers), True, "郑晓燕", "多人以顿号分隔"),
    Column("谈话内容", "summary", Text(file_codes.TALK_SUMMARY_MAX), True, "肯定成绩，指出不足，提出要求"),
), key=())

FILINGS = Sheet("备案", (
    STAFF_NO,
    Column("备案类别", "kind", Choice(file_codes.FILING_KIND, file_codes.FILING_ALIASES), True, "学历教育"),
    Column("备案日期", "filed_on", Day(), True, "2025-03-01"),
    Column("备案内容", "content", Text(file_codes.FILING_CONTENT_MAX), True, "在职攻读公共管理硕士"),
    Column("文号", "document_no", text_of(Filing.document_no), example="青数〔2025〕3号"),
), key=())

LEAVES = Sheet("请假", (
    STAFF_NO,
    Column("请假类别", "kind", Choice(file_codes.LEAVE_KIND), True, "病假"),
    Column("起始日期", "start_date", Day(), True, "2025-04-01"),
    Column("结束日期", "end_date", Day(), True, "2025-05-31", "不早于起始日期；同一干部的请假期间不得重叠"),
    Column("备注", "note", text_of(LeavePeriod.note), example="住院治疗"),
), key=())
FILE_SHEETS = (TALKS, FILINGS, LEAVES)

# The approved headcount (职数) of a section at 正科 or 副科; the selection's ① reads it (workflows/headcount.py).
HEADCOUNT = Sheet("职数", (
    Column("科室代码", "section_code", text_of(Section.code), True, "BGS", "须在科室表或系统中已有"),
    Column("职务层次", "level", Choice(codes.POST_LEVEL), True, "正科"),
    Column("核定职数", "approved", Whole(0, 99), True, "1", "现有实职超过核定职数的，页面显示超职数"),
), key=())  # one row per section and level: checked in workflows/headcount.py, naming the level in words

# The 干部任免审批表's lists: a cadre's rows in the file replace theirs, in the file's order (awards: like 处分).
FAMILY = Sheet("家庭成员", (
    STAFF_NO,
    Column("称谓", "relation", text_of(FamilyMember.relation), True, "妻子"),
    Column("姓名", "name", text_of(FamilyMember.name), True, "李华"),
    Column("出生年月", "birth_month", Month(), example="1986.05"),
    Column("政治面貌", "political_status", text_of(FamilyMember.political_status), example="中共党员",
           note="照填，如 中共党员、群众、共青团员"),
    Column("工作单位及职务", "work_unit_post", text_of(FamilyMember.work_unit_post), example="上海市青浦区教育局科员",
           note="每名干部最多 20 行；文件中有该干部的行时，替换其全部家庭成员"),
), key=())
RESUME = Sheet("简历", (
    STAFF_NO,
    Column("起始年月", "start_month", Month(), True, "2007.07"),
    Column("终止年月", "end_month", Month(), example="2012.03", note="留空表示至今，只有该干部的最后一段可以留空"),
    Column("单位及职务", "text", text_of(ResumeEntry.text), True, "上海市青浦区数据局办公室科员",
           note="按时间顺序；文件中有该干部的行时，替换其全部简历；没有的干部按任职记录生成"),
), key=())
AWARDS = Sheet("奖励", (
    STAFF_NO,
    Column("日期", "awarded_on", Day(), True, "2021-12-20"),
    Column("名称", "title", text_of(Award.title), True, "记三等功"),
    Column("授予单位", "granted_by", text_of(Award.granted_by), example="上海市青浦区人民政府",
           note="已有完全相同的一条时不重复添加"),
), key=())
PERSONAL_SHEETS = (FAMILY, RESUME, AWARDS)

PERSON_FIELDS = tuple(column.field for column in CADRES.columns if column.field not in POST_FIELDS)
SHEETS = (CADRES, ASSESSMENTS, SANCTIONS, SECTIONS, SECTION_ASSESSMENTS, *FILE_SHEETS, HEADCOUNT, *PERSONAL_SHEETS)
SHEET_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


@dataclass(frozen=True)
class CellError:
    """One problem in the file; ``row`` is the row Excel shows (header = 1), None for a whole sheet or column."""

    sheet: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        # One message built from its parts (sheet, row, column), so that an English page reads it in English.
        parts = [t("{sheet}表", sheet=self.sheet)] if self.sheet else []
        if self.row is not None:
            parts.append(t("第 {row} 行", row=self.row))
        if self.column:
            parts.append(t("「{column}」", column=self.column) if self.row is not None
                         else t("「{column}」列", column=self.column))
        if not parts:
            return self.reason
        where = reduce(lambda first, then: t("{where}{then}", where=first, then=then), parts)
        return t("{where}：{reason}", where=where, reason=self.reason)

    def order(self) -> tuple:
        """Sheet order, then row, then column order, as a reader scans the file."""
        sheet = SHEET_BY_NAME.get(self.sheet)
        headers = [column.header for column in sheet.columns] if sheet else []
        column = headers.index(self.column) if self.column in headers else len(headers)
        return (SHEETS.index(sheet) if sheet else -1 if not self.sheet else len(SHEETS),
                self.row or 0, column, self.reason)


class CadreImportError(InvalidData):
    """The file has errors and nothing was imported; ``cell_errors`` lists them in reading order.

    ``errors`` keeps the {key: message} shape every :class:`InvalidData` has, for the pages and the CLI.
    """

    def __init__(self, errors: list[CellError]):
        self.cell_errors = sorted(errors, key=CellError.order)
        messages: dict[str, str] = {}
        for error in self.cell_errors:
            key = f"{error.sheet}/{error.row or ''}/{error.column or ''}"
            messages[key if key not in messages else f"{key}/{len(messages)}"] = str(error)
        super().__init__(t("导入失败：文件中有 {count} 处错误，没有导入任何数据", count=len(self.cell_errors)),
                         messages)


def refused(reason: str, sheet: str = "", row: int | None = None, column: str | None = None) -> CadreImportError:
    """The error for a file that cannot be read at all, or not past the place named."""
    return CadreImportError([CellError(sheet, row, column, reason)])
