"""Approved headcount (职数) against the posts held: the vacancies of a section at one 职务层次."""

# "选拔任用干部必须在规定的职务设置和职数限额内进行。没有职数空缺的，不得启动干部选拔任用程序"; "不得超职数配备干部"
# (domain reference §2 step 1). A section over its approved number (超职数) has no vacancy, and the excess is
# stated as such, never as a negative vacancy.

from dataclasses import dataclass

from workflows.text import Text
from workflows.text import t

LEVEL_NAMES = {"section_chief": t("正科"), "deputy_section_chief": t("副科")}


@dataclass(frozen=True)
class Vacancy:
    """One section at one 职务层次: the approved number (None: the table has no entry) and the posts held."""

    section_code: str
    section_name: str
    level: str  # section_chief / deputy_section_chief
    approved: int | None
    occupied: int

    @property
    def has_entry(self) -> bool:
        return self.approved is not None

    @property
    def vacancies(self) -> int:
        """Posts free within the approved number; 0 when full or over it (see ``excess``)."""
        return max(self.approved - self.occupied, 0) if self.approved is not None else 0

    @property
    def excess(self) -> int:
        """How many posts are held beyond the approved number (超职数); 0 when within it."""
        return max(self.occupied - self.approved, 0) if self.approved is not None else 0

    @property
    def is_open(self) -> bool | None:
        """Whether there is a vacancy; None when the table has no entry (someone must say)."""
        return self.vacancies > 0 if self.approved is not None else None

    def summary(self) -> Text:
        """The facts in one Chinese line, as pages and the record show them (a message pages can translate)."""
        post = t("{section}{level}", section=self.section_name, level=LEVEL_NAMES.get(self.level, self.level))
        if self.approved is None:
            return t("{post}：职数表中没有核定职数（现有实职 {occupied} 名）", post=post, occupied=self.occupied)
        state = (t("超职数 {count} 名", count=self.excess) if self.excess else
                 t("空缺 {count} 名", count=self.vacancies) if self.vacancies else t("无空缺"))
        return t("{post}：核定职数 {approved} 名，现有实职 {occupied} 名，{state}",
                 post=post, approved=self.approved, occupied=self.occupied, state=state)

    def as_data(self) -> dict:
        """Plain JSON for the case data (the gateway reads it; the record keeps it)."""
        return {"section_code": self.section_code, "section_name": self.section_name, "level": self.level,
                "approved": self.approved, "occupied": self.occupied, "vacancies": self.vacancies,
                "excess": self.excess, "has_entry": self.has_entry}


def vacancy_open(facts: dict | None, stated: object = None) -> bool:
    """Whether a selection may go on: the table's vacancy when it has an entry, else what the organiser stated."""
    if isinstance(facts, dict) and facts.get("has_entry"):
        return int(facts.get("vacancies") or 0) > 0
    return stated is True
