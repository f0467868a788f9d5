"""The registry's coded values and their Chinese labels, shared by import, export, forms and pages."""

from workflows.rules.facts import POST_CATEGORY_LABELS
from workflows.text import joined
from workflows.text import t

GENDER = {"male": t("男"), "female": t("女")}
POLITICAL_AFFILIATION = {
    "cpc_member": t("中共党员"), "cpc_probationary": t("中共预备党员"), "democratic_party": t("民主党派"),
    "non_partisan": t("无党派人士"), "masses": t("群众"),
}
STAFF_CATEGORY = {
    "civil_servant": t("公务员"), "civil_servant_managed": t("参公"), "institution_management": t("事业单位管理"),
    "institution_professional": t("事业单位专技"), "worker": t("工勤"),
}
RETIREMENT_CATEGORY = {"male": t("男"), "female_cadre": t("女干部"), "female_worker": t("女职工")}
EDUCATION_LEVEL = {
    "doctorate": t("博士研究生"), "master": t("硕士研究生"), "bachelor": t("大学本科"), "college": t("大专"),
    "secondary": t("中专"), "other": t("其他"),
}
POST_LEVEL = {"section_chief": t("正科"), "deputy_section_chief": t("副科")}
# 职级 (2019 公务员职务与职级并行) a section-level cadre may hold; the registry stores the name itself, so each
# code is its label (domain reference §6.2: 一级~四级主任科员, 一级/二级科员).
CIVIL_SERVICE_RANK = {str(name): name for name in (
    t("一级主任科员"), t("二级主任科员"), t("三级主任科员"), t("四级主任科员"), t("一级科员"), t("二级科员"))}
# 岗位类别: the policy lists which are key posts for the rotation rule (labels defined with the rules' codes).
POST_CATEGORY = dict(POST_CATEGORY_LABELS)
# What the 退出领导岗位 period counts back from (Policy.second_line_anchor).
SECOND_LINE_ANCHOR = {"statutory": t("法定退休月份（2025 年改革后）"), "original": t("原法定退休年龄（改革前）")}
APPOINTMENT_MODE = {
    "promotion": t("提拔"), "transfer": t("转任（交流）"), "second_line": t("退二线改任"), "demotion": t("降职"),
    "other": t("其他"),
}
PROBATION_RESULT = {"passed": t("胜任"), "failed": t("不胜任")}
ANNUAL_GRADE = {
    "excellent": t("优秀"), "competent": t("称职"), "basically_competent": t("基本称职"), "incompetent": t("不称职"),
    "not_graded": t("不定等次"),
}
# 事业单位 grades map onto the civil-service ones (domain reference §5.1 and §9).
ANNUAL_GRADE_ALIASES = {"合格": "competent", "基本合格": "basically_competent", "不合格": "incompetent"}
ASSESSMENT_SCHEME = {"civil_servant": t("公务员考核"), "institution": t("事业单位考核")}
SECTION_GRADE = {"excellent": t("优秀"), "good": t("良好"), "pass": t("合格"), "fail": t("不合格")}
FILING_KIND = {"education": t("学历教育"), "honour": t("荣誉称号"), "complaint": t("信访举报")}
YES_NO = {True: t("是"), False: t("否")}

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


def only(label: str, labels: dict) -> str:
    """The message for a value outside ``labels``: 「label」只能是：A、B."""
    return t("「{field}」只能是：{choices}", field=label, choices=joined(labels.values(), "、"))
