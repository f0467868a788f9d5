"""Section (科室) assessment penalties of seed 000: no awards, no 优秀 for the leader in charge, heads adjusted."""

from collections.abc import Sequence
from dataclasses import dataclass

from workflows.rules.facts import SectionFacts
from workflows.rules.findings import Finding
from workflows.rules.policy import DEFAULT_POLICY
from workflows.rules.policy import Policy
from workflows.text import joined
from workflows.text import t

SOURCE = t("青数〔2024〕18号 四（六）")


@dataclass(frozen=True)
class SectionPenalty(Finding):
    """One penalised section in ``year``: its grounds per year and what follows from them."""

    section_code: str
    section_name: str
    year: int
    grounds: dict[int, tuple[str, ...]]  # year -> grounds (Chinese); year-1 present only when it had grounds too
    consecutive: bool  # grounds in both year-1 and year ⇒ the section heads are adjusted
    leader_not_excellent: str | None  # cadre_id of the 分管班子成员 who cannot be recommended as 优秀
    heads_to_adjust: tuple[str, ...]  # cadre_ids of the 科长/副科长 to adjust (only when consecutive)
    consequences: tuple[str, ...]


def section_penalties(sections: Sequence[SectionFacts], year: int,
                      policy: Policy = DEFAULT_POLICY) -> list[SectionPenalty]:
    """Sections graded 不合格 or ranked in the bottom ``section_bottom_ranks`` in ``year``, with their consequences.

    Seed 000: 科室考核被确定为不合格等次，或排名后两名的 … 科室所有同志不得评先评优，且分管该科室的班子成员
    不得推荐为优秀；连续两年被确定为不合格等次，或连续两年排名后两名的 … 调整科室负责人(含副科长)岗位.
    Reading decided here (the seed is ambiguous): a year counts toward "连续两年" when it has either ground,
    so 不合格 one year and 后两名 the next is also two consecutive years; the seed lists both grounds as
    equivalent for one year, and a narrower reading would let the worse mix escape the sanction.
    """
    bottom = policy.section_bottom_ranks
    ranks = {y: [r for r in (_rank(s, y) for s in sections) if r is not None] for y in (year - 1, year)}
    penalties: list[SectionPenalty] = []
    for section in sorted(sections, key=lambda s: s.code):
        this_year = _grounds(section, year, ranks[year], bottom)
        if not this_year:
            continue
        last_year = _grounds(section, year - 1, ranks[year - 1], bottom)
        consecutive = bool(last_year)
        grounds = {year - 1: last_year, year: this_year} if consecutive else {year: this_year}
        consequences = [t("{section}所有同志 {year} 年度不得评先评优", section=section.name, year=year)]
        if section.leader_in_charge:
            consequences.append(t("分管该科室的班子成员（{leader}）不得推荐为优秀", leader=section.leader_in_charge))
        else:
            consequences.append(t("分管该科室的班子成员不得推荐为优秀（分管班子成员未登记，请补录）"))
        heads: tuple[str, ...] = ()
        if consecutive:
            heads = section.head_ids
            who = joined(heads, "、") if heads else t("未登记，请补录")
            consequences.append(t("连续两年不合格或排名后 {bottom} 名，按照干部能上能下的原则，"
                                  "调整科室负责人（含副科长）岗位：{who}", bottom=bottom, who=who))
        all_grounds = [g for year_grounds in grounds.values() for g in year_grounds]
        reason = t("{section}：{grounds}。处理：{consequences}（{source}）", section=section.name,
                   grounds=joined(all_grounds), consequences=joined(consequences), source=SOURCE)
        penalties.append(SectionPenalty(
            applies=True, reason=reason,
            figures={"year": year, "ranked_sections": {str(y): len(r) for y, r in ranks.items()},
                     "assessments": {str(y): list(section.assessments[y]) for y in grounds}},
            policy=policy.subset("section_bottom_ranks"),
            section_code=section.code, section_name=section.name, year=year, grounds=grounds,
            consecutive=consecutive, leader_not_excellent=section.leader_in_charge,
            heads_to_adjust=heads, consequences=tuple(consequences)))
    return penalties


def _rank(section: SectionFacts, year: int) -> int | None:
    entry = section.assessments.get(year)
    return entry[1] if entry else None


def _grounds(section: SectionFacts, year: int, ranks: list[int], bottom: int) -> tuple[str, ...]:
    entry = section.assessments.get(year)
    if entry is None:
        return ()
    grade, rank = entry
    found: list[str] = []
    if grade == "fail":
        found.append(t("{year} 年科室考核为不合格等次", year=year))
    # "后两名" is relative to the sections ranked that year: a section is in it when fewer than ``bottom`` sections
    # ranked strictly worse. This works for 1,2,2,4 and 1,2,2,3 alike and includes both sections of a tie at the
    # edge (they share the place, so neither is "better" than the other).
    # With no more sections ranked than the bottom count every section would be "bottom"; the ranking then
    # cannot tell sections apart, so only the 不合格 grade is applied (decision recorded in the report).
    if rank is not None and len(ranks) > bottom and sum(1 for other in ranks if other > rank) < bottom:
        found.append(t("{year} 年排名第 {rank} 名（共 {count} 个科室参加排名，后 {bottom} 名）", year=year, rank=rank,
                       count=len(ranks), bottom=bottom))
    return tuple(found)
