from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "demo"
SEED = DEMO / "documents" / "yongan-industry-it-bureau-2023.txt"
SEED_EXPECTED = ROOT / "tests" / "data" / "yongan-industry-it-bureau-2023.json"

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


def shared(*parts: str) -> Path:
    """A file of ../shared; the test is skipped where ../shared is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def cell_diff(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Every cell of the expected contract JSON that differs in `got`."""
    wrong = []
    for key in ("agency", "year", "template"):
        if expected[key] != got[key]:
            wrong.append(f"{key}: expected {expected[key]!r}, got {got[key]!r}")
    for section in ("proactive", "applications", "reviews_litigation"):
        if set(expected[section]) != set(got[section]):
            wrong.append(
                f"{section} rows: expected {sorted(expected[section])}, got {sorted(got[section])}"
            )
        for row, cells in expected[section].items():
            for col, value in cells.items():
                actual = got[section].get(row, {}).get(col, "<missing>")
                if actual != value or type(actual) is not type(value):
                    wrong.append(f"{section}.{row}.{col}: expected {value!r}, got {actual!r}")
    return wrong


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
