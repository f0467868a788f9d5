"""Checking what the 干部任免审批表 adds to a cadre: the personal fields, family rows, the 简历 as the form prints it.

Pure functions (no session): the registry's edits, its workbook and the .lrmx import share them. Messages are in
Chinese and name the field, and the row or line for lists.
"""

import dataclasses
import re
from datetime import date

from storage.models import Cadre
from storage.models import FamilyMember
from storage.models import ResumeEntry
from workflows.errors import InvalidData
from workflows.papers.approval_form import ResumeLine
from workflows.registry import identity_no
from workflows.registry.codes import GENDER
from workflows.text import joined
from workflows.text import t

PERSONAL_LABELS = {
    "identity_no": t("公民身份号码"), "native_place": t("籍贯"), "birthplace": t("出生地"), "health": t("健康状况"),
    "professional_title": t("专业技术职务"), "expertise": t("熟悉专业有何专长"),
    "ft_degree_school": t("全日制学位授予院校系及专业"), "pt_school": t("在职教育毕业院校"),
    "pt_major": t("在职教育所学专业"), "pt_degree_school": t("在职学位授予院校系及专业"),
    "post_text": t("现任职务（手写）"),
}
TEXT_LABELS = {"rewards_text": t("奖惩情况"), "assessment_text": t("年度考核结果")}
TEXT_MAX = 2000  # the override texts are TEXT columns; a form box holds far less
FAMILY_LABELS = {"relation": t("称谓"), "name": t("姓名"), "birth": t("出生年月"), "political_status": t("政治面貌"),
                 "work_unit_post": t("工作单位及职务")}
FAMILY_REQUIRED = ("relation", "name")
FAMILY_MAX = 20
RESUME_MAX = 60
FIRST_MONTH = date(1900, 1, 1)
MONTH = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?")
# "2010.07--2015.06  text", the open period "2022.03--  text"; dashes as Word and IMEs type them.
PERIOD = re.compile(r"(\d{4}\s*[.\-/]\s*\d{1,2})\s*(?:--|—+|－－|–+|~|～|至)\s*(\d{4}\s*[.\-/]\s*\d{1,2})?(.*)")


def length_of(attribute) -> int:
    return attribute.property.columns[0].type.length


def parse_month(text: str) -> date:
    """"2010.07", "2010-07", "2010/7", "2010年7月" as the first of that month; ValueError with a Chinese message."""
    match = MONTH.fullmatch((text or "").strip())
    if match is None:
        raise ValueError(t("“{text}”不是年月，应写作 YYYY.MM", text=text))
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(t("“{text}”的月份应在 01 到 12 之间", text=text.strip()))
    if year < FIRST_MONTH.year or year > 2100:
        raise ValueError(t("“{text}”的年份应在 {first} 到 {last} 之间", text=text.strip(), first=FIRST_MONTH.year,
                           last=2100))
    return date(year, month, 1)


def month_text(day: date | None) -> str:
    """A month as the form writes it: "2010.07"; "" for none."""
    return f"{day.year:04d}.{day.month:02d}" if day else ""


def check_personal(values: dict) -> dict[str, str]:
    """Every problem of the personal fields in ``values`` ({field: text}): {field: message}; {} when all are good.

    The identity number's check digit and date are checked; when ``values`` holds ``birth_date`` (a date) and
    ``gender`` (male/female) too, the number must agree with them. Uniqueness needs the registry: see
    :func:`workflows.registry.personal_edit.update_personal`.
    """
    errors: dict[str, str] = {}
    for field, label in PERSONAL_LABELS.items():
        value = values.get(field)
        if value is not None and not isinstance(value, str):
            errors[field] = t("「{field}」应为文字", field=label)
        elif value and len(value) > length_of(getattr(Cadre, field)):
            errors[field] = t("「{field}」最多 {limit} 个字符，收到 {count} 个", field=label,
                              limit=length_of(getattr(Cadre, field)), count=len(value))
    for field, label in TEXT_LABELS.items():
        value = values.get(field)
        if isinstance(value, str) and len(value) > TEXT_MAX:
            errors[field] = t("「{field}」最多 {limit} 个字符，收到 {count} 个", field=label, limit=TEXT_MAX,
                              count=len(value))
    number = values.get("identity_no")
    if isinstance(number, str) and number.strip() and "identity_no" not in errors:
        problem = identity_no.problem(number)
        errors.update({"identity_no": problem} if problem else identity_agreement(number, values))
    return errors


def identity_agreement(number: str, values: dict) -> dict[str, str]:
    """The number's date of birth and sex against the record's (the record is what the dossier certifies)."""
    birth, gender = values.get("birth_date"), values.get("gender")
    if isinstance(birth, date) and identity_no.birth_date(number) != birth:
        return {"identity_no": t("公民身份号码中的出生日期 {number_date} 与登记的出生日期 {birth} 不一致",
                                 number_date=identity_no.birth_date(number).isoformat(), birth=birth.isoformat())}
    if gender in GENDER and identity_no.gender(number) != gender:
        return {"identity_no": t("公民身份号码第 17 位表示性别为{number_gender}，与登记的性别{gender}不一致",
                                 number_gender=GENDER[identity_no.gender(number)], gender=GENDER[gender])}
    return {}


def _as_dict(row) -> dict:
    return dataclasses.asdict(row) if dataclasses.is_dataclass(row) else dict(row)


def family_is_blank(row) -> bool:
    """A row with nothing typed in it (a form's spare rows): skipped, not an error."""
    return not any(str(value or "").strip() for value in _as_dict(row).values())


def check_family_rows(rows) -> dict[str, str]:
    """Every problem of the family rows (dicts or FamilyRow, ``birth`` "YYYY.MM" / "YYYY-MM" / a date or blank).

    Keys are "family.{N}.{field}" for row N (from 1, blank rows counted, as the form shows them) and "family" for
    the whole list; each message names the row.
    """
    errors: dict[str, str] = {}
    rows = [_as_dict(row) for row in rows]
    filled = [row for row in rows if not family_is_blank(row)]
    if len(filled) > FAMILY_MAX:
        errors["family"] = t("家庭主要成员及重要社会关系最多 {limit} 行，收到 {count} 行", limit=FAMILY_MAX,
                             count=len(filled))
    limits = {"relation": length_of(FamilyMember.relation), "name": length_of(FamilyMember.name),
              "political_status": length_of(FamilyMember.political_status),
              "work_unit_post": length_of(FamilyMember.work_unit_post)}
    for number, row in enumerate(rows, start=1):
        if family_is_blank(row):
            continue
        for field in FAMILY_REQUIRED:
            if not str(row.get(field) or "").strip():
                errors[f"family.{number}.{field}"] = t("第 {row} 行「{field}」为必填项", row=number,
                                                       field=FAMILY_LABELS[field])
        for field, limit in limits.items():
            value = str(row.get(field) or "").strip()
            if len(value) > limit:
                errors[f"family.{number}.{field}"] = t("第 {row} 行「{field}」最多 {limit} 个字符，收到 {count} 个",
                                                       row=number, field=FAMILY_LABELS[field], limit=limit,
                                                       count=len(value))
        problem = _birth_problem(row.get("birth"))
        if problem:
            errors[f"family.{number}.birth"] = t("第 {row} 行「{field}」：{problem}", row=number,
                                                 field=FAMILY_LABELS["birth"], problem=problem)
    return errors


def _birth_problem(value) -> str | None:
    if value is None or isinstance(value, date) or not str(value).strip():
        return None
    try:
        parse_month(str(value))
    except ValueError as bad:
        return bad.args[0]
    return None


def family_month(value) -> date | None:
    """A checked row's 出生年月 as the first of the month."""
    if isinstance(value, date):
        return value.replace(day=1)
    return parse_month(str(value)) if value and str(value).strip() else None


def parse_resume_text(text: str) -> list[ResumeLine]:
    """The 简历 as the form prints it, one period a line; :class:`InvalidData` names every bad line.

    "2010.07--2015.06  text"; the open period "2022.03--  text" (only the last one may be open); a line that
    starts with white space continues the text of the period above; blank lines are skipped.
    """
    periods: list[list] = []  # [line number, start, end, text]
    errors: list[tuple[int, str]] = []  # (line, message): reported in the order of the lines
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if line[0].isspace():
            if not periods:
                errors.append((number, t("第 {line} 行以空白开头（续行），但前面没有经历", line=number)))
            else:
                periods[-1][3] += line.strip()
            continue
        match = PERIOD.fullmatch(line.strip())
        if match is None:
            errors.append((number, t(
                "第 {line} 行应写作“YYYY.MM--YYYY.MM  单位及职务”（至今的一段写作“YYYY.MM--  单位及职务”），"
                "收到“{text}”", line=number, text=line.strip()[:40])))
            continue
        try:
            start = parse_month(match.group(1))
            end = parse_month(match.group(2)) if match.group(2) else None
        except ValueError as bad:
            errors.append((number, t("第 {line} 行：{problem}", line=number, problem=bad.args[0])))
            continue
        if end is not None and end < start:
            errors.append((number, t("第 {line} 行：终止年月 {end} 早于起始年月 {start}", line=number,
                                     end=month_text(end), start=month_text(start))))
        periods.append([number, start, end, match.group(3).strip()])
    errors += _period_errors(periods)
    if errors:
        problems = joined(message for _line, message in sorted(errors, key=lambda error: error[0]))
        raise InvalidData(t("简历有误：{problems}", problems=problems), {"resume": problems})
    return [ResumeLine(month_text(start), month_text(end), text) for _number, start, end, text in periods]


def _period_errors(periods: list[list]) -> list[tuple[int, str]]:
    errors = []
    if len(periods) > RESUME_MAX:
        errors.append((0, t("简历最多 {limit} 段，收到 {count} 段", limit=RESUME_MAX, count=len(periods))))
    limit = length_of(ResumeEntry.text)
    for index, (number, _start, end, text) in enumerate(periods):
        if not text:
            errors.append((number, t("第 {line} 行缺少单位及职务", line=number)))
        elif len(text) > limit:
            errors.append((number, t("第 {line} 行的单位及职务最多 {limit} 个字符，收到 {count} 个", line=number,
                                     limit=limit, count=len(text))))
        if end is None and index != len(periods) - 1:
            errors.append((number, t("第 {line} 行没有终止年月，但只有最后一段经历可以写到“至今”", line=number)))
    return errors


def resume_text(lines) -> str:
    """The 简历 as the form prints it and the edit box shows it (what :func:`parse_resume_text` reads back)."""
    return "\n".join(f"{line.start}--{line.end}  {line.text}" for line in lines)
