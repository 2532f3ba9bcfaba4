"""Reading a generated corpus document back and comparing it with what was rendered."""

from __future__ import annotations

import re
from typing import Any

from support import cell_diff

ARITHMETIC = frozenset({"T3_ROW_TOTAL", "T3_BALANCE", "T3_OUTCOME_SUM", "T4_TOTAL"})


def check_reads_as_rendered(case: Any, fmt: str, *, sniffed: str, location: str) -> Any:
    """Parse one generated corpus document and check it against what was rendered: every
    cell, the publication date, each cell's location, the findings its damage must give, and
    arithmetic findings exactly those of the printed numbers (none invented, none hidden)."""
    from pipelines.read.document import parse_bytes
    from pipelines.read.report import Report
    from pipelines.read.rules import check_arithmetic
    from testkit import corpus

    want = corpus.expected(case)
    got_format, report = parse_bytes(corpus.render(case, fmt))
    assert got_format == sniffed
    assert cell_diff(want.contract, report.to_contract()) == []
    assert report.published_on == want.published_on
    pattern = re.compile(location)
    assert all(pattern.match(loc) for loc in report.locations.values())
    for rule, cells in want.findings.items():
        named = {c for f in report.findings if f.rule == rule for c in f.cells}
        assert cells <= named, rule
    printed = Report(**{**want.contract, "findings": []})
    expected = {(f.rule, tuple(f.cells)) for f in check_arithmetic(printed)}
    found = {(f.rule, tuple(f.cells)) for f in report.findings if f.rule in ARITHMETIC}
    assert found == expected
    serious = {f.rule for f in report.findings if f.severity in ("error", "warning")}
    assert serious <= ARITHMETIC | set(want.findings)
    return report
