"""The approved headcount table (职数): read against the posts held, edited by hand, and its workbook sheet."""

from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cadre
from storage.models import Post
from storage.models import PostHeadcount
from storage.models import Section
from workflows.actors import Actor
from workflows.errors import Forbidden
from workflows.errors import InvalidData
from workflows.record import audit
from workflows.registry.codes import POST_LEVEL
from workflows.registry.workbook.sheets import HEADCOUNT
from workflows.registry.workbook.sheets import SECTIONS
from workflows.registry.workbook.sheets import CellError
from workflows.rules.headcount import LEVEL_NAMES
from workflows.rules.headcount import Vacancy
from workflows.text import joined
from workflows.text import t

EDIT_ROLES = ("personnel_office", "admin")  # the roles that may edit the registry
LEVELS = tuple(LEVEL_NAMES)  # 正科, then 副科
MAX_APPROVED = 99


def occupied(session: Session) -> dict[tuple[int, str], int]:
    """{(section id, level): active cadres whose current post is a leadership post of that section and level}."""
    rows = session.execute(
        select(Post.section_id, Post.level, func.count(distinct(Post.cadre_id)))
        .join(Cadre, Cadre.id == Post.cadre_id)
        .where(Post.end_date.is_(None), Post.is_leadership.is_(True), Cadre.active.is_(True),
               Post.level.in_(LEVELS), Post.section_id.is_not(None))
        .group_by(Post.section_id, Post.level))
    return {(section_id, level): count for section_id, level, count in rows}


def _approved(session: Session) -> dict[tuple[int, str], int]:
    return {(row.section_id, row.level): row.approved for row in session.scalars(select(PostHeadcount))}


def overview(session: Session) -> list[Vacancy]:
    """Every section at 正科 and 副科, by section code: approved (None without an entry), held, vacancies."""
    held, approved = occupied(session), _approved(session)
    return [Vacancy(section.code, section.name, level, approved.get((section.id, level)),
                    held.get((section.id, level), 0))
            for section in session.scalars(select(Section).order_by(Section.code)) for level in LEVELS]


def facts_for(session: Session, section_code: str | None, level: str | None) -> Vacancy | None:
    """One section's facts at one level; None when the section or the level is unknown."""
    section = session.scalar(select(Section).where(Section.code == section_code)) if section_code else None
    if section is None or level not in LEVELS:
        return None
    row = session.scalar(select(PostHeadcount).where(PostHeadcount.section_id == section.id,
                                                     PostHeadcount.level == level))
    return Vacancy(section.code, section.name, level, row.approved if row else None,
                   occupied(session).get((section.id, level), 0))


def cell_key(section_code: str, level: str) -> str:
    """How the edit page names one cell (and its error)."""
    return f"{section_code}:{level}"


def _parse(raw: object) -> tuple[int | None, bool]:
    """(number, ok): blank is no entry; otherwise a whole number 0…MAX_APPROVED."""
    text = str(raw).strip() if raw is not None else ""
    if text == "":
        return None, True
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_APPROVED:
        return None, False
    return int(text), True


def save_table(session: Session, actor: Actor, at: datetime, cells: Mapping[tuple[str, str], object]) -> int:
    """Set the approved numbers of ``cells`` ({(section code, level): number or blank}); blank removes the entry.

    Every cell is checked first; :class:`InvalidData` names each bad one and nothing is changed then.
    The changes go on record as one event; returns how many entries changed.
    """
    if not set(actor.roles) & set(EDIT_ROLES):
        raise Forbidden(t("只有人事组织部门或管理员可以修改职数"))
    sections = {section.code: section for section in session.scalars(select(Section))}
    wanted, errors = {}, {}
    for (code, level), raw in cells.items():
        key = cell_key(code, level)
        if code not in sections:
            errors[key] = t("科室代码“{code}”不存在", code=code)
        elif level not in LEVELS:
            errors[key] = t("职务层次只能是：{choices}", choices=joined((POST_LEVEL[each] for each in LEVELS), "、"))
        else:
            number, ok = _parse(raw)
            if ok:
                wanted[sections[code].id, level] = number
            else:
                errors[key] = t("「{section}{level}核定职数」应为 0 到 {most} 之间的整数，"
                                "或留空表示未核定；收到“{raw}”", section=sections[code].name, level=POST_LEVEL[level],
                                most=MAX_APPROVED, raw=str(raw).strip())
    if errors:
        raise InvalidData(t("职数表有误，没有保存：{problems}", problems=joined(errors.values())), errors)
    stored = {(row.section_id, row.level): row for row in session.scalars(select(PostHeadcount))}
    names = {section.id: section.code for section in sections.values()}
    changes = []
    for (section_id, level), number in wanted.items():
        row = stored.get((section_id, level))
        before = row.approved if row else None
        if before == number:
            continue
        if number is None:
            session.delete(row)
        elif row is None:
            session.add(PostHeadcount(section_id=section_id, level=level, approved=number))
        else:
            row.approved = number
        changes.append({"section": names[section_id], "level": level, "before": before, "after": number})
    if changes:
        session.flush()
        audit.append(session, type_="registry.headcount_changed", actor=actor, at=at,
                     payload={"changes": sorted(changes, key=lambda c: (c["section"], LEVELS.index(c["level"])))})
    return len(changes)


def sheet_errors(parsed, sections: Mapping[str, Section]) -> list[CellError]:
    """The 职数 sheet's rows whose 科室代码 neither the registry nor the file's 科室 sheet has, and repeated rows."""
    known = set(sections) | {row.values.get("code") for row in parsed.rows(SECTIONS)}
    header = HEADCOUNT.column("section_code").header
    errors, seen = [], {}
    for row in parsed.rows(HEADCOUNT):
        code, level = row.values.get("section_code"), row.values.get("level")
        if code is not None and code not in known:
            errors.append(CellError(HEADCOUNT.name, row.number, header,
                                    t("{header}“{value}”不存在：文件的{sheet}表和系统中都没有",
                                      header=header, value=code, sheet=SECTIONS.name)))
        if code is not None and level is not None:
            seen.setdefault((code, level), []).append(row.number)
    for (code, level), numbers in seen.items():
        for number in numbers if len(numbers) > 1 else ():
            errors.append(CellError(HEADCOUNT.name, number, header, t(
                "“{code}”的{level}核定职数在文件中重复（第 {rows} 行）", code=code, level=POST_LEVEL[level],
                rows=joined((str(n) for n in numbers), "、"))))
    return errors


def write_sheet(session: Session, parsed, sections: Mapping[str, Section], summary,
                step: Callable[[], None]) -> None:
    """Upsert the checked 职数 rows by section and level (a section the file adds is among ``sections``)."""
    stored = {(row.section.code, row.level): row for row in session.scalars(select(PostHeadcount))}
    counts = summary.sheets[HEADCOUNT.name]
    for parsed_row in parsed.rows(HEADCOUNT):
        values = parsed_row.values
        key = (values["section_code"], values["level"])
        row = stored.get(key)
        if row is None:
            row = stored[key] = PostHeadcount(section=sections[key[0]], level=key[1], approved=values["approved"])
            session.add(row)
            counts.count(True, True)
        else:
            counts.count(False, row.approved != values["approved"])
            row.approved = values["approved"]
        step()


def export_rows(session: Session) -> dict[str, list[dict]]:
    """{"职数": the table's rows, by section code then 正科, 副科} for the workbook."""
    rows = [{"section_code": code, "level": row.level, "approved": row.approved}
            for code, row in session.execute(select(Section.code, PostHeadcount)
                                             .join(PostHeadcount, PostHeadcount.section_id == Section.id))]
    return {HEADCOUNT.name: sorted(rows, key=lambda row: (row["section_code"], LEVELS.index(row["level"])))}
