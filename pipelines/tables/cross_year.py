"""The rules between a body's consecutive years (CROSS_YEAR_CARRY, CROSS_YEAR_IN_FORCE), applied
once every year is read: a body's years are in different partitions, so these findings are made
from the warehouse's cells, for the bodies whose partitions changed, not while a partition is
read. The rules themselves are `pipelines.read.rules.check_years`, as for one report.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from pipelines.read import template as t
from pipelines.read.report import Report
from pipelines.read.rules import check_years

RULES = ("CROSS_YEAR_CARRY", "CROSS_YEAR_IN_FORCE")
# The cells the rules read: (section, row, column).
CELLS = [
    *(
        ("applications", row, a)
        for row in ("carried_over", "carried_forward")
        for a in t.APPLICANTS
    ),
    *(
        ("proactive", item, m)
        for item in ("regulations", "normative_documents")
        for m in ("issued", "repealed", "in_force")
    ),
]

# (body_id, year, template, section, row, column, value), ordered by body_id and year
Cell = tuple[str, int, str | None, str, str, str, Any]


def findings(cells: Iterable[Cell]) -> list[tuple[str, int, Any]]:
    """(body_id, year, Finding) for every break of a cross-year rule among the reports whose
    cells these are (those read, with both years of a pair present)."""
    out = []
    for body, rows in groupby(cells, key=lambda c: c[0]):
        reports = [
            _report(year, list(year_cells)) for year, year_cells in groupby(rows, lambda c: c[1])
        ]
        by_year = {r.year: r for r in reports}
        for report in reports:
            previous = by_year.get(report.year - 1)  # type: ignore[operator]
            if previous is not None:
                out += [(body, report.year, f) for f in check_years(previous, report)]
    return out


def _report(year: int, cells: list[Cell]) -> Report:
    """Just enough of a report for the cross-year rules."""
    sections: dict[str, dict[str, dict[str, Any]]] = {"applications": {}, "proactive": {}}
    for section, row, col in CELLS:
        sections[section].setdefault(row, {})[col] = None
    for _body, _year, _template, section, row, col, value in cells:
        sections[section][row][col] = _number(value)
    template = cells[0][2] or "2021"
    return Report(None, year, template, sections["proactive"], sections["applications"], {})


def _number(value: Any) -> Any:
    """Counts as integers (the warehouse stores every cell as a number)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
