"""The coded values of the cadre file's talks, filings and leave periods, with their Chinese labels."""

from workflows.text import t

# Seed 004 谈心制度 and the talks the procedures hold (任职谈话 ⑮, 提醒谈话 in publicity, 转任, 退二线).
TALK_KIND = {
    "heart_to_heart": t("谈心谈话"), "appointment": t("任职谈话"), "reminder": t("提醒谈话"),
    "admonition": t("诫勉谈话"), "integrity": t("廉政谈话"), "transfer": t("转任谈话"),
    "leadership_exit": t("退出领导岗位谈话"), "other": t("其他谈话"),
}
# Seed 004 备案制度: 参加学历教育、获得县级以上荣誉称号、群众来信来访反映问题等情况.
FILING_KIND = {"education": t("学历教育"), "honour": t("县级以上荣誉"), "complaint": t("信访反映"),
               "other": t("其他事项")}
FILING_ALIASES = {"县级以上荣誉称号": "honour", "荣誉称号": "honour", "信访举报": "complaint",
                  "群众来信来访": "complaint"}
LEAVE_KIND = {
    "sick": t("病假"), "personal": t("事假"), "maternity": t("产假"), "paternity": t("陪产假"),
    "work_injury": t("工伤假"), "marriage": t("婚假"), "bereavement": t("丧假"), "annual": t("年休假"),
    "other": t("其他"),
}
TALK_SUMMARY_MAX = 20000  # a procedure's talk joins its record and the cadre's views (8000 + 4000 …)
FILING_CONTENT_MAX = 4000
