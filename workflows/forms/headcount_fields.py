"""A form marked ``"x-headcount": true`` (① 分析研判): the 职数 facts of the case's post, attached at submission.

The case's start form names the post (``post_section_code``, ``post_level``). At the submission the approved
headcount, the posts held and the vacancies of that section and 职务层次 go into the task data (``headcount``,
and ``headcount_status`` in words), so into the record of the completion: a replay reads them from there,
whatever the table says later, and the gateway decides from them (``vacancy_open``). Only when the table has
no entry does the organiser state the vacancy (``vacancy_exists``); otherwise the table decides, and a
choice that contradicts it is refused.
"""

from sqlalchemy.orm import Session

from workflows.registry import headcount
from workflows.rules.headcount import Vacancy
from workflows.text import t

KEYWORD = "x-headcount"
STATED = "vacancy_exists"  # the organiser's own statement, asked for only when the table has no entry
REASON = "termination_reason"
NO_POST = t("案件未指定拟任职位的科室和职务层次，职数表无从查起")


def facts(session: Session, schema: dict | None, context: dict) -> Vacancy | None:
    """The facts of the post the case names, read now; None for a form without the keyword or a case without a post."""
    if not (schema or {}).get(KEYWORD):
        return None
    return headcount.facts_for(session, context.get("post_section_code"), context.get("post_level"))


def hidden_fields(schema: dict | None, found: Vacancy | None) -> set[str]:
    """The fields the page leaves out: the organiser's statement when the table has an entry."""
    return {STATED} if (schema or {}).get(KEYWORD) and found is not None and found.has_entry else set()


def attach(session: Session, schema: dict, data: dict, context: dict) -> tuple[dict, dict[str, str]]:
    """``data`` with the facts attached, and the errors of the statement ({field: message})."""
    if not schema.get(KEYWORD):
        return data, {}
    found = facts(session, schema, context)
    # The task data goes on record as it is: plain text, not a message to translate.
    enriched = {**data, "headcount": found.as_data() if found else None,
                "headcount_status": str(found.summary() if found else NO_POST)}
    stated = data.get(STATED)
    if found is None or not found.has_entry:
        if stated is None:
            where = found.summary() if found else NO_POST
            return enriched, {STATED: t("{where}：请据实选择是否有职位空缺", where=where)}
        return enriched, {}
    if stated is not None and stated != found.is_open:
        return enriched, {STATED: t("{summary}：是否有空缺以职数表为准，不能另选", summary=found.summary())}
    enriched[STATED] = None  # the table decides; the name stays defined for the gateway's condition
    if not found.is_open and not str(data.get(REASON) or "").strip():
        enriched[REASON] = f"无职数空缺，不启动选任（{found.summary()}）"
    return enriched, {}
