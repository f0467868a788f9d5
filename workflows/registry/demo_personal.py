"""The demo cadres' personal fields for the 干部任免审批表: identity numbers, 籍贯, family members, awards.

A generator of its own (seeded from the registry's seed), so that the registry's other demo data stay as they were.
Identity numbers agree with each cadre's date of birth and sex and carry a valid check digit.
"""

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Award
from storage.models import Cadre
from storage.models import FamilyMember
from workflows.registry.identity_no import check_character

# 籍贯 with the area code of a number issued there (Qingpu's county code before 1999: 310229).
PLACES = (("上海青浦", "310229"), ("上海青浦", "310229"), ("上海松江", "310227"), ("江苏苏州", "320502"),
          ("江苏南通", "320602"), ("浙江嘉兴", "330402"), ("浙江宁波", "330203"), ("安徽安庆", "340802"),
          ("江西上饶", "361102"), ("山东临沂", "371302"))
TITLES = ("", "", "", "工程师", "经济师", "高级工程师")
EXPERTISE = {"计算机科学与技术": "信息系统建设", "软件工程": "软件开发与项目管理", "统计学": "数据分析",
             "公共管理": "行政管理", "法学": "行政法律事务"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋"
GIVEN = "伟芳敏静丽强磊军洋勇艳杰娟涛明超英华慧平刚文辉玲海燕志宏晓东红梅鹏飞雪琳佳怡浩然思远雨欣子涵"
# Where relatives work, with a post each would hold there.
EMPLOYERS = (("上海市青浦区教育局", "科员"), ("上海市青浦区人民医院", "医生"), ("青浦区赵巷镇人民政府", "副科长"),
             ("上海某科技有限公司", "工程师"), ("青浦区第一中学", "教师"), ("国家税务总局上海市青浦区税务局", "科员"))
AWARDS = (("嘉奖", "上海市青浦区人民政府"), ("记三等功", "上海市青浦区人民政府"),
          ("优秀共产党员", "中共上海市青浦区委"), ("优秀公务员", "上海市青浦区人民政府"))


def identity_number(rng: random.Random, area: str, birth: date, gender: str, used: set[str]) -> str:
    """A valid number for ``birth`` and ``gender`` (the 17th digit odd for a man), not yet in ``used``."""
    while True:
        sequence = rng.randint(0, 499) * 2 + (1 if gender == "male" else 0)
        first = f"{area}{birth:%Y%m%d}{sequence:03d}"
        number = first + check_character(first)
        if number not in used:
            used.add(number)
            return number


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _month(rng: random.Random, day: date, years: int, today: date) -> date:
    """A month of the year ``years`` after ``day``'s (before: negative), not after this month."""
    return min(date(day.year + years, rng.randint(1, 12), 1), today.replace(day=1))


def _work(rng: random.Random) -> str:
    unit, post = rng.choice(EMPLOYERS)
    return unit + post


def _family(rng: random.Random, cadre: Cadre, today: date) -> list[FamilyMember]:
    age = today.year - cadre.birth_date.year
    rows = []
    if age >= 27:
        spouse_age = rng.randint(-3, 3)
        rows.append(("丈夫" if cadre.gender == "female" else "妻子", _name(rng),
                     _month(rng, cadre.birth_date, spouse_age, today), rng.choice(("中共党员", "群众", "中共党员")),
                     _work(rng)))
    if age >= 31:
        child = _month(rng, cadre.birth_date, rng.randint(27, min(34, age - 2)), today)
        child_age = today.year - child.year
        rows.append((rng.choice(("儿子", "女儿")), _name(rng, cadre.name[0]), child,
                     "共青团员" if 14 <= child_age <= 28 else "群众",
                     "学生" if child_age < 23 else _work(rng)))
    father = _month(rng, cadre.birth_date, -rng.randint(25, 32), today)
    rows.append(("父亲", _name(rng, cadre.name[0]), father, rng.choice(("中共党员", "群众")),
                 "已退休" if today.year - father.year >= 60 else _work(rng)))
    if rng.random() < 0.8:
        mother = _month(rng, cadre.birth_date, -rng.randint(23, 30), today)
        rows.append(("母亲", _name(rng), mother, "群众",
                     "已退休" if today.year - mother.year >= 55 else _work(rng)))
    return [FamilyMember(cadre_id=cadre.id, position=position, relation=relation, name=name, birth_month=birth,
                         political_status=status, work_unit_post=work)
            for position, (relation, name, birth, status, work) in enumerate(rows, start=1)]


def seed_personal(session: Session, today: date, seed: int) -> None:
    """Fill the personal fields, family and a few awards of every cadre (after the registry's seed)."""
    rng, used = random.Random(seed + 15), set()
    for index, cadre in enumerate(session.scalars(select(Cadre).order_by(Cadre.staff_no))):
        place, area = rng.choice(PLACES)
        cadre.identity_no = identity_number(rng, area, cadre.birth_date, cadre.gender, used)
        cadre.native_place = place
        cadre.birthplace = place if rng.random() < 0.8 else "上海青浦"
        cadre.health = "健康"
        cadre.professional_title = rng.choice(TITLES) or None
        cadre.expertise = EXPERTISE.get(cadre.ft_major or "")
        session.add_all(_family(rng, cadre, today))
        if index % 6 == 2:
            title, granted_by = rng.choice(AWARDS)
            session.add(Award(cadre_id=cadre.id, awarded_on=date(today.year - rng.randint(1, 6), 12, 20),
                              title=title, granted_by=granted_by))
