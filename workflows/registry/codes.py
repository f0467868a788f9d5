"""The registry's coded values and their Chinese labels, shared by import, export, forms and pages."""

from workflows.rules.facts import POST_CATEGORY_LABELS

GENDER = {"male": "男", "female": "女"}
POLITICAL_AFFILIATION = {
    "cpc_member": "中共党员", "cpc_probationary": "中共预备党员", "democratic_party": "民主党派",
    "non_partisan": "无党派人士", "masses": "群众",
}
STAFF_CATEGORY = {
    "civil_servant": "公务员", "civil_servant_managed": "参公", "institution_management": "事业单位管理",
    "institution_professional": "事业单位专技", "worker": "工勤",
}
RETIREMENT_CATEGORY = {"male": "男", "female_cadre": "女干部", "female_worker": "女职工"}
EDUCATION_LEVEL = {
    "doctorate": "博士研究生", "master": "硕士研究生", "bachelor": "大学本科", "college": "大专",
    "secondary": "中专", "other": "其他",
}
POST_LEVEL = {"section_chief": "正科", "deputy_section_chief": "副科"}
# 职级 (2019 公务员职务与职级并行) a section-level cadre may hold; the registry stores the name itself, so each
# code is its label (domain reference §6.2: 一级~四级主任科员, 一级/二级科员).
CIVIL_SERVICE_RANK = {name: name for name in (
    "一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "一级科员", "二级科员")}
# 岗位类别: the policy lists which are key posts for the rotation rule (labels defined with the rules' codes).
POST_CATEGORY = dict(POST_CATEGORY_LABELS)
# What the 退出领导岗位 period counts back from (Policy.second_line_anchor).
SECOND_LINE_ANCHOR = {"statutory": "法定退休月份（2025 年改革后）", "original": "原法定退休年龄（改革前）"}
APPOINTMENT_MODE = {
    "promotion": "提拔", "transfer": "转任（交流）", "second_line": "退二线改任", "demotion": "降职",
    "other": "其他",
}
PROBATION_RESULT = {"passed": "胜任", "failed": "不胜任"}
ANNUAL_GRADE = {
    "excellent": "优秀", "competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职",
    "not_graded": "不定等次",
}
# 事业单位 grades map onto the civil-service ones (domain reference §5.1 and §9).
ANNUAL_GRADE_ALIASES = {"合格": "competent", "基本合格": "basically_competent", "不合格": "incompetent"}
ASSESSMENT_SCHEME = {"civil_servant": "公务员考核", "institution": "事业单位考核"}
SECTION_GRADE = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
FILING_KIND = {"education": "学历教育", "honour": "荣誉称号", "complaint": "信访举报"}
YES_NO = {True: "是", False: "否"}

# Leadership posts that non-leadership ranks sit beside (2019 职务职级并行).
HIGHER_EDUCATION = ("doctorate", "master", "bachelor")


def code_for(labels: dict, text: str, aliases: dict | None = None):
    """The code whose label (or code) is ``text``; None when there is none."""
    text = (text or "").strip()
    for code, label in labels.items():
        if text == label or text == str(code):
            return code
    return (aliases or {}).get(text)


def default_retirement_category(gender: str, staff_category: str) -> str:
    """Men retire as men; women in worker posts as 女职工, other women as 女干部 (domain §7.1)."""
    if gender == "male":
        return "male"
    return "female_worker" if staff_category == "worker" else "female_cadre"
