"""The registry's model: who must publish a report for which year, and where it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# Reports from 2019 on follow the templates the parser reads (国办公开办函〔2019〕60号 and later).
DEFAULT_FIRST_YEAR = 2019
NO_SOURCE = "（未登记报告位置）"


def due_on(year: int) -> date:
    """The day a year's report falls due (《政府信息公开条例》第四十九条: 31 January)."""
    return date(year + 1, 1, 31)


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
