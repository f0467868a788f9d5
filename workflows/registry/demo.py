"""A fictional bureau for the demo: sections, about 80 cadres and ten years of assessments.

Deterministic (a seeded random generator) and relative to a reference date, so that
the scans always find someone and the structure dashboard shows real gaps.
"""

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AnnualAssessment
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from storage.models import SectionAssessment
from storage.models import Unit
from workflows.registry.codes import default_retirement_category
from workflows.registry.demo_personal import seed_personal

SECTIONS = [
    ("BGS", "办公室"), ("ZZRS", "组织人事科"), ("ZCFG", "政策法规科"), ("SJZY", "数据资源科"),
    ("SJYY", "数据应用科"), ("XXJS", "信息化建设科"), ("WLAQ", "网络安全科"), ("GGSJ", "公共数据运营科"),
    ("SZJJ", "数字经济科"), ("JCFW", "基层数字服务科"),
]
LEADERS = [("L001", "吴建国", "局长"), ("L002", "郑晓燕", "副局长"), ("L003", "冯志强", "副局长"),
           ("L004", "陈立新", "副局长")]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国平刚桂英文辉玲海燕志宏晓东红梅鹏飞"
    "雪琳佳怡浩然思远雨欣子涵俊杰婷婷"
)
MINORITIES = ["回族", "满族", "蒙古族", "壮族", "土家族"]
RANKS_NON_LEADING = ["一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _birth(rng: random.Random, year: int) -> date:
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


def seed_registry(session: Session, today: date, seed: int = 20261122) -> int:
    """Fill an empty registry; returns the number of cadres created (0 when it is not empty)."""
    if session.scalar(select(Cadre.id).limit(1)) is not None:
        return 0
    rng, used = random.Random(seed), set()
    bureau = Unit(code="QPSJJ", name="上海市青浦区数据局")
    session.add(bureau)
    leaders = []
    for staff_no, name, _title in LEADERS:
        leaders.append(Cadre(staff_no=staff_no, name=name, gender="female" if name == "郑晓燕" else "male",
                             birth_date=_birth(rng, today.year - rng.randint(48, 56)), ethnicity="汉族",
                             political_affiliation="cpc_member", staff_category="civil_servant",
                             retirement_category="male", ft_education_level="master", active=False))
    leaders[1].retirement_category = "female_cadre"
    session.add_all(leaders)
    session.flush()
    sections = [Section(unit=bureau, code=code, name=name, leader_in_charge_id=leaders[1 + i % 3].id)
                for i, (code, name) in enumerate(SECTIONS)]
    session.add_all(sections)
    session.flush()
    grades = []  # (cadre, its years' grades): written once every cadre has its id, in one flush, not one each
    for index, section in enumerate(sections):
        roles = [("科长", "section_chief", True)] + [("副科长", "deputy_section_chief", True)] * 2
        roles += [(rng.choice(RANKS_NON_LEADING), None, False) for _ in range(5)]
        for slot, (title, level, leading) in enumerate(roles):
            cadre = _cadre(rng, used, today, len(grades) + 1, index, slot, level)
            cadre.posts = [_post(rng, today, section, title, level, leading, index, slot)]
            session.add(cadre)
            grades.append((cadre, _grades(rng, today, index, slot)))
    session.flush()
    session.add_all(AnnualAssessment(cadre_id=cadre.id, year=year, grade=grade, scheme="civil_servant")
                    for cadre, years in grades for year, grade in years)
    _section_assessments(session, rng, sections, today)
    _sanctions(session, today)
    session.flush()
    seed_personal(session, today, seed)  # a generator of its own: the data above stay as they were
    session.flush()
    return len(grades)


def _cadre(rng, used, today: date, number: int, section_index: int, slot: int, level) -> Cadre:
    # Section heads skew older; two heads near retirement make the second-line scan find someone.
    age = {"section_chief": rng.randint(36, 55), "deputy_section_chief": rng.randint(29, 45)}.get(level)
    age = age or rng.randint(26, 50)
    if slot == 0 and section_index in (1, 5):
        age = 58 if section_index == 1 else 54
    gender = "female" if (section_index == 5 and slot == 0) or rng.random() < 0.3 else "male"
    if section_index == 1 and slot == 0:
        gender = "male"  # 58: inside the window of a man's later statutory retirement age
    staff = "civil_servant"
    education = rng.choices(["master", "bachelor", "college"], weights=[2, 6, 2])[0]
    return Cadre(
        staff_no=f"QP{number:04d}", name=_name(rng, used), gender=gender, birth_date=_birth(rng, today.year - age),
        ethnicity=rng.choice(MINORITIES) if rng.random() < 0.05 else "汉族",
        political_affiliation=rng.choices(["cpc_member", "democratic_party", "masses"], weights=[88, 5, 7])[0],
        party_join_date=None, work_start_date=date(today.year - age + 22, 7, 1), staff_category=staff,
        retirement_category=default_retirement_category(gender, staff), ft_education_level=education,
        ft_degree={"master": "硕士", "bachelor": "学士"}.get(education), ft_school="华东师范大学",
        ft_major=rng.choice(["计算机科学与技术", "公共管理", "统计学", "法学", "软件工程"]))


def _post(rng, today: date, section: Section, title: str, level, leading: bool, section_index: int,
          slot: int) -> Post:
    years = rng.randint(1, 9)
    if leading and (section_index + slot) % 7 == 0:
        years = 10 + rng.randint(0, 3)  # long in the same post: the rotation scan finds them
    start = date(today.year - years, rng.randint(1, 12), 1)
    on_probation = leading and slot == 2 and section_index % 4 == 0
    if on_probation:
        start = date(today.year - 1 if today.month < 6 else today.year, 3, 1)
    return Post(section=section, title=title, level=level, is_leadership=leading,
                civil_service_rank="二级主任科员" if level == "section_chief" else "四级主任科员" if leading else title,
                decision_date=start, notice_date=start, start_date=start, same_post_start=start,
                appointment_mode="promotion" if leading else "other",
                probation_start=start if on_probation else None,
                probation_end=date(start.year + 1, start.month, 1) if on_probation else None)


def _grades(rng, today: date, section_index: int, slot: int) -> list[tuple[int, str]]:
    """A cadre's annual assessment grades of the last ten years."""
    last, grades = today.year - 1, []
    for year in range(last - 9, last + 1):
        grade = rng.choices(["excellent", "competent", "basically_competent", "not_graded"],
                            weights=[15, 82, 2, 1])[0]
        if slot == 3 and year > last - 3 and section_index % 3 == 0:
            grade = "excellent"  # three excellent years in a row: promotion priority
        if slot == 4 and section_index == 7 and year == last:
            grade = "basically_competent"  # last year's grade excludes a candidate
        grades.append((year, grade))
    return grades


def _section_assessments(session: Session, rng, sections: list[Section], today: date) -> None:
    last = today.year - 1
    for year in range(last - 2, last + 1):
        order = list(sections)
        rng.shuffle(order)
        # The network-security section is bottom-two two years running: its head must be adjusted.
        order.remove(sections[6])
        order.insert(len(order) if year >= last - 1 else 0, sections[6])
        for rank, section in enumerate(order, start=1):
            grade = "fail" if section is sections[6] and year == last else (
                "excellent" if rank <= 2 else "good" if rank <= 6 else "pass")
            session.add(SectionAssessment(section=section, year=year, grade=grade, rank=rank))


def _sanctions(session: Session, today: date) -> None:
    cadre = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0012"))
    session.add(Sanction(cadre_id=cadre.id, kind="诫勉", decided_on=date(today.year, 1, 15),
                         impact_until=date(today.year, 7, 15), note="演示数据"))
    cadre = session.scalar(select(Cadre).where(Cadre.staff_no == "QP0037"))
    session.add(Sanction(cadre_id=cadre.id, kind="党内警告", decided_on=date(today.year - 1, 9, 1),
                         impact_until=date(today.year + 1, 3, 1), note="演示数据"))
