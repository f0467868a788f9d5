"""Importing the registry workbook all or nothing: every problem is found first, then everything is written."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from storage.models import AnnualAssessment
from storage.models import Cadre
from storage.models import Post
from storage.models import Sanction
from storage.models import Section
from storage.models import SectionAssessment
from storage.models import Unit
from workflows.registry import headcount
from workflows.registry.codes import default_retirement_category
from workflows.registry.workbook import file_sheets
from workflows.registry.workbook import personal_sheets
from workflows.registry.workbook import sheets as spec
from workflows.registry.workbook.reading import CadreImportError
from workflows.registry.workbook.reading import ParsedRow
from workflows.registry.workbook.reading import ParsedWorkbook
from workflows.registry.workbook.reading import read_workbook
from workflows.registry.workbook.sheets import CellError
from workflows.registry.workbook.sheets import Sheet
from workflows.text import joined
from workflows.text import t

__all__ = ["CadreImportError", "ImportSummary", "SheetCounts", "import_cadres", "read_workbook"]

POST_DETAILS = tuple(sorted(spec.POST_FIELDS - set(spec.POST_IDENTITY)))


@dataclass
class SheetCounts:
    """Rows of one sheet that made a new record, changed one, or matched one exactly."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ImportSummary:
    """What an import did, per sheet (every sheet is listed, a missing one with zeros)."""

    sheets: dict[str, SheetCounts]
    units: SheetCounts  # the units named in the 科室 sheet, each counted once
    posts_closed: int = 0  # current posts ended because the file gives a new appointment

    def __str__(self) -> str:
        """One line in Chinese, for the CLI and the pages."""
        return joined([*(t("{sheet}：新增 {created}，更新 {updated}，未变 {unchanged}", sheet=name, created=c.created,
                             updated=c.updated, unchanged=c.unchanged) for name, c in self.sheets.items()),
                         t("结束原任职务 {count} 条", count=self.posts_closed)])

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return self.posts_closed > 0 or any(
            counts.created or counts.updated for counts in [*self.sheets.values(), self.units])


@dataclass
class _Stored:
    """The registry as it stands, keyed the way the file names things; the import adds what it creates."""

    cadres: dict[str, Cadre]
    sections: dict[str, Section]
    units: dict[str, Unit]


def import_cadres(session: Session, parsed: ParsedWorkbook,
                  on_progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Write a parsed workbook into the registry, upserting by 干部编号, 科室代码 and year.

    Raises :class:`CadreImportError` with every problem, in the file and against the registry, before anything
    is added to the session; the caller owns the transaction. ``on_progress(done, total)`` follows each row.
    """
    stored = _Stored(
        {cadre.staff_no: cadre for cadre in session.scalars(
            select(Cadre).options(selectinload(Cadre.posts).selectinload(Post.section)))},
        {section.code: section for section in session.scalars(select(Section))},
        {unit.code: unit for unit in session.scalars(select(Unit))})
    errors = [*parsed.errors, *_check_against_registry(parsed, stored),
              *file_sheets.check(session, parsed, stored.cadres),
              *personal_sheets.check(session, parsed, stored.cadres),
              *headcount.sheet_errors(parsed, stored.sections)]
    if errors:
        raise CadreImportError(errors)
    summary = ImportSummary({sheet.name: SheetCounts() for sheet in spec.SHEETS}, SheetCounts())
    total, done = sum(len(parsed.rows(sheet)) for sheet in spec.SHEETS), 0

    def step() -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    section_changes = _write_sections(session, parsed, stored, summary)
    _write_cadres(session, parsed, stored, summary, step)
    session.flush()  # leaders, assessments and sanctions refer to the new cadres by id
    _write_leaders(parsed, stored, summary, section_changes, step)
    _upsert_yearly(session, parsed, spec.ASSESSMENTS, AnnualAssessment, "cadre_id",
                   lambda row: stored.cadres[row.values["staff_no"]].id, summary, step)
    _write_sanctions(session, parsed, stored, summary, step)
    file_sheets.write(session, parsed, stored.cadres, summary, step)
    personal_sheets.write(session, parsed, stored.cadres, summary, step)
    _upsert_yearly(session, parsed, spec.SECTION_ASSESSMENTS, SectionAssessment, "section_id",
                   lambda row: stored.sections[row.values["section_code"]].id, summary, step)
    headcount.write_sheet(session, parsed, stored.sections, summary, step)
    session.flush()
    return summary


def _check_against_registry(parsed: ParsedWorkbook, stored: _Stored) -> list[CellError]:
    errors: list[CellError] = []
    staff = set(stored.cadres) | {row.values.get("staff_no") for row in parsed.rows(spec.CADRES)}
    sections = set(stored.sections) | {row.values.get("code") for row in parsed.rows(spec.SECTIONS)}
    for sheet, name, known, source in (
            (spec.CADRES, "section_code", sections, spec.SECTIONS), (spec.ASSESSMENTS, "staff_no", staff, spec.CADRES),
            (spec.SANCTIONS, "staff_no", staff, spec.CADRES), (spec.SECTIONS, "leader_staff_no", staff, spec.CADRES),
            (spec.SECTION_ASSESSMENTS, "section_code", sections, spec.SECTIONS)):
        header = sheet.column(name).header
        for row in parsed.rows(sheet):
            value = row.values.get(name)
            if value is not None and value not in known:
                errors.append(CellError(sheet.name, row.number, header,
                                        t("{header}“{value}”不存在：文件的{sheet}表和系统中都没有",
                                          header=header, value=value, sheet=source.name)))
    for row in parsed.rows(spec.CADRES):
        cadre = stored.cadres.get(row.values.get("staff_no"))
        current = cadre.current_post if cadre else None
        wanted = _wanted_post(row, parsed.sheets[spec.CADRES.name].fields, current)
        if current is not None and wanted is not None and wanted["start_date"] is not None \
                and _identity(current) != tuple(wanted.values()) and wanted["start_date"] <= current.start_date:
            # Closing the current post on or before its own start would leave a history that makes no sense.
            errors.append(CellError(spec.CADRES.name, row.number, spec.CADRES.column("start_date").header, t(
                "现任职务“{title}”自 {start} 起，新任职务的任现职日期应晚于此日"
                "（职务有变化时，导入会结束现任职务并新增一条任职记录）",
                title=current.title, start=current.start_date.isoformat())))
    return errors


def _wanted_post(row: ParsedRow, fields: frozenset[str], current: Post | None) -> dict | None:
    """The identity of the post the row gives (an absent column keeps the current post's), None for no post."""
    if not any(row.values.get(name) is not None for name in spec.POST_FIELDS):
        return None
    now = dict(zip(spec.POST_IDENTITY, _identity(current), strict=True)) if current else {}
    return {name: row.values.get(name) if name in fields else now.get(name) for name in spec.POST_IDENTITY}


def _identity(post: Post) -> tuple:
    return (post.section.code if post.section else None, post.title, post.level, post.is_leadership, post.start_date)


def _assign(record: object, values: dict) -> bool:
    """Set the values that differ; whether any did (so a re-import of the same file changes nothing)."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def _write_sections(session: Session, parsed: ParsedWorkbook, stored: _Stored,
                    summary: ImportSummary) -> dict[int, tuple[bool, bool]]:
    """Units and sections (leaders come after the cadres); {row number: (created, changed)}."""
    changes, units_seen = {}, set()
    for row in parsed.rows(spec.SECTIONS):
        values = row.values
        unit = stored.units.get(values["unit_code"])
        if values["unit_code"] not in units_seen:
            units_seen.add(values["unit_code"])
            if unit is None:
                unit = stored.units[values["unit_code"]] = Unit(code=values["unit_code"])
                session.add(unit)
            summary.units.count(unit.id is None, _assign(unit, {"name": values["unit_name"]}))
        section = stored.sections.get(values["code"])
        if section is None:
            section = stored.sections[values["code"]] = Section(code=values["code"], name=values["name"], unit=unit)
            session.add(section)
            changes[row.number] = (True, True)
        else:
            moved = section.unit is not unit
            section.unit = unit
            changes[row.number] = (False, _assign(section, {"name": values["name"]}) or moved)
    return changes


def _write_cadres(session: Session, parsed: ParsedWorkbook, stored: _Stored, summary: ImportSummary,
                  step: Callable[[], None]) -> None:
    part = parsed.sheets.get(spec.CADRES.name)
    for row in part.rows if part else []:
        person = {name: row.values[name] for name in spec.PERSON_FIELDS if name in part.fields}
        if person.get("under_investigation") is None:
            person["under_investigation"] = False
        cadre = stored.cadres.get(person["staff_no"])
        created = cadre is None
        if person.get("retirement_category") is None and (created or "retirement_category" in part.fields):
            person["retirement_category"] = default_retirement_category(person["gender"], person["staff_category"])
        if created:
            cadre = stored.cadres[person["staff_no"]] = Cadre(**person)
            session.add(cadre)
        changed = _assign(cadre, person)
        post_changed = _write_post(cadre, row, part.fields, stored, summary)
        summary.sheets[spec.CADRES.name].count(created, changed or post_changed)
        step()


def _write_post(cadre: Cadre, row: ParsedRow, fields: frozenset[str], stored: _Stored,
                summary: ImportSummary) -> bool:
    """Same post: correct it in place; another post: end the current one the day the new one starts."""
    current = cadre.current_post
    wanted = _wanted_post(row, fields, current)
    if wanted is None:
        return False  # no post on the row: the history is left as it is
    details = {name: row.values.get(name) for name in POST_DETAILS if name in fields}
    if current is not None and _identity(current) == tuple(wanted.values()):
        if details.get("same_post_start") is None:
            details.pop("same_post_start", None)  # blank keeps the date the rotation rule counts from
        return _assign(current, details)
    section = stored.sections.get(wanted["section_code"]) if wanted["section_code"] else None
    if current is not None:
        current.end_date, current.end_reason = wanted["start_date"], f"改任{wanted['title']}（导入）"
        summary.posts_closed += 1
    same_position = current is not None and (current.section, current.title) == (section, wanted["title"])
    details["same_post_start"] = details.get("same_post_start") or (
        current.same_post_start if same_position else wanted["start_date"])
    wanted.pop("section_code")
    cadre.posts.append(Post(section=section, **wanted, **details))
    return True


def _write_leaders(parsed: ParsedWorkbook, stored: _Stored, summary: ImportSummary,
                   changes: dict[int, tuple[bool, bool]], step: Callable[[], None]) -> None:
    part = parsed.sheets.get(spec.SECTIONS.name)
    for row in part.rows if part else []:
        created, changed = changes[row.number]
        if "leader_staff_no" in part.fields:
            leader = row.values["leader_staff_no"]
            changed = _assign(stored.sections[row.values["code"]], {
                "leader_in_charge_id": stored.cadres[leader].id if leader else None}) or changed
        summary.sheets[spec.SECTIONS.name].count(created, changed)
        step()


def _upsert_yearly(session: Session, parsed: ParsedWorkbook, sheet: Sheet, model: type, owner: str,
                   find_owner: Callable[[ParsedRow], int], summary: ImportSummary, step: Callable[[], None]) -> None:
    """Rows that are one per owner and year (annual and section assessments): update or add."""
    part = parsed.sheets.get(sheet.name)
    if part is None:
        return
    existing = {(getattr(record, owner), record.year): record for record in session.scalars(select(model))}
    for row in part.rows:
        owner_id = find_owner(row)
        values = {column.field: row.values[column.field] for column in sheet.columns
                  if column.field in part.fields and column.field not in ("staff_no", "section_code", "year")}
        record = existing.get((owner_id, row.values["year"]))
        if record is None:
            record = existing[owner_id, row.values["year"]] = model(**{owner: owner_id, "year": row.values["year"]})
            session.add(record)
        summary.sheets[sheet.name].count(record.id is None, _assign(record, values))
        step()


def _write_sanctions(session: Session, parsed: ParsedWorkbook, stored: _Stored, summary: ImportSummary,
                     step: Callable[[], None]) -> None:
    """Sanctions have no natural key: a row is added unless an identical one is already recorded."""
    part = parsed.sheets.get(spec.SANCTIONS.name)
    # Without the 影响期至 column a sanction is matched on the rest, so the stored impact period stays.
    with_impact = part is not None and "impact_until" in part.fields
    recorded = {(s.cadre_id, s.kind, s.decided_on, s.impact_until if with_impact else None)
                for s in session.scalars(select(Sanction))}
    for row in part.rows if part else []:
        values = row.values
        key = (stored.cadres[values["staff_no"]].id, values["kind"], values["decided_on"], values.get("impact_until"))
        created = key not in recorded
        if created:
            recorded.add(key)
            session.add(Sanction(cadre_id=key[0], kind=key[1], decided_on=key[2], impact_until=key[3]))
        summary.sheets[spec.SANCTIONS.name].count(created, False)
        step()
