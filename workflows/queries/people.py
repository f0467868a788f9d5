"""Stored codes as people read them: cadres "姓名（科室 职务）", users "姓名（角色）", sections, roles."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from storage.models import Cadre
from storage.models import Post
from storage.models import Section
from storage.models import User
from workflows.actors import ROLE_NAMES
from workflows.forms.rows_for import ROWS_FOR
from workflows.rules.dates import full_years
from workflows.text import t

YES_NO = {True: ("是", "Yes"), False: ("否", "No")}
CADRE, USER, SECTION = "x-cadre", "x-user", "x-section"


def role_name(code: str | None, english: bool = False) -> str:
    """A role in words; the timers and other machine steps act as 系统."""
    if code == "system":
        return "System" if english else "系统"
    names = ROLE_NAMES.get(code or "")
    return names[english] if names else (code or "—")


def roles_of(prop: dict) -> tuple[str, ...]:
    """The roles an ``x-user`` field draws from (one role or a list of them)."""
    roles = prop.get(USER)
    return tuple(roles) if isinstance(roles, list) else (roles,) if roles else ()


@dataclass(frozen=True)
class Table:
    """Rows of objects as read: the form's column titles and each row's cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        # Only where a table cannot be drawn (plain text): one row per line, each cell with its title.
        return "\n".join("；".join(f"{title}：{cell}" for title, cell in zip(self.columns, row, strict=True) if cell)
                         for row in self.rows)


@dataclass(frozen=True)
class CadreChoice:
    """A cadre as a picker offers them."""

    staff_no: str
    name: str
    section: str
    title: str
    age: int

    @property
    def label(self) -> str:
        place = " ".join(part for part in (self.section, self.title) if part)
        if place:
            return t("{name}（{place}，{age} 岁）", name=self.name, place=place, age=self.age)
        return t("{name}（{age} 岁）", name=self.name, age=self.age)


def _choice(cadre: Cadre, today: date) -> CadreChoice:
    post = cadre.current_post
    section = post.section.name if post and post.section else ""
    return CadreChoice(cadre.staff_no, cadre.name, section, post.title if post else "",
                       full_years(cadre.birth_date, today))


def cadre_choices(session: Session, today: date) -> list[CadreChoice]:
    """The active cadres of the registry, by section then name, as pickers list them."""
    cadres = session.scalars(select(Cadre).where(Cadre.active.is_(True))
                             .options(selectinload(Cadre.posts).selectinload(Post.section))).all()
    found = [_choice(cadre, today) for cadre in cadres]
    return sorted(found, key=lambda c: (c.section == "", c.section, c.name, c.staff_no))


def choices_of(session: Session, staff_nos: list[str], today: date) -> dict[str, CadreChoice]:
    """The cadres of ``staff_nos`` (active or not) as pickers label them, by staff number; unknown ones left out."""
    cadres = session.scalars(select(Cadre).where(Cadre.staff_no.in_(staff_nos))
                             .options(selectinload(Cadre.posts).selectinload(Post.section))).all()
    return {cadre.staff_no: _choice(cadre, today) for cadre in cadres}


def user_choices(session: Session, roles: tuple[str, ...], english: bool = False) -> list[tuple[str, str]]:
    """(username, "姓名（角色）") of the active users holding any of ``roles``."""
    people = People(session, english)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.username)).all()
    return [(user.username, people.user(user.username, next(r for r in roles if r in user.roles)))
            for user in users if set(roles) & set(user.roles)]


class People:
    """Names for the staff numbers, usernames and section codes one page shows, each looked up once."""

    def __init__(self, session: Session, english: bool = False):
        self.session, self.english = session, english
        self._cadres: dict[str, tuple[str, str | None, str | None] | None] = {}
        self._users: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._sections: dict[str, str] | None = None

    def section(self, code) -> str:
        if self._sections is None:
            self._sections = {code: name for code, name in self.session.execute(select(Section.code, Section.name))}
        return self._sections.get(str(code), str(code))

    def cadre(self, staff_no, record: dict | None = None, numbered: bool = False) -> str:
        """"姓名（科室 职务）" (with the staff number when ``numbered``): from the record the case kept when there
        is one, else from the registry now; a staff number the registry does not know stays as it is."""
        staff_no = str(staff_no)
        if isinstance(record, dict) and record.get("staff_no") == staff_no and record.get("name"):
            found = (record["name"], record.get("section"), record.get("post_title"))
        else:
            if staff_no not in self._cadres:
                cadre = self.session.scalar(select(Cadre).where(Cadre.staff_no == staff_no)
                                            .options(selectinload(Cadre.posts).selectinload(Post.section)))
                post = cadre.current_post if cadre else None
                self._cadres[staff_no] = None if cadre is None else (
                    cadre.name, post.section.name if post and post.section else None, post.title if post else None)
            found = self._cadres[staff_no]
        if found is None:
            return staff_no
        return _cadre_label(*found, staff_no if numbered else None)

    def name(self, username) -> str:
        """A user's display name alone (where their role is shown beside it)."""
        self.user(username)
        return self._users.get(str(username), (role_name("system", self.english), ()))[0]

    def know(self, usernames) -> None:
        """Read the users named in one query (a record names a handful of people, each many times)."""
        wanted = {str(name) for name in usernames if name and str(name) != "system"} - self._users.keys()
        if wanted:
            for user in self.session.scalars(select(User).where(User.username.in_(sorted(wanted)))):
                self._users[user.username] = ((user.display_name or user.username), tuple(user.roles))
            for name in wanted - self._users.keys():
                self._users[name] = (name, ())

    def user(self, username, role: str | None = None) -> str:
        """"姓名（角色）"; the role given, else the roles the user holds."""
        username = str(username)
        if username == "system":
            return role_name("system", self.english)
        if username not in self._users:
            user = self.session.scalar(select(User).where(User.username == username))
            self._users[username] = ((user.display_name or username), tuple(user.roles)) if user else (username, ())
        name, held = self._users[username]
        roles = [role] if role else [code for code in ROLE_NAMES if code in held]
        shown = "、".join(role_name(code, self.english) for code in roles)
        return t("{name}（{roles}）", name=name, roles=shown) if shown else name

    def value(self, prop: dict | None, value, records=None):
        """One form field's value as read: a string, or a :class:`Table` for rows of objects."""
        prop = prop or {}
        if value is None or value == "" or value == []:
            return ""
        if isinstance(value, bool):
            return YES_NO[value][self.english]
        if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
            return self._table(prop, value, records if isinstance(records, list) else [])
        if isinstance(value, list):
            record_list = records if isinstance(records, list) else []
            return "、".join(self._one(prop, item, _record_for(record_list, item)) for item in value)
        return self._one(prop, value, records if isinstance(records, dict) else None)

    def _one(self, prop: dict, value, record: dict | None) -> str:
        items = prop.get("items") if prop.get("type") == "array" else None
        prop = {**prop, **(items or {})}
        choices = {str(option.get("const")): option.get("title") for option in prop.get("oneOf", [])}
        if str(value) in choices and choices[str(value)]:
            return str(choices[str(value)])
        if prop.get(CADRE):
            return self.cadre(value, record)
        if prop.get(USER):
            roles = roles_of(prop)
            held = self._held(value)
            return self.user(value, next((role for role in roles if role in held), roles[0] if roles else None))
        if prop.get(SECTION):
            return self.section(value)
        if isinstance(value, bool):
            return YES_NO[value][self.english]
        if isinstance(value, dict):
            return "；".join(f"{key}：{self._one({}, item, None)}" for key, item in value.items())
        return value if isinstance(value, str) else str(value)  # a sealed ballot's text keeps its template

    def _held(self, username) -> tuple[str, ...]:
        self.user(username)
        return self._users.get(str(username), ("", ()))[1]

    def _table(self, prop: dict, rows: list[dict], records: list) -> Table:
        columns = dict((prop.get("items") or {}).get("properties") or {})
        for row in rows:  # a key no column names still shows, under its own name
            columns.update({key: {} for key in row if key not in columns})
        # A per-cadre list (x-rows-for) names each row's cadre with the staff number: the row is that person's.
        numbered = ROWS_FOR in prop
        shown = []
        for index, row in enumerate(rows):
            kept = records[index] if index < len(records) else None
            shown.append(tuple(self._cell({**cell, CADRE: True} if numbered and key == "staff_no" else cell,
                                          row.get(key), kept, numbered) for key, cell in columns.items()))
        return Table(tuple(str(cell.get("title") or key) for key, cell in columns.items()), tuple(shown))

    def _cell(self, prop: dict, value, record, numbered: bool) -> str:
        """One cell of a row table: a cadre from the record kept for the row, a choice (yes/no too) by its title."""
        if value in (None, ""):
            return ""
        if prop.get(CADRE) and isinstance(value, str | int) and not isinstance(value, bool):
            return self.cadre(value, record if isinstance(record, dict) else None, numbered)
        if isinstance(value, bool) and prop.get("oneOf"):
            return self._one(prop, value, None)
        return str(self.value(prop, value))

    def subject(self, text: str | None) -> str:
        """A case subject: a staff number by name, a post's section code ("SJZY 科长") by the section's name."""
        if not text:
            return "—"
        first, _, rest = text.partition(" ")
        if rest:
            return f"{self.section(first)} {rest}"
        shown = self.cadre(first)
        return shown if shown != first else self.section(first)


def _cadre_label(name: str, section: str | None, title: str | None, staff_no: str | None = None) -> str:
    place = "，".join(part for part in (" ".join(part for part in (section, title) if part), staff_no) if part)
    return t("{name}（{place}）", name=name, place=place) if place else name


def _record_for(records: list, staff_no) -> dict | None:
    return next((r for r in records if isinstance(r, dict) and r.get("staff_no") == str(staff_no)), None)


def user_texts(prop: dict, value) -> list[str]:
    """The short texts of ``value`` that may be usernames, where ``prop`` (or its rows' columns) is a user field."""
    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
    if not any(isinstance(cell, dict) and cell.get(USER)
               for cell in (prop, items, *(items.get("properties") or {}).values())):
        return []
    rows = value if isinstance(value, list) else [value]
    return [text for row in rows for text in (row.values() if isinstance(row, dict) else [row])
            if isinstance(text, str) and len(text) <= 80]


def reader(session: Session, forms: dict, english: bool = False, values=()):
    """``read(key, value, data)``: a case data value by name where one of ``forms`` says what it holds (a person,
    a section, a choice, rows of objects), else None — the auditor then reads the value as recorded.

    ``values`` ((key, value) pairs) are the ones the page will read: the users they name are read in one query.
    """
    props: dict[str, dict] = {}
    for schema in forms.values():
        for key, prop in ((schema or {}).get("properties") or {}).items():
            if isinstance(prop, dict):
                props.setdefault(key, prop)
    named = People(session, english)
    # A replayed case holds a hundred fields, a dozen of them naming users: one query, not one per user.
    named.know(text for key, value in values for text in user_texts(props.get(key) or {}, value))

    def read(key: str, value, data: dict):
        prop = props.get(key) or {}
        items = prop.get("items") or {}
        if not any(cell.get(mark) for cell in (prop, items, *(items.get("properties") or {}).values())
                   if isinstance(cell, dict) for mark in ("x-cadre", "x-user", "x-section", "oneOf")):
            return None
        try:
            return named.value(prop, value, data.get(f"{key}_records")) or None
        except (TypeError, ValueError, AttributeError):
            return None  # a value the form does not describe (a tampered record) shows as recorded

    return read
