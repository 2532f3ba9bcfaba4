"""The registry's model: who must publish a report for which year, and where it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# Reports from 2019 on follow the templates the parser reads (国办公开办函〔2019〕60号 and later).
DEFAULT_FIRST_YEAR = 2019
NO_SOURCE = "（未登记报告位置）"


# 《政府信息公开条例》第四十九条: the departments of people's governments at county level and
# above publish by 31 January, the county-level-and-above local governments' own reports are
# published by 31 March. Townships and sub-districts are in neither case: their reports feed the
# county's report of 31 March, so they are due with the departments, by 31 January (the
# registry's `deadline` overrides it where a province sets otherwise). So is `other`.
GOVERNMENT_LEVELS = frozenset({"city_government", "district_county"})
DEADLINES = {"department": (1, 31), "government": (3, 31), "township": (1, 31), "other": (1, 31)}


def due_basis(level: str, deadline: str | None = None) -> str:
    """Which deadline applies: the registry's own (`registry`), else that of the level."""
    if deadline:
        return "registry"
    if level in GOVERNMENT_LEVELS:
        return "government"
    return level if level in DEADLINES else "other"


def due_on(year: int, level: str = "department", deadline: str | None = None) -> date:
    """The day a year's report falls due: the registry's `deadline` (MM-DD in the year after,
    or a date), else the level's (第四十九条; see DEADLINES)."""
    if deadline and len(deadline) > 5:
        return date.fromisoformat(deadline)
    if deadline:
        month, day = (int(x) for x in deadline.split("-"))
    else:
        month, day = DEADLINES[due_basis(level)]
    return date(year + 1, month, day)


_DEADLINE = re.compile(r"^(\d{4}-)?\d{2}-\d{2}$")


def deadline_problem(text: str) -> str | None:
    """Why a registry `deadline` cannot be read (Chinese), or None. Checked here rather than by
    a schema pattern: the clerk reads what to write, not a regular expression."""
    try:
        if not _DEADLINE.match(text):
            raise ValueError(text)
        if len(text) == 5:
            date.fromisoformat(f"2023-{text}")  # not a leap year: 02-29 is not every year's
        else:
            date.fromisoformat(text)
    except ValueError:
        return f"截止日期「{text}」不是有效的日期，应写成 月-日（如 03-31）或 年-月-日（如 2024-03-31）"
    return None


@dataclass(frozen=True)
class Entry:
    body_id: str
    name: str
    region_name: str
    region_code: str
    level: str
    parent_id: str | None
    year: int
    source: str  # "" when the report is to be found (listing page, inbox)
    synthetic: bool
    aliases: tuple[str, ...] = ()
    listing_url: str | None = None
    active_from: int | None = None
    active_to: int | None = None
    expected: bool = True  # the body existed that year, so a report is due
    registered: bool = True  # False: a year the body should report for, with no row of its own
    deadline: str | None = None  # the registry's own deadline: MM-DD or YYYY-MM-DD

    @property
    def due_on(self) -> date:
        return due_on(self.year, self.level, self.deadline)

    @property
    def due_basis(self) -> str:
        return due_basis(self.level, self.deadline)

    def is_active(self, year: int) -> bool:
        return (self.active_from is None or year >= self.active_from) and (
            self.active_to is None or year <= self.active_to
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The full name and every former name: any of them may head the body's report."""
        return (self.name, *self.aliases)


@dataclass
class Registry:
    path: str
    sha256: str
    entries: list[Entry]
    problems: list[str] = field(default_factory=list)  # row-level errors, Chinese
    warnings: list[str] = field(default_factory=list)  # kept rows with something to check

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent

    def bodies(self) -> dict[str, Entry]:
        """One entry per body (its first), in registry order."""
        out: dict[str, Entry] = {}
        for e in self.entries:
            out.setdefault(e.body_id, e)
        return out
