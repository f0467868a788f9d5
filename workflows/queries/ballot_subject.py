"""What a party-group ballot decides, read from the case: the person or persons and the post voted on, by name."""

from sqlalchemy.orm import Session

from storage.models import Case
from workflows.queries.people import People
from workflows.text import t

# Case data that names what the vote is about, in the order shown: (key, label). A key the case lacks is left out.
_SELECTION = (("appointee", t("拟任人选")), ("post", t("拟任职位")))
_ROTATION = (("cadre", t("轮岗对象")), ("target", t("拟转任职位")))
_SANCTION = (("cadre", t("处理对象")), ("sanction_kind", t("处理方式")), ("demotion_title", t("降职或免职后的职务")))
# 对象 stays as it is: forms already mark 对象 for a JSON object, and one Chinese word has one English.
_SECOND_LINE = (("cadre", "对象"), ("proposal", t("建议")), ("proposed_post_title", t("拟安排的岗位")))


def _props(case: Case) -> dict[str, dict]:
    """Every form field of the case's process by key, for its title and choices."""
    found: dict[str, dict] = {}
    for schema in case.spec.forms.values():
        for key, prop in ((schema or {}).get("properties") or {}).items():
            if isinstance(prop, dict):
                found.setdefault(key, prop)
    return found


def _place(people: People, section_code, title) -> str:
    return " ".join(part for part in (people.section(section_code) if section_code else "", title or "") if part)


def subject(session: Session, case: Case, data: dict, english: bool = False) -> list[tuple[str, str]]:
    """(label, text) lines naming what the open ballot decides, from the data the ballot task sees."""
    people, props = People(session, english), _props(case)
    cadre = data.get("cadre") if isinstance(data.get("cadre"), dict) else None
    values = {
        "appointee": people.value(props.get("appointee") or {"x-cadre": True}, data.get("appointee"),
                                  data.get("appointee_records")),
        "post": _place(people, data.get("post_section_code"), data.get("post_title")),
        "cadre": people.cadre(cadre["staff_no"], cadre) if cadre and cadre.get("staff_no") else "",
        "target": _place(people, data.get("target_section_code"), data.get("target_title")),
    }
    for key in ("sanction_kind", "demotion_title", "proposal", "proposed_post_title"):
        values[key] = str(people.value(props.get(key), data.get(key)))
    if data.get("post_title"):
        wanted = _SELECTION
    elif data.get("agenda") == "sanction":
        wanted = _SANCTION
    elif data.get("proposal"):
        wanted = _SECOND_LINE
    else:
        wanted = _ROTATION
    return [(label, values[key]) for key, label in wanted if values.get(key)]
