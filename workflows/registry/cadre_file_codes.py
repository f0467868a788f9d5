"""The coded values of the cadre file's talks, filings and leave periods, with their Chinese labels."""

# Seed 004 谈心制度 and the talks the procedures hold (任职谈话 ⑮, 提醒谈话 in publicity, 转任, 退二线).
TALK_KIND = {
    "heart_to_heart": "谈心谈话", "appointment": "任职谈话", "reminder": "提醒谈话", "admonition": "诫勉谈话",
    "integrity": "廉政谈话", "transfer": "转任谈话", "leadership_exit": "退出领导岗位谈话", "other": "其他谈话",
}
# Seed 004 备案制度: 参加学历教育、获得县级以上荣誉称号、群众来信来访反映问题等情况.
FILING_KIND = {"education": "学历教育", "honour": "县级以上荣誉", "complaint": "信访反映", "other": "其他事项"}
FILING_ALIASES = {"县级以上荣誉称号": "honour", "荣誉称号": "honour", "信访举报": "complaint",
                  "群众来信来访": "complaint"}
LEAVE_KIND = {
    "sick": "病假", "personal": "事假", "maternity": "产假", "paternity": "陪产假", "work_injury": "工伤假",
    "marriage": "婚假", "bereavement": "丧假", "annual": "年休假", "other": "其他",
}
TALK_SUMMARY_MAX = 20000  # a procedure's talk joins its record and the cadre's views (8000 + 4000 …)
FILING_CONTENT_MAX = 4000
