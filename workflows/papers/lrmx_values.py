"""What one .lrmx file would change in the registry: the file's form as the registry's values, checked with the
registry's own checks, and each field that differs from what the registry holds (old and new, as the form prints)."""

import dataclasses
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sqlalchemy.orm import Session

from storage.models import Cadre
from workflows.errors import InvalidData
from workflows.papers import lrmx
from workflows.papers.approval_form import ApprovalForm
from workflows.papers.approval_registry import collect
from workflows.papers.approval_registry import post_text
from workflows.papers.approval_registry import school_text
from workflows.record.canonical import sha256_hex
from workflows.registry import codes
from workflows.registry import edit
from workflows.registry import family as registry_family
from workflows.registry import identity_no
from workflows.registry import personal
from workflows.registry import photo as registry_photo
from workflows.registry import resume as registry_resume
from workflows.registry.personal_checks import check_personal
from workflows.registry.personal_checks import resume_text
from workflows.text import t

LABELS = {
    "XingMing": t("姓名"), "XingBie": t("性别"), "ChuShengNianYue": t("出生年月"), "MinZu": t("民族"),
    "JiGuan": t("籍贯"), "ChuShengDi": t("出生地"), "RuDangShiJian": t("入党时间"),
    "CanJiaGongZuoShiJian": t("参加工作时间"), "JianKangZhuangKuang": t("健康状况"),
    "ZhuanYeJiShuZhiWu": t("专业技术职务"), "ShuXiZhuanYeYouHeZhuanChang": t("熟悉专业有何专长"),
    "QuanRiZhiJiaoYu_XueLi": t("全日制教育学历"), "QuanRiZhiJiaoYu_XueWei": t("全日制教育学位"),
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": t("全日制毕业院校系及专业"),
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": t("全日制学位授予院校系及专业"),
    "ZaiZhiJiaoYu_XueLi": t("在职教育学历"), "ZaiZhiJiaoYu_XueWei": t("在职教育学位"),
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": t("在职毕业院校系及专业"),
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": t("在职学位授予院校系及专业"),
    "XianRenZhiWu": t("现任职务"), "NiRenZhiWu": t("拟任职务"), "NiMianZhiWu": t("拟免职务"), "JianLi": t("简历"),
    "JiangChengQingKuang": t("奖惩情况"), "NianDuKaoHeJieGuo": t("年度考核结果"), "RenMianLiYou": t("任免理由"),
    "JiaTingChengYuan": t("家庭主要成员及重要社会关系"), "ChengBaoDanWei": t("呈报单位"),
    "JiSuanNianLingShiJian": t("计算年龄时间"), "TianBiaoShiJian": t("填表时间"), "TianBiaoRen": t("填表人"),
    "ShenFenZheng": t("公民身份号码"), "ZhaoPian": t("照片"),
}
# Boxes of a case or of the paper itself: the registry keeps none of them (the plan lists them as not stored).
NOT_STORED = ("NiRenZhiWu", "NiMianZhiWu", "RenMianLiYou", "ChengBaoDanWei", "JiSuanNianLingShiJian",
              "TianBiaoShiJian", "TianBiaoRen")
TEXT_COLUMNS = {"name": "name", "ethnicity": "ethnicity", "native_place": "native_place",
                "birthplace": "birthplace", "health": "health", "professional_title": "professional_title",
                "expertise": "expertise", "ft_degree": "ft_degree", "ft_degree_school": "ft_degree_school",
                "pt_degree": "pt_degree", "pt_degree_school": "pt_degree_school"}
# An empty box keeps what the registry holds: these are never blank there (入党时间 blank is a party member's gap).
KEPT_WHEN_EMPTY = ("name", "gender", "birth", "ethnicity", "party_join")
EDUCATION_ALIASES = {"研究生": "master", "硕士": "master", "博士": "doctorate", "本科": "bachelor",
                     "大学": "bachelor", "大学专科": "college", "专科": "college", "中等专科": "secondary"}
POLITICAL_ALIASES = {"中国共产党党员": "cpc_member", "预备党员": "cpc_probationary", "无党派": "non_partisan"}
DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工", "致公", "九三", "台盟")
# The registry's fields, and the element of the file each one comes from (for the checks' messages).
FIELD_ELEMENTS = {
    "name": "XingMing", "gender": "XingBie", "retirement_category": "XingBie", "birth_date": "ChuShengNianYue",
    "ethnicity": "MinZu", "native_place": "JiGuan", "birthplace": "ChuShengDi", "political_affiliation":
    "RuDangShiJian", "party_join_date": "RuDangShiJian", "work_start_date": "CanJiaGongZuoShiJian",
    "health": "JianKangZhuangKuang", "professional_title": "ZhuanYeJiShuZhiWu",
    "expertise": "ShuXiZhuanYeYouHeZhuanChang", "ft_education_level": "QuanRiZhiJiaoYu_XueLi",
    "ft_degree": "QuanRiZhiJiaoYu_XueWei", "ft_school": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ft_major": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ft_degree_school": "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "pt_education_level": "ZaiZhiJiaoYu_XueLi", "pt_degree": "ZaiZhiJiaoYu_XueWei",
    "pt_school": "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "pt_major": "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "pt_degree_school": "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "identity_no": "ShenFenZheng",
    "post_text": "XianRenZhiWu", "rewards_text": "JiangChengQingKuang", "assessment_text": "NianDuKaoHeJieGuo",
}
FAMILY_TAGS = dict((attribute, tag) for tag, attribute in lrmx.FAMILY_FIELDS)
BLANK = ApprovalForm(**{f.name: "" for f in dataclasses.fields(ApprovalForm)
                        if f.name not in ("resume", "family", "photo", "extra")}, resume=(), family=())


@dataclass(frozen=True)
class Change:
    """One box the import changes: its element, its label, the registry's text and the file's."""

    element: str
    label: str
    old: str
    new: str


@dataclass
class Target:
    """What one file writes: the cadre's columns, and the lists it replaces (None: left as they are)."""

    columns: dict = field(default_factory=dict)
    family: list | None = None
    resume: list | None = None
    photo: bytes | None = None
    changes: list[Change] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def shown(attribute: str, form: ApprovalForm) -> str:
    """A box as the preview shows it."""
    if attribute == "resume":
        return resume_text(form.resume)
    if attribute == "family":
        return "\n".join(" ".join(part for part in dataclasses.astuple(row) if part) for row in form.family)
    if attribute == "photo":
        return t("{type} 图片，{size} KB，sha256 {digest}…", type=form.photo_type, size=round(len(form.photo) / 1024),
                 digest=sha256_hex(form.photo)[:12]) if form.photo else ""
    return getattr(form, attribute) or ""


def split_school(text: str) -> tuple[str | None, str | None]:
    """毕业院校系及专业 as the registry's school and major when the form prints it back the same; else all school."""
    match = re.fullmatch(r"(.+(?:大学|学院|学校|党校))(.+?)专业", text)
    if match and school_text(match[1], match[2]) == text:
        return match[1], match[2]
    return (text or None), None


def target(session: Session, form: ApprovalForm, cadre: Cadre | None, today: date, file_name: str) -> Target:
    """What ``form`` (read from ``file_name``) changes of ``cadre`` (None: a new cadre), checked."""
    current = collect(session, cadre, at=today) if cadre is not None else BLANK
    result = Target()
    for element, attribute, _kind in lrmx.ELEMENTS:
        if attribute is None or element in NOT_STORED or (attribute == "identity_no" and cadre is not None):
            continue
        old = shown(attribute, current)  # the form as it prints now: a written 现任职务 included
        new = shown(attribute, form)
        if new == old or (attribute == "photo" and not form.photo):
            continue  # a file without a photo leaves the stored one
        if attribute in KEPT_WHEN_EMPTY and not new and cadre is not None:
            result.warnings.append(t("{file}：元素 <{element}> 为空，保留登记的「{value}」", file=file_name,
                                     element=element, value=old))
            continue
        before = set(result.columns)
        _Writer(session, cadre, form, today, file_name, result).write(attribute, element)
        written = set(result.columns) - before
        if cadre is not None and written and all(getattr(cadre, name) == result.columns[name] for name in written):
            for name in written:  # another text for the same value (民盟盟员 for 民主党派): nothing to change
                del result.columns[name]
            continue
        result.changes.append(Change(element, LABELS[element], old, new))
    if cadre is None:
        _defaults(result, form, file_name)
    _check(result, cadre, today, file_name)
    return result


def _defaults(result: Target, form: ApprovalForm, file_name: str) -> None:
    """A new cadre's boxes the file left empty that the registry needs: from the identity number, or 群众."""
    columns, number = result.columns, form.identity_no
    valid = bool(number) and identity_no.problem(number) is None
    if "political_affiliation" not in columns:
        columns["political_affiliation"] = "masses"
        result.warnings.append(t("{file}：元素 <{element}> 为空，按“群众”登记", file=file_name,
                                 element="RuDangShiJian"))
    if "gender" not in columns and valid:
        columns["gender"] = identity_no.gender(number)
        result.warnings.append(t("{file}：元素 <{element}> 为空，按公民身份号码登记", file=file_name,
                                 element="XingBie"))
    if "birth_date" not in columns and valid:
        columns["birth_date"] = identity_no.birth_date(number)
        result.warnings.append(t("{file}：元素 <{element}> 为空，按公民身份号码登记", file=file_name,
                                 element="ChuShengNianYue"))


class _Writer:
    """Turns one box of the file into the registry's values (or an error naming its element)."""

    def __init__(self, session, cadre, form, today, file_name, result: Target):
        self.session, self.cadre, self.form, self.today = session, cadre, form, today
        self.file, self.result = file_name, result

    def error(self, element: str, problem: str) -> None:
        self.result.errors.setdefault(element, t("{file}：元素 <{element}>：{problem}", file=self.file,
                                                 element=element, problem=problem))

    def write(self, attribute: str, element: str) -> None:
        value, columns = getattr(self.form, attribute), self.result.columns
        if attribute in TEXT_COLUMNS:
            columns[TEXT_COLUMNS[attribute]] = value or None
        elif attribute == "identity_no":
            columns["identity_no"] = value or None
        elif attribute == "gender":
            columns["gender"] = codes.code_for(codes.GENDER, value)
        elif attribute in ("birth", "work_start"):
            column = "birth_date" if attribute == "birth" else "work_start_date"
            columns[column] = self.day(column, value)
        elif attribute == "party_join":
            self.party(element, value)
        elif attribute in ("ft_education", "pt_education"):
            level = codes.code_for(codes.EDUCATION_LEVEL, value, EDUCATION_ALIASES) if value else None
            if value and level is None:
                self.error(element, t("学历「{value}」不是登记的学历之一（{choices}）", value=value,
                                      choices="、".join(str(label) for label in codes.EDUCATION_LEVEL.values())))
            columns[f"{attribute[:2]}_education_level"] = level
        elif attribute in ("ft_school", "pt_school"):
            columns[attribute], columns[f"{attribute[:2]}_major"] = split_school(value)
        elif attribute == "current_post":
            held = self.cadre.current_post if self.cadre is not None else None
            columns["post_text"] = None if held is not None and value == post_text(held) else (value or None)
        elif attribute == "rewards":
            made = personal.generated_rewards(self.session, self.cadre) if self.cadre is not None else "无"
            columns["rewards_text"] = None if value in ("", made) else value
        elif attribute == "assessments":
            made = (personal.generated_assessments(self.session, self.cadre, self.today.year)
                    if self.cadre is not None else "")
            columns["assessment_text"] = None if value in ("", made) else value
        else:
            getattr(self, attribute)(element)

    def day(self, column: str, value: str) -> date | None:
        """The first of the file's month; the registry's own day (or the identity number's) when the month agrees."""
        if not value:
            return None
        first = date(int(value[:4]), int(value[5:7]), 1)
        known = [getattr(self.cadre, column, None) if self.cadre is not None else None]
        if column == "birth_date" and self.form.identity_no and not identity_no.problem(self.form.identity_no):
            known.append(identity_no.birth_date(self.form.identity_no))
        return next((day for day in known if day is not None and day.replace(day=1) == first), first)

    def party(self, element: str, value: str) -> None:
        columns = self.result.columns
        if lrmx.month(value) is not None:
            held = self.cadre.political_affiliation if self.cadre is not None else None
            columns["political_affiliation"] = held if held in ("cpc_member", "cpc_probationary") else "cpc_member"
            columns["party_join_date"] = self.day("party_join_date", value)
            return
        if any(party in value for party in DEMOCRATIC_PARTIES):
            code = "democratic_party"
        else:
            code = codes.code_for(codes.POLITICAL_AFFILIATION, value, POLITICAL_ALIASES)
        if code is None:
            self.error(element, t("「{value}」既不是年月（yyyyMM），也不是登记的政治面貌之一（{choices}）", value=value,
                                  choices="、".join(str(label) for label in codes.POLITICAL_AFFILIATION.values())))
        columns["political_affiliation"], columns["party_join_date"] = code, None

    def resume(self, element: str) -> None:
        try:
            self.result.resume = registry_resume.checked_lines(resume_text(self.form.resume), self.today)
        except InvalidData as invalid:
            self.error(element, invalid.errors.get("resume", invalid.message))

    def family(self, element: str) -> None:
        try:
            self.result.family = registry_family.checked_rows(self.form.family)
        except InvalidData as invalid:
            for key, message in invalid.errors.items():
                parts = key.split(".")  # family.{N}.{field}
                where = (f"{element}/Item[{parts[1]}]/{FAMILY_TAGS.get(parts[2], parts[2])}" if len(parts) == 3
                         else element)
                self.error(where, message)

    def photo(self, element: str) -> None:
        problem = registry_photo.problem(self.form.photo)
        if problem:
            self.error(element, problem)
        self.result.photo = self.form.photo


def _check(result: Target, cadre: Cadre | None, today: date, file_name: str) -> None:
    """The registry's own checks over the record as it would be; only what this file sets can be at fault."""
    columns = result.columns
    merged = {name: getattr(cadre, name) if cadre is not None else None
              for name in (*edit.PERSON_LABELS, *FIELD_ELEMENTS)}
    if cadre is None:
        merged.update(staff_category="civil_servant", under_investigation=False)
        for attribute, element in (("name", "XingMing"), ("gender", "XingBie"), ("birth_date", "ChuShengNianYue"),
                                   ("ethnicity", "MinZu")):
            if not columns.get(attribute):
                result.errors.setdefault(element, t("{file}：元素 <{element}> 为空，新建干部时必须填写",
                                                    file=file_name, element=element))
    merged.update(columns)
    if merged.get("gender") in codes.GENDER and (cadre is None or "gender" in columns):
        merged["retirement_category"] = codes.default_retirement_category(merged["gender"], merged["staff_category"])
        columns["retirement_category"] = merged["retirement_category"]
    problems = {}
    try:
        edit.check_person({name: merged.get(name) for name in edit.PERSON_LABELS}, today)
    except InvalidData as invalid:
        problems.update(invalid.errors)
    problems.update({name: message for name, message in check_personal(merged).items() if name not in problems})
    for name, message in problems.items():
        element = FIELD_ELEMENTS.get(name)
        if element and (cadre is None or name in columns or (name == "identity_no" and columns.keys() & {
                "birth_date", "gender"})):
            result.errors.setdefault(element, t("{file}：元素 <{element}>：{problem}", file=file_name,
                                                element=element, problem=message))
