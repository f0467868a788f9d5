"""The 干部任免审批表 as data: every box of the form as the paper prints it, from the registry and a case.

The PDF, the .docx and the .lrmx file are all written from one :class:`ApprovalForm`; the .lrmx import reads one.
Dates are "YYYY.MM" strings, as the form writes them; an empty box is "".
"""

from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class ResumeLine:
    """One period of the 简历: "2007.07--2010.06  text"; the open period has ``end`` "" ."""

    start: str
    end: str
    text: str


@dataclass(frozen=True)
class FamilyRow:
    """A row of 家庭主要成员及重要社会关系; ``birth`` "YYYY.MM" (the form prints the age at ``age_at``)."""

    relation: str
    name: str
    birth: str
    political_status: str
    work_unit_post: str


@dataclass(frozen=True)
class ApprovalForm:
    """Every box of the form, as printed."""

    name: str
    gender: str  # 男 / 女
    birth: str  # "1985.06"
    ethnicity: str  # 汉族
    native_place: str
    birthplace: str
    party_join: str  # "2005.06", or the affiliation in words for a non-member (群众, 民盟盟员 …)
    work_start: str
    health: str
    professional_title: str
    expertise: str
    ft_education: str  # 学历 (大学本科)
    ft_degree: str  # 学位 (工学学士)
    ft_school: str  # 毕业院校系及专业 of the 学历
    ft_degree_school: str  # 授予院校系及专业 of the 学位 ("" when the same)
    pt_education: str
    pt_degree: str
    pt_school: str
    pt_degree_school: str
    current_post: str
    proposed_post: str
    removed_post: str
    resume: tuple[ResumeLine, ...]
    rewards: str
    assessments: str  # "2023年度考核称职；2024年度考核优秀；2025年度考核称职。"
    reason: str  # 任免理由
    family: tuple[FamilyRow, ...]
    reporting_unit: str  # 呈报单位
    age_at: str  # 计算年龄时间 "YYYY.MM"
    filled_on: str  # 填表时间 "YYYY.MM"
    filled_by: str  # 填表人
    identity_no: str
    photo: bytes | None = None  # JPEG or PNG
    photo_type: str = ""  # image/jpeg / image/png
    staff_no: str = ""  # the registry's own id (not printed; names files)
    extra: dict = field(default_factory=dict)  # fields an .lrmx carried that the form does not print

    def age(self, birth: str) -> int | None:
        """The age at ``age_at`` of someone born in ``birth`` ("YYYY.MM"); None when either is not a month."""
        try:
            born_year, born_month = (int(part) for part in birth.split(".")[:2])
            year, month = (int(part) for part in self.age_at.split(".")[:2])
        except ValueError:
            return None
        return year - born_year - (month < born_month)

    @property
    def birth_with_age(self) -> str:
        """The 出生年月（岁） box: "1985.06（41岁）"."""
        age = self.age(self.birth)
        return f"{self.birth}（{age}岁）" if age is not None else self.birth
